-- Tests of dues.ledger_immutable.

-- TRUNCATE itself is not run here: it takes ACCESS EXCLUSIVE locks on the ledger tables, which would
-- deadlock with the tests the runner runs side by side. Instead: the trigger function refuses a TRUNCATE
-- (on a scratch table), and the ledger tables carry it as a BEFORE TRUNCATE trigger.
create or replace function tests.test_ledger_immutable__refuses_truncate_of_the_ledger_tables()
returns setof text
language plpgsql
as $$
declare
    v_table text;
begin
    create temporary table ledger_truncate_probe (x int) on commit drop;
    create trigger ledger_truncate_probe before truncate on pg_temp.ledger_truncate_probe
        for each statement execute function dues.ledger_immutable();
    return next throws_ok('truncate pg_temp.ledger_truncate_probe', 'DU041', null, 'dues.ledger_immutable refuses a TRUNCATE');
    foreach v_table in array array['ledger_posting', 'ledger_transaction', 'ledger_account'] loop
        return next is(
            (select count(*)
               from pg_catalog.pg_trigger t
              where t.tgrelid = ('dues.' || v_table)::regclass
                and t.tgfoid in ('dues.ledger_immutable'::regproc, 'dues.ledger_account_guard'::regproc)
                and t.tgtype & 32 <> 0   -- TRUNCATE
                and t.tgtype & 2 <> 0    -- BEFORE
                and t.tgenabled <> 'D'),
            1::bigint,
            format('dues.%s has an enabled BEFORE TRUNCATE trigger refusing it', v_table));
    end loop;
end
$$;
