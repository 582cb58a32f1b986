-- Tests of api.charge_list: charges by member and state (pending, billed, cancelled).

create or replace function tests.test_charge_list__lists_charges_by_member_and_state()
returns setof text
language plpgsql
as $$
declare
    v_member  bigint := tests.fx_member();
    v_class   bigint := tests.fx_recurring_class('{"period": "month", "amount": "30.00", "renewal": "auto_renew", "setup_fee": "15.00"}');
    v_sub     bigint := tests.fx_subscribe(v_member, v_class, tests.fx_today());
    v_setup   bigint := (select id from dues.charge where class_subscription_id = v_sub);
    v_later   bigint := (api.charge_add(v_member, v_class, 5, 'locker', tests.fx_today() + 100)).id;
    v_gone    bigint := (api.charge_add(v_member, v_class, 7, 'key', tests.fx_today() + 100)).id;
    v_theirs  bigint := (api.charge_add(tests.fx_member(), v_class, 9, 'badge')).id;
begin
    perform tests.fx_collect(tests.fx_today());
    perform api.charge_cancel(v_gone);
    return next is(array(select id from api.charge_list(v_member)), array[v_gone, v_later, v_setup], 'a member''s charges, newest first');
    return next is((select (state, invoice_id) from api.charge_list(v_member) where id = v_setup),
                   ('billed'::text, (tests.fx_invoice_ids(v_member))[1]), 'a billed one names its invoice');
    return next is(array(select id from api.charge_list(v_member, 'pending')), array[v_later], 'the pending ones');
    return next is(array(select id from api.charge_list(v_member, 'cancelled')), array[v_gone], 'the cancelled ones');
    return next is(array(select id from api.charge_list(v_member, 'billed')), array[v_setup], 'the billed ones');
    return next is(array(select id from api.charge_list() where id in (v_setup, v_theirs)), array[v_theirs, v_setup], 'everyone''s');
    return next is(array(select id from api.charge_list(v_member, "limit" => 1, after => v_later)), array[v_setup], 'a page at a time');
end
$$;

create or replace function tests.test_charge_list__refuses_bad_arguments_and_members()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
begin
    return next throws_ok(format('select * from api.charge_list(%s, %L)', v_member, 'paid'), 'DU019', null, 'an unknown state');
    return next throws_ok('select * from api.charge_list(987654321)', 'DU001', null, 'an unknown member');
    return next throws_ok('select * from api.charge_list("limit" => -5)', 'DU300', null, 'a negative limit');
    perform tests.fx_as_member(v_member);
    return next throws_ok(format('select * from api.charge_list(%s)', v_member), '42501', null, 'staff only');
end
$$;
