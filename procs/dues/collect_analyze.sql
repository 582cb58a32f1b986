-- The collector's statistics: analyzes each table a collector run grows whose size has more than doubled (by at least 8
-- pages) since its statistics were taken, so that the plans of the next batch (and the cached plans of the functions it
-- calls, which an analyze invalidates) see the table as it is, e.g. after the first batch of a run on small tables. Tables
-- the current user may not analyze are left alone. Returns the tables analyzed.
create or replace function dues.collect_analyze()
returns int
language plpgsql
set search_path = ''
as $$
declare
    v_table regclass;
    v_count int := 0;
begin
    for v_table in
        select c.oid::regclass
          from pg_catalog.pg_class c
          join pg_catalog.pg_namespace n on n.oid = c.relnamespace
         where n.nspname = 'dues'
           and c.relname in ('invoice', 'invoice_line', 'invoice_status_change', 'invoice_counter', 'ledger_account',
                             'ledger_transaction', 'ledger_posting', 'ledger_booking', 'outbox', 'settlement',
                             'recurring_subscription', 'member_standing', 'discount_use', 'invoice_reminder')
           and pg_catalog.pg_has_role(c.relowner, 'USAGE')
           and pg_catalog.pg_relation_size(c.oid) / pg_catalog.current_setting('block_size')::bigint
               >= greatest(2 * c.relpages, c.relpages + 8)
         order by c.relname
    loop
        -- skip_locked: a table a vacuum or an index build holds is left for the next batch, not waited for
        execute pg_catalog.format('analyze (skip_locked) %s', v_table);
        v_count := v_count + 1;
    end loop;
    return v_count;
end
$$;
