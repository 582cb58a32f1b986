-- Tests of dues.authorize_order.

create or replace function tests.test_authorize_order__lets_a_member_pay_for_its_own_order()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_order  bigint := tests.fx_order(v_member, tests.fx_class());
begin
    perform tests.fx_as_member(v_member);
    return next lives_ok(format('select dues.authorize_order(%s, %L)', v_order, 'pay'), 'a member may pay for its own order');
end
$$;

create or replace function tests.test_authorize_order__refuses_others_orders_like_unknown_ones()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_order  bigint := tests.fx_order(tests.fx_member(), tests.fx_class());
begin
    perform tests.fx_as_member(v_member);
    return next throws_ok(format('select dues.authorize_order(%s, %L)', v_order, 'use'),
                          '42501', format('not allowed to act on order %s', v_order),
                          'a member may not touch another member''s order');
    return next throws_ok('select dues.authorize_order(-1, ''use'')',
                          '42501', null,
                          'an order that does not exist is refused the same way');
    return next is(tests.fx_error('select dues.authorize_order(-1, ''use'')'),
                   tests.fx_error(format('select dues.authorize_order(%s, %L)', v_order, 'use')),
                   'the refusals differ in nothing but the id they name: they do not tell which orders exist');
    perform tests.fx_as_anonymous();
    return next throws_ok(format('select dues.authorize_order(%s, %L)', v_order, 'use'),
                          '42501', null,
                          'a request without a token may not touch an order');
end
$$;

create or replace function tests.test_authorize_order__lets_a_manager_pay_but_not_a_contributor()
returns setof text
language plpgsql
as $$
declare
    v_manager     bigint := tests.fx_member();
    v_contributor bigint := tests.fx_member();
    v_org         bigint := tests.fx_member('Analytical Engines Ltd', 'organization');
    v_order       bigint := tests.fx_order(v_org, tests.fx_class());
begin
    perform tests.fx_organization_role(v_manager, v_org, 'manager');
    perform tests.fx_organization_role(v_contributor, v_org, 'contributor');
    perform tests.fx_as_member(v_manager);
    return next lives_ok(format('select dues.authorize_order(%s, %L)', v_order, 'pay'),
                         'a manager may pay for its organization''s order');
    perform tests.fx_as_member(v_contributor);
    return next lives_ok(format('select dues.authorize_order(%s, %L)', v_order, 'use'),
                         'a contributor may use its organization''s order');
    return next throws_ok(format('select dues.authorize_order(%s, %L)', v_order, 'pay'),
                          '42501', null,
                          'a contributor may not pay for its organization''s order');
end
$$;

create or replace function tests.test_authorize_order__gives_nothing_for_a_revoked_role()
returns setof text
language plpgsql
as $$
declare
    v_manager bigint := tests.fx_member();
    v_org     bigint := tests.fx_member('Analytical Engines Ltd', 'organization');
    v_role    bigint := tests.fx_organization_role(v_manager, v_org, 'manager');
    v_order   bigint := tests.fx_order(v_org, tests.fx_class());
begin
    update dues.organization_role set revoked_at = now(), revoked_by = 'fx' where id = v_role;
    perform tests.fx_as_member(v_manager);
    return next throws_ok(format('select dues.authorize_order(%s, %L)', v_order, 'use'),
                          '42501', null,
                          'a revoked manager may not even use the organization''s order');
    return next throws_ok(format('select dues.authorize_order(%s, %L)', v_order, 'pay'),
                          '42501', null,
                          'a revoked manager may not pay for the organization''s order');
end
$$;

create or replace function tests.test_authorize_order__keeps_a_member_off_another_members_orders()
returns setof text
language plpgsql
as $$
declare
    v_member    bigint := tests.fx_member();
    v_other     bigint := tests.fx_member();
    v_class     bigint := tests.fx_class('single_payment', '{"price": 30}');
    v_opened    bigint := tests.fx_order(v_other, v_class);
    v_confirmed bigint := tests.fx_confirmed_order(v_other, v_class);
    v_before    jsonb  := tests.fx_state();
begin
    perform tests.fx_as_member(v_member);
    return next throws_ok(format('select api.order_confirm(%s)', v_opened),
                          '42501', null,
                          'a member cannot confirm another member''s order');
    return next throws_ok(format('select api.order_cancel(%s)', v_opened),
                          '42501', null,
                          'a member cannot cancel another member''s opened order');
    return next throws_ok(format('select api.order_cancel(%s)', v_confirmed),
                          '42501', null,
                          'a member cannot cancel another member''s confirmed order');
    return next throws_ok(format('select api.class_subscription_confirm(%s)', v_confirmed),
                          '42501', null,
                          'a member cannot turn another member''s order into a subscription');
    return next is(tests.fx_state(), v_before, 'the refused calls changed nothing');
end
$$;

create or replace function tests.test_authorize_order__hides_an_unknown_order_from_members_only()
returns setof text
language plpgsql
as $$
begin
    perform tests.fx_as_member(tests.fx_member());
    return next throws_ok('select api.order_confirm(-1)', '42501', null,
                          'a member confirming an order that does not exist is refused, not told DU003');
    return next throws_ok('select api.order_cancel(-1)', '42501', null,
                          'a member cancelling an order that does not exist is refused, not told DU003');
    return next throws_ok('select api.class_subscription_confirm(-1)', '42501', null,
                          'a member subscribing with an order that does not exist is refused, not told DU003');
    perform tests.fx_as_staff();
    return next throws_ok('select api.order_confirm(-1)', 'DU003', null,
                          'staff confirming an order that does not exist is told it is not found');
    return next throws_ok('select api.order_cancel(-1)', 'DU003', null,
                          'staff cancelling an order that does not exist is told it is not found');
    return next throws_ok('select api.class_subscription_confirm(-1)', 'DU003', null,
                          'staff subscribing with an order that does not exist is told it is not found');
end
$$;
