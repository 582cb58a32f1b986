-- Tests of api.collect_run_list: the collector's runs, newest first, with their counts.

create or replace function tests.test_collect_run_list__lists_runs_newest_first_with_their_counts()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_first  bigint;
    v_second bigint;
begin
    perform tests.fx_subscribe(v_member, tests.fx_recurring_class(), tests.fx_day(1, 1));
    perform tests.fx_collect(tests.fx_day(1, 1));
    v_first := (select max(id) from dues.collect_run);
    perform tests.fx_collect(tests.fx_day(1, 2));
    v_second := (select max(id) from dues.collect_run);
    return next is(array(select id from api.collect_run_list() where id in (v_first, v_second)), array[v_second, v_first], 'newest first');
    return next is((select (run_at, invoices, errors) from api.collect_run_list() where id = v_first),
                   ((tests.fx_day(1, 1) + time '12:00') at time zone 'UTC', 1, 0), 'each with the now it ran for and what it did');
    return next is(array(select id from api.collect_run_list("limit" => 1, after => v_second) where id = v_first), array[v_first],
                   'a page at a time');
    return next throws_ok('select * from api.collect_run_list("limit" => 501)', 'DU300', null, 'a limit over 500');
    perform tests.fx_as_member(v_member);
    return next throws_ok('select * from api.collect_run_list()', '42501', null, 'staff only');
end
$$;
