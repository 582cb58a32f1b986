-- Tests of dues.forbid_delete.

-- Every table of schema dues is history, kept forever, unless it holds settings, queues or credentials (listed below):
-- a history table refuses DELETE and TRUNCATE with BEFORE triggers (dues.forbid_delete, or the ledger's own). The tables
-- come from the catalog, so a table is checked the day it is added. (Checked in the catalog: running TRUNCATE would take
-- locks that deadlock with the tests running side by side.)
create or replace function tests.test_forbid_delete__guards_every_history_table()
returns setof text
language plpgsql
as $$
declare
    -- not history: what DBAs edit (reference data, settings, rules, templates, the schedule), queues and caches jobs
    -- empty, counters, and credentials
    v_not_history text[] := array['access_nonce', 'api_token', 'collect_queue', 'currency', 'error_code', 'idempotency',
                                  'invoice_counter', 'job_schedule', 'membership_status_rule', 'message_template',
                                  'parameter_type', 'payment_method', 'setting', 'setting_type', 'subscription_parameter_template',
                                  'signin_code', 'signin_failure', 'subscription_rule', 'webhook_resource'];
    -- the guards of the payment notifications refuse every delete but jobs.cleanup's of messages without effect
    v_refusing regproc[] := array['dues.forbid_delete', 'dues.ledger_immutable', 'dues.ledger_account_guard',
                                  'dues.ipn_message_guard_delete', 'dues.ipn_log_guard_delete']::regproc[];
begin
    return next is_empty(
        format($q$select c.relname::text
                    from pg_catalog.pg_class c
                   where c.relnamespace = 'dues'::regnamespace and c.relkind in ('r', 'p')
                     and c.relname <> all (%L::text[])
                     and not (exists (select from pg_catalog.pg_trigger t
                                       where t.tgrelid = c.oid and t.tgenabled <> 'D' and t.tgfoid = any (%L::regproc[])
                                         and t.tgtype & 2 <> 0 and t.tgtype & 1 <> 0 and t.tgtype & 8 <> 0)  -- BEFORE, ROW, DELETE
                              and exists (select from pg_catalog.pg_trigger t
                                           where t.tgrelid = c.oid and t.tgenabled <> 'D' and t.tgfoid = any (%L::regproc[])
                                             and t.tgtype & 2 <> 0 and t.tgtype & 32 <> 0))                    -- BEFORE, TRUNCATE
                   order by 1$q$, v_not_history, v_refusing, v_refusing),
        'every table of schema dues but settings, queues and credentials refuses DELETE and TRUNCATE');
    return next is_empty(format($q$select t from pg_catalog.unnest(%L::text[]) t where pg_catalog.to_regclass('dues.' || t) is null$q$,
                                v_not_history),
                         'the tables said not to be history exist (one renamed is checked again)');
end
$$;
