-- Tests of api.order_list: a member's orders or everyone's, by class and state, a page at a time.

create or replace function tests.test_order_list__lists_a_members_orders_by_class_and_state()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_other  bigint := tests.fx_member();
    v_free   bigint := tests.fx_class();
    v_paid   bigint := tests.fx_class('single_payment', '{"price": "25.00"}');
    v_a      bigint := tests.fx_order(v_member, v_free);
    v_b      bigint := tests.fx_order(v_member, v_paid);
    v_c      bigint := tests.fx_confirmed_order(v_member, v_free);
    v_theirs bigint := tests.fx_order(v_other, v_free);
begin
    return next is(array(select id from api.order_list(v_member)), array[v_c, v_b, v_a], 'a member''s orders, newest first');
    return next is(array(select id from api.order_list(v_member, class_id => v_free)), array[v_c, v_a], 'of one class');
    return next is(array(select id from api.order_list(v_member, state => 'confirmed')), array[v_c], 'in one state');
    return next is(array(select id from api.order_list(v_member, "limit" => 1, after => v_c)), array[v_b], 'a page at a time');
    return next is(array(select id from api.order_list(class_id => v_free) where id in (v_a, v_c, v_theirs)), array[v_theirs, v_c, v_a],
                   'staff list everyone''s');
    return next is((select class_title from api.order_list(v_member, class_id => v_paid)), (select title from dues.class where id = v_paid),
                   'each as order_get shows it');
    perform tests.fx_as_member(v_member);
    return next is((select count(*)::int from api.order_list(v_member)), 3, 'a member lists its own');
    return next throws_ok('select * from api.order_list()', '42501', null, 'not everyone''s');
    return next throws_ok(format('select * from api.order_list(%s)', v_other), '42501', null, 'nor another member''s');
end
$$;

create or replace function tests.test_order_list__refuses_bad_arguments()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
begin
    return next throws_ok(format('select * from api.order_list(%s, state => %L)', v_member, 'paid'), 'DU019', null, 'an unknown state');
    return next throws_ok(format('select * from api.order_list(%s, class_id => 987654321)', v_member), 'DU002', null, 'an unknown class');
    return next throws_ok('select * from api.order_list(987654321)', 'DU001', null, 'an unknown member');
    return next throws_ok(format('select * from api.order_list(%s, "limit" => 0)', v_member), 'DU300', null, 'a limit of 0');
    return next throws_ok(format('select * from api.order_list(%s, after => 0)', v_member), 'DU301', null, 'an after of 0');
end
$$;
