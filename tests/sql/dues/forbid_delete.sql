-- Tests of dues.forbid_delete.

-- Tests of dues.forbid_delete: history tables keep their rows.
-- Every table that money or membership history depends on refuses DELETE and TRUNCATE (checked in the
-- catalog: running TRUNCATE would take locks that deadlock with the tests running side by side).
create or replace function tests.test_forbid_delete__guards_every_history_table()
returns setof text
language plpgsql
as $$
declare
    v_table text;
begin
    foreach v_table in array array['member', 'payment', 'group', 'class', 'class_subscription_parameter',
                                   'subscription_order', 'class_subscription', 'group_membership'] loop
        return next is(
            (select array_agg(x.op order by x.op) from (
             select distinct case when t.tgtype & 32 <> 0 then 'truncate' else 'delete' end as op
               from pg_catalog.pg_trigger t
              where t.tgrelid = format('dues.%I', v_table)::regclass
                and t.tgfoid = 'dues.forbid_delete'::regproc
                and t.tgtype & 2 <> 0                       -- BEFORE
                and (t.tgtype & 32 <> 0 or t.tgtype & 8 <> 0)  -- TRUNCATE or DELETE
                and t.tgenabled <> 'D') x),
            array['delete', 'truncate'],
            format('dues.%s refuses DELETE and TRUNCATE', v_table));
    end loop;
end
$$;
