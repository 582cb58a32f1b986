-- Tests of api.service_order_create.

create or replace function tests.test_service_orders__refuse_bad_names_and_callers()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_other  bigint := tests.fx_member();
    v_before jsonb;
begin
    perform api.service_order_create(v_member, 'Campaign');
    v_before := tests.fx_state();
    return next throws_ok(format('select api.service_order_create(%s, %L)', v_member, 'campaign'), 'DU01B', null,
                          'two open orders cannot share a name');
    return next throws_ok(format('select api.service_order_create(%s, %L)', v_member, ''), 'DU017', null,
                          'a blank name is refused');
    return next throws_ok('select api.service_order_close(-1)', 'DUB03', null, 'an unknown order is refused');
    perform tests.fx_as_member(v_other);
    return next throws_ok(format('select api.service_order_create(%s, %L)', v_member, 'Mine'), '42501', null,
                          'another member cannot open one');
    return next throws_ok('select api.service_order_close(-1)', '42501', null, 'nor learn whether one exists');
    perform tests.fx_as_staff();
    return next is(tests.fx_state(), v_before, 'nothing changed');
end
$$;
