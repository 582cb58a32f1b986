-- Tests of the guards on dues.subscription_order: states move one way, facts are never rewritten or deleted.

create or replace function tests.test_subscription_order__refuses_skipping_or_reversing_a_state()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_class  bigint := tests.fx_class();
    v_opened bigint := tests.fx_order(v_member, v_class);
    v_closed bigint := tests.fx_confirmed_order(v_member, v_class);
begin
    perform api.class_subscription_confirm(v_closed);
    return next throws_ok(format('update dues.subscription_order set state = %L where id = %s', 'closed', v_opened),
                          'DU031', null,
                          'an opened order cannot be closed without confirmation');
    return next throws_ok(format('update dues.subscription_order set state = %L where id = %s', 'opened', v_closed),
                          'DU031', null,
                          'a closed order cannot be reopened');
end
$$;

create or replace function tests.test_subscription_order__refuses_rewriting_or_deleting_an_order()
returns setof text
language plpgsql
as $$
declare
    v_order bigint := tests.fx_order(tests.fx_member(), tests.fx_class('single_payment', '{"price": 30}'));
begin
    return next throws_ok(format('update dues.subscription_order set amount = 1 where id = %s', v_order),
                          'DU042', format('order %s cannot be rewritten: only its state changes', v_order),
                          'the amount of an order cannot be changed');
    return next throws_ok(format('update dues.subscription_order set opened_by = %L where id = %s', 'someone', v_order),
                          'DU042', null, 'who opened an order cannot be changed');
    return next throws_ok(format('update dues.subscription_order set confirmed_at = now() where id = %s', v_order),
                          'DU042', null, 'state stamps are written by the database only');
    return next throws_ok(format('delete from dues.subscription_order where id = %s', v_order),
                          'DU042', null,
                          'an order cannot be deleted');
end
$$;

create or replace function tests.test_subscription_order__keeps_members_and_payments_forever()
returns setof text
language plpgsql
as $$
declare
    v_member  bigint := tests.fx_member();
    v_payment bigint := tests.fx_pay(v_member, 5);
begin
    return next throws_ok(format('delete from dues.member where id = %s', v_member), 'DU042', null, 'a member cannot be deleted');
    return next throws_ok(format('delete from dues.payment where id = %s', v_payment), 'DU042', null, 'a payment cannot be deleted');
    return next throws_ok(format('update dues.payment set amount = 500 where id = %s', v_payment), 'DU042', null,
                          'a payment cannot be rewritten');
end
$$;
