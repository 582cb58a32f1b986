-- jobs.collect in batches: one transaction per collect_batch_size members, the run going on across calls.

create or replace function tests.test_collect_batches__a_run_goes_on_across_calls_until_done()
returns setof text
language plpgsql
as $$
declare
    v_class   bigint := tests.fx_recurring_class();
    v_members bigint[] := array[tests.fx_member(), tests.fx_member(), tests.fx_member()];
    v_member  bigint;
    v_calls   jsonb[] := '{}';
begin
    foreach v_member in array v_members loop
        perform tests.fx_subscribe(v_member, v_class, tests.fx_day(1, 1));
    end loop;
    update dues.setting set value = '2' where name = 'collect_batch_size';
    v_calls := v_calls || tests.fx_collect(tests.fx_day(1, 1));
    v_calls := v_calls || tests.fx_collect(tests.fx_day(1, 1));
    return next is(v_calls[1] ->> 'more', 'true', 'two of three members done: more to do');
    return next is(v_calls[1] ->> 'members', '2', 'the first call visits a batch of two');
    return next is(v_calls[2] ->> 'more', 'false', 'the second call finishes the run');
    return next is(v_calls[2] ->> 'members', '1', 'and visits the third member');
    return next is(v_calls[2] ->> 'run_id', v_calls[1] ->> 'run_id', 'both calls belong to one run');
    return next is((select array[members, invoices, batches] from dues.collect_run where id = (v_calls[1] ->> 'run_id')::bigint),
                   array[3, 3, 2], 'the run records what all its batches did');
    return next ok((select finished_at is not null from dues.collect_run where id = (v_calls[1] ->> 'run_id')::bigint),
                   'and is finished');
    return next is((select count(*) from dues.collect_queue), 0::bigint, 'nothing is left queued');
    return next is((tests.fx_collect(tests.fx_day(1, 1)) ->> 'invoices')::int, 0, 'a new run for the same now bills nothing again');
end
$$;
