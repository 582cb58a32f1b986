-- Tests of api.service_order_list.

create or replace function tests.test_service_orders__list_refuses_unknown_and_others()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_other  bigint := tests.fx_member();
begin
    perform api.service_order_create(v_member, 'Main');
    return next throws_ok('select * from api.service_order_list(-1)', 'DU001', null, 'an unknown member is refused');
    return next throws_ok('select * from api.service_order_list(null)', 'DU014', null, 'a null member is refused');
    perform tests.fx_as_member(v_other);
    return next throws_ok(format('select * from api.service_order_list(%s)', v_member), '42501', null,
                          'another member''s service orders are not shown');
    return next is_empty(format('select * from api.service_order_list(%s)', v_other), 'a member sees its own (none)');
end
$$;
