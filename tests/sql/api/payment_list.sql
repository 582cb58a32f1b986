-- Tests of api.payment_list: a member's payments or everyone's, by method and day, with what was refunded.

create or replace function tests.test_payment_list__lists_payments_by_member_method_and_day()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_other  bigint := tests.fx_member();
    v_a      bigint := tests.fx_pay(v_member, 10);
    v_b      bigint := (api.register_payment(v_member, 20, method => 'cash')).id;
    v_old    bigint := tests.fx_pay_at(v_member, now() - interval '40 days', 5);
    v_theirs bigint := tests.fx_pay(v_other, 7);
begin
    perform api.payment_refund(v_a, 4);
    return next is(array(select id from api.payment_list(v_member)), array[v_old, v_b, v_a], 'a member''s payments, newest first');
    return next is(array(select id from api.payment_list(v_member, method => 'cash')), array[v_b], 'of one method');
    return next is(array(select id from api.payment_list(v_member, from_date => tests.fx_today())), array[v_b, v_a],
                   'registered from a day');
    return next is(array(select id from api.payment_list(v_member, to_date => tests.fx_today() - 1)), array[v_old], 'up to a day');
    return next is(array(select id from api.payment_list(v_member, "limit" => 1, after => v_b)), array[v_a], 'a page at a time');
    return next is((select (amount, refunded) from api.payment_list(v_member) where id = v_a), (10.00::numeric(14,2), 4.00::numeric(14,2)),
                   'each with what was refunded of it');
    return next is(array(select id from api.payment_list() where id in (v_a, v_theirs)), array[v_theirs, v_a], 'staff list everyone''s');
    perform tests.fx_as_member(v_member);
    return next is((select count(*)::int from api.payment_list(v_member)), 3, 'a member lists its own');
    return next throws_ok('select * from api.payment_list()', '42501', null, 'not everyone''s');
    return next throws_ok(format('select * from api.payment_list(%s)', v_other), '42501', null, 'nor another member''s');
end
$$;

create or replace function tests.test_payment_list__refuses_bad_arguments()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
begin
    return next throws_ok(format('select * from api.payment_list(%s, method => %L)', v_member, 'barter'), 'DU006', null,
                          'an unknown method');
    return next throws_ok(format('select * from api.payment_list(%s, from_date => %L, to_date => %L)', v_member, tests.fx_today(),
                                 tests.fx_today() - 1), 'DU01C', null, 'dates in the wrong order');
    return next throws_ok('select * from api.payment_list(987654321)', 'DU001', null, 'an unknown member');
    return next throws_ok('select * from api.payment_list("limit" => 1000)', 'DU300', null, 'a limit over 500');
end
$$;
