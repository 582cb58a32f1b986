-- Tests of api.collect_error_list: the members a run could not bill, and why.

create or replace function tests.test_collect_error_list__lists_a_runs_errors_by_member()
returns setof text
language plpgsql
as $$
declare
    v_ann  bigint := tests.fx_member('Ann');
    v_bob  bigint := tests.fx_member('Bob');
    v_run  bigint;
    v_ids  bigint[];
begin
    insert into dues.collect_run (run_at, started_at, finished_at, errors) values (now(), now(), now(), 2) returning id into v_run;
    with e as (
        insert into dues.collect_error (collect_run_id, member_id, sqlstate, message)
        values (v_run, v_ann, 'DUB14', 'no provider for class 3: no broker is registered'),
               (v_run, v_bob, 'DUB12', 'member is linked')
        returning id)
    select array_agg(id order by id desc) into v_ids from e;
    return next is(array(select id from api.collect_error_list(v_run)), v_ids, 'a run''s errors, newest first');
    return next is((select (member_id, member_name, sqlstate, message) from api.collect_error_list(v_run) where member_id = v_ann),
                   (v_ann, 'Ann'::text, 'DUB14'::text, 'no provider for class 3: no broker is registered'::text),
                   'each with its member, code and message');
    return next is(array(select id from api.collect_error_list(v_run, "limit" => 1, after => v_ids[1])), v_ids[2:2], 'a page at a time');
    return next throws_ok('select * from api.collect_error_list(987654321)', 'DU30H', 'collector run 987654321 not found',
                          'an unknown run');
    return next throws_ok('select * from api.collect_error_list(null)', 'DU014', null, 'collect_run_id is required');
    return next throws_ok(format('select * from api.collect_error_list(%s, after => 0)', v_run), 'DU301', null, 'an after of 0');
    perform tests.fx_as_member(v_ann);
    return next throws_ok(format('select * from api.collect_error_list(%s)', v_run), '42501', null, 'staff only');
end
$$;
