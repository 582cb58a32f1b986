-- Tests of api.class_subscription_confirm.

create or replace function tests.test_class_subscription_confirm__pays_the_class_and_closes_the_order()
returns setof text
language plpgsql
as $$
declare
    v_member       bigint := tests.fx_member();
    v_class        bigint := tests.fx_class('single_payment', '{"price": 30}');
    v_order        bigint := tests.fx_order(v_member, v_class);
    v_subscription dues.class_subscription;
begin
    perform tests.fx_pay(v_member, 45);
    perform api.order_confirm(v_order);
    perform set_config('dues.actor', 'front-desk', true);
    v_subscription := api.class_subscription_confirm(v_order);
    return next is(tests.fx_member_balance(v_member), 15::numeric, 'the amount left the member''s account');
    return next is(tests.fx_balance(dues.class_account(v_class)), 30::numeric, 'the amount reached the class revenue account');
    return next results_eq(format('select account_id, amount from dues.ledger_posting where transaction_id = %s order by amount',
                                  v_subscription.ledger_transaction_id),
                           format('values (%s::bigint, -30.00::numeric(14,2)), (%s, 30.00)',
                                  dues.member_account_find(v_member, 'USD'), dues.class_account(v_class)),
                           'the subscription points at its ledger transaction');
    return next is(array[v_subscription.member_id, v_subscription.class_id, v_subscription.order_id],
                   array[v_member, v_class, v_order], 'the subscription is the member''s, for the class, from the order');
    return next results_eq(format('select state::text, closed_by from dues.subscription_order where id = %s', v_order),
                           $q$values ('closed', 'front-desk')$q$, 'the order is closed, by whom recorded');
end
$$;

create or replace function tests.test_class_subscription_confirm__adds_the_member_to_the_students()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_class  bigint := tests.fx_class('fixed_term', '{"price": 12, "months": 2}');
    v_start  date   := tests.fx_today() + 3;
    v_order  bigint := tests.fx_confirmed_order(v_member, v_class, jsonb_build_object('start_date', v_start));
    v_sub    dues.class_subscription := api.class_subscription_confirm(v_order);
begin
    return next is((v_sub.start_date, v_sub.end_date), (v_start, (v_start + interval '2 months')::date - 1),
                   'the subscription covers the order''s dates');
    return next results_eq(
        format('select during from dues.group_membership where member_id = %s and group_id = %s',
               v_member, (select students_group_id from dues.class where id = v_class)),
        format('values (daterange(%L, %L, ''[]''))', v_start, (v_start + interval '2 months')::date - 1),
        'the member is in the class''s students group for exactly those days');
end
$$;

create or replace function tests.test_class_subscription_confirm__moves_no_money_for_a_free_order()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_order  bigint := tests.fx_confirmed_order(v_member, tests.fx_class('free'));
    v_moves  bigint := tests.fx_ledger_transactions();
    v_sub    dues.class_subscription := api.class_subscription_confirm(v_order);
begin
    return next is(v_sub.ledger_transaction_id, null, 'a free subscription has no ledger transaction');
    return next is(tests.fx_ledger_transactions(), v_moves, 'no ledger transaction was written');
    return next is(v_sub.end_date, null, 'the free subscription is open-ended');
end
$$;

create or replace function tests.test_class_subscription_confirm__refuses_an_opened_order()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_order  bigint := tests.fx_order(v_member, tests.fx_class('single_payment', '{"price": 30}'));
    v_before jsonb;
begin
    perform tests.fx_pay(v_member, 30);
    v_before := tests.fx_state();
    return next throws_ok(format('select api.class_subscription_confirm(%s)', v_order),
                          'DU031', format('order %s is opened, only a confirmed order can become a subscription', v_order),
                          'an opened order must be confirmed first');
    return next is(tests.fx_state(), v_before, 'the refusal moved no money and subscribed nobody');
end
$$;

create or replace function tests.test_class_subscription_confirm__refuses_closed_or_cancelled()
returns setof text
language plpgsql
as $$
declare
    v_member    bigint := tests.fx_member();
    v_class     bigint := tests.fx_class('single_payment', '{"price": 10}');
    v_other     bigint := tests.fx_class('single_payment', '{"price": 10}');
    v_closed    bigint := tests.fx_confirmed_order(v_member, v_class);
    v_cancelled bigint := tests.fx_confirmed_order(v_member, v_other);
    v_before    jsonb;
begin
    perform api.class_subscription_confirm(v_closed);
    perform api.order_cancel(v_cancelled);
    v_before := tests.fx_state();
    return next throws_ok(format('select api.class_subscription_confirm(%s)', v_closed),
                          'DU031', null,
                          'an order cannot be turned into a subscription twice');
    return next throws_ok(format('select api.class_subscription_confirm(%s)', v_cancelled),
                          'DU031', null,
                          'a cancelled order cannot become a subscription');
    return next is(tests.fx_state(), v_before, 'the refusals moved no money');
    return next is(tests.fx_member_balance(v_member), 10::numeric, 'the cancelled order''s credit is still the member''s');
end
$$;

create or replace function tests.test_class_subscription_confirm__refuses_an_unknown_order()
returns setof text
language plpgsql
as $$
begin
    return next throws_ok('select api.class_subscription_confirm(-1)', 'DU003', 'order -1 not found', 'an unknown order is refused');
end
$$;

create or replace function tests.test_class_subscription_confirm__relies_on_the_ledger_last()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_order  bigint := tests.fx_confirmed_order(v_member, tests.fx_class('single_payment', '{"price": 10}'));
begin
    -- simulate a bug that let the credit go elsewhere: the member's account can still not go negative
    perform dues.ledger_transfer(dues.member_account_find(v_member, 'USD'), dues.processor_account('manual', 'USD'), 5, 'refund');
    return next throws_ok(format('select api.class_subscription_confirm(%s)', v_order), 'DU030', null,
                          'the ledger refuses to spend credit the member no longer has');
    return next is(tests.fx_order_state(v_order), 'confirmed', 'the order stays confirmed');
end
$$;
