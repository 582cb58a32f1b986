-- Tests of dues.authorize_member, dues.authorize_order and dues.authorize_staff: whose data a caller may touch,
-- directly and through the api functions that ask them. Callers are set with tests.fx_as_* (settings, no role switch).

create or replace function tests.test_authorize_member__lets_staff_act_for_any_member()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
begin
    perform tests.fx_as_staff();
    return next lives_ok(format('select dues.authorize_member(%s, %L)', v_member, 'pay'),
                         'staff may pay for any member');
    return next lives_ok('select dues.authorize_member(-1, ''pay'')',
                         'staff is let through for a member that does not exist (the function then says DU001)');
end
$$;

create or replace function tests.test_authorize_member__lets_the_database_user_act_for_anyone()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
begin
    perform set_config('dues.member_id', '', true);
    perform set_config('dues.staff', '', true);
    return next lives_ok(format('select dues.authorize_member(%s, %L)', v_member, 'pay'),
                         'psql, migrations and jobs act for any member');
end
$$;

create or replace function tests.test_authorize_member__lets_a_member_use_and_pay_for_itself()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
begin
    perform tests.fx_as_member(v_member);
    return next lives_ok(format('select dues.authorize_member(%s, %L)', v_member, 'use'), 'a member may use its own data');
    return next lives_ok(format('select dues.authorize_member(%s, %L)', v_member, 'pay'), 'a member may pay for itself');
end
$$;

create or replace function tests.test_authorize_member__refuses_others_alike_whether_they_exist()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_other  bigint := tests.fx_member();
begin
    perform tests.fx_as_member(v_member);
    return next throws_ok(format('select dues.authorize_member(%s, %L)', v_other, 'use'),
                          '42501', format('not allowed to act for member %s', v_other),
                          'a member may not use another member''s data');
    return next throws_ok(format('select dues.authorize_member(%s, %L)', v_other, 'pay'),
                          '42501', format('not allowed to act for member %s', v_other),
                          'a member may not pay for another member');
    return next throws_ok('select dues.authorize_member(-1, ''use'')',
                          '42501', 'not allowed to act for member -1',
                          'a member that does not exist is refused the same way, not as unknown');
    return next is(tests.fx_error('select dues.authorize_member(-1, ''use'')'),
                   tests.fx_error(format('select dues.authorize_member(%s, %L)', v_other, 'use')),
                   'the refusals differ in nothing but the id they name: they do not tell who exists');
end
$$;

create or replace function tests.test_authorize_member__lets_a_manager_use_and_pay()
returns setof text
language plpgsql
as $$
declare
    v_manager bigint := tests.fx_member();
    v_org     bigint := tests.fx_member('Analytical Engines Ltd', 'organization');
begin
    perform tests.fx_organization_role(v_manager, v_org, 'manager');
    perform tests.fx_as_member(v_manager);
    return next lives_ok(format('select dues.authorize_member(%s, %L)', v_org, 'use'),
                         'a manager may use its organisation''s data');
    return next lives_ok(format('select dues.authorize_member(%s, %L)', v_org, 'pay'),
                         'a manager may pay for its organisation');
end
$$;

create or replace function tests.test_authorize_member__lets_a_contributor_use_but_not_pay()
returns setof text
language plpgsql
as $$
declare
    v_contributor bigint := tests.fx_member();
    v_org         bigint := tests.fx_member('Analytical Engines Ltd', 'organization');
begin
    perform tests.fx_organization_role(v_contributor, v_org, 'contributor');
    perform tests.fx_as_member(v_contributor);
    return next lives_ok(format('select dues.authorize_member(%s, %L)', v_org, 'use'),
                         'a contributor may use its organisation''s data');
    return next throws_ok(format('select dues.authorize_member(%s, %L)', v_org, 'pay'),
                          '42501', format('not allowed to act for member %s', v_org),
                          'a contributor may not pay for its organisation');
end
$$;

create or replace function tests.test_authorize_member__gives_nothing_for_a_revoked_role()
returns setof text
language plpgsql
as $$
declare
    v_manager bigint := tests.fx_member();
    v_org     bigint := tests.fx_member('Analytical Engines Ltd', 'organization');
    v_role    bigint := tests.fx_organization_role(v_manager, v_org, 'manager');
begin
    update dues.organization_role set revoked_at = now(), revoked_by = 'fx' where id = v_role;
    perform tests.fx_as_member(v_manager);
    return next throws_ok(format('select dues.authorize_member(%s, %L)', v_org, 'use'),
                          '42501', format('not allowed to act for member %s', v_org),
                          'a revoked manager may not even use the organisation''s data');
    return next throws_ok(format('select dues.authorize_member(%s, %L)', v_org, 'pay'),
                          '42501', format('not allowed to act for member %s', v_org),
                          'a revoked manager may not pay for the organisation');
end
$$;

create or replace function tests.test_authorize_member__gives_a_role_only_on_its_organization()
returns setof text
language plpgsql
as $$
declare
    v_manager bigint := tests.fx_member();
    v_org     bigint := tests.fx_member('Analytical Engines Ltd', 'organization');
    v_other   bigint := tests.fx_member('Difference Engines Ltd', 'organization');
begin
    perform tests.fx_organization_role(v_manager, v_org, 'manager');
    perform tests.fx_as_member(v_manager);
    return next throws_ok(format('select dues.authorize_member(%s, %L)', v_other, 'use'),
                          '42501', format('not allowed to act for member %s', v_other),
                          'a manager of one organisation may not act for another');
    perform tests.fx_as_member(v_org);
    return next throws_ok(format('select dues.authorize_member(%s, %L)', v_manager, 'use'),
                          '42501', format('not allowed to act for member %s', v_manager),
                          'an organisation may not act for its manager: the role goes one way');
end
$$;

create or replace function tests.test_authorize_member__refuses_anonymous()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
begin
    perform tests.fx_as_anonymous();
    return next throws_ok(format('select dues.authorize_member(%s, %L)', v_member, 'use'),
                          '42501', format('not allowed to act for member %s', v_member),
                          'a request without a token may not use a member''s data');
end
$$;

create or replace function tests.test_authorize_staff__lets_only_staff_through()
returns setof text
language plpgsql
as $$
begin
    perform tests.fx_as_staff();
    return next lives_ok('select dues.authorize_staff()', 'staff passes');
    perform tests.fx_as_member(tests.fx_member());
    return next throws_ok('select dues.authorize_staff()', '42501', 'only staff may do this', 'a member is refused');
    perform tests.fx_as_anonymous();
    return next throws_ok('select dues.authorize_staff()', '42501', 'only staff may do this', 'anonymous is refused');
end
$$;

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
                          '42501', 'not allowed to act on order -1',
                          'an order that does not exist is refused the same way');
    return next is(tests.fx_error('select dues.authorize_order(-1, ''use'')'),
                   tests.fx_error(format('select dues.authorize_order(%s, %L)', v_order, 'use')),
                   'the refusals differ in nothing but the id they name: they do not tell which orders exist');
    perform tests.fx_as_anonymous();
    return next throws_ok(format('select dues.authorize_order(%s, %L)', v_order, 'use'),
                          '42501', format('not allowed to act on order %s', v_order),
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
                         'a manager may pay for its organisation''s order');
    perform tests.fx_as_member(v_contributor);
    return next lives_ok(format('select dues.authorize_order(%s, %L)', v_order, 'use'),
                         'a contributor may use its organisation''s order');
    return next throws_ok(format('select dues.authorize_order(%s, %L)', v_order, 'pay'),
                          '42501', format('not allowed to act on order %s', v_order),
                          'a contributor may not pay for its organisation''s order');
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
                          '42501', format('not allowed to act on order %s', v_order),
                          'a revoked manager may not even use the organisation''s order');
    return next throws_ok(format('select dues.authorize_order(%s, %L)', v_order, 'pay'),
                          '42501', format('not allowed to act on order %s', v_order),
                          'a revoked manager may not pay for the organisation''s order');
end
$$;

create or replace function tests.test_authorize_member__hides_others_balance_and_subscriptions()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_other  bigint := tests.fx_member();
begin
    perform tests.fx_confirmed_order(v_other, tests.fx_class());
    perform tests.fx_as_member(v_member);
    return next throws_ok(format('select * from api.member_balance(%s)', v_other),
                          '42501', format('not allowed to act for member %s', v_other),
                          'a member cannot read another member''s balance');
    return next throws_ok(format('select * from api.member_subscriptions(%s)', v_other),
                          '42501', format('not allowed to act for member %s', v_other),
                          'a member cannot read another member''s subscriptions');
    return next throws_ok('select * from api.member_balance(-1)',
                          '42501', 'not allowed to act for member -1',
                          'a member asking for the balance of no member is refused, not told DU001');
    return next throws_ok('select * from api.member_subscriptions(-1)',
                          '42501', 'not allowed to act for member -1',
                          'a member asking for the subscriptions of no member is refused, not told DU001');
end
$$;

create or replace function tests.test_authorize_member__refuses_requesting_for_another_member()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_other  bigint := tests.fx_member();
    v_class  bigint := tests.fx_class('single_payment', '{"price": 30}');
    v_before jsonb  := tests.fx_state();
begin
    perform tests.fx_as_member(v_member);
    return next throws_ok(format('select api.subscription_request(%s, %s)', v_other, v_class),
                          '42501', format('not allowed to act for member %s', v_other),
                          'a member cannot open an order for another member');
    return next throws_ok(format('select api.subscription_request(-1, %s)', v_class),
                          '42501', 'not allowed to act for member -1',
                          'a member cannot open an order for no member, and is not told DU001');
    return next is(tests.fx_state(), v_before, 'the refused requests opened no order');
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
                          '42501', format('not allowed to act on order %s', v_opened),
                          'a member cannot confirm another member''s order');
    return next throws_ok(format('select api.order_cancel(%s)', v_opened),
                          '42501', format('not allowed to act on order %s', v_opened),
                          'a member cannot cancel another member''s opened order');
    return next throws_ok(format('select api.order_cancel(%s)', v_confirmed),
                          '42501', format('not allowed to act on order %s', v_confirmed),
                          'a member cannot cancel another member''s confirmed order');
    return next throws_ok(format('select api.class_subscription_confirm(%s)', v_confirmed),
                          '42501', format('not allowed to act on order %s', v_confirmed),
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
    return next throws_ok('select api.order_confirm(-1)', '42501', 'not allowed to act on order -1',
                          'a member confirming an order that does not exist is refused, not told DU003');
    return next throws_ok('select api.order_cancel(-1)', '42501', 'not allowed to act on order -1',
                          'a member cancelling an order that does not exist is refused, not told DU003');
    return next throws_ok('select api.class_subscription_confirm(-1)', '42501', 'not allowed to act on order -1',
                          'a member subscribing with an order that does not exist is refused, not told DU003');
    perform tests.fx_as_staff();
    return next throws_ok('select api.order_confirm(-1)', 'DU003', 'order -1 not found',
                          'staff confirming an order that does not exist is told it is not found');
    return next throws_ok('select api.order_cancel(-1)', 'DU003', 'order -1 not found',
                          'staff cancelling an order that does not exist is told it is not found');
    return next throws_ok('select api.class_subscription_confirm(-1)', 'DU003', 'order -1 not found',
                          'staff subscribing with an order that does not exist is told it is not found');
end
$$;

create or replace function tests.test_authorize__lets_a_member_walk_its_own_subscription_flow()
returns setof text
language plpgsql
as $$
declare
    v_member       bigint := tests.fx_member();
    v_class        bigint := tests.fx_class('single_payment', '{"price": 30}');
    v_order        dues.subscription_order;
    v_spare        dues.subscription_order;
    v_subscription dues.class_subscription;
begin
    perform tests.fx_as_member(v_member);
    v_order := api.subscription_request(v_member, v_class);
    return next is(v_order.state, 'opened'::dues.order_state, 'the member opens an order for itself');
    v_spare := api.subscription_request(v_member, v_class);
    perform tests.fx_as_staff();
    perform tests.fx_pay(v_member, 30);
    perform tests.fx_as_member(v_member);
    return next is((api.order_confirm(v_order.id)).state, 'confirmed'::dues.order_state,
                   'once staff registered the payment, the member confirms its order');
    return next is((api.order_cancel(v_spare.id)).state, 'cancelled'::dues.order_state,
                   'the member cancels its other order');
    v_subscription := api.class_subscription_confirm(v_order.id);
    return next is(v_subscription.member_id, v_member, 'the member turns its order into its subscription');
    return next results_eq(format('select balance, reserved, available from api.member_balance(%s)', v_member),
                           $q$values (0::numeric(14,2), 0::numeric(14,2), 0::numeric(14,2))$q$,
                           'the member reads its balance: the payment was spent');
    return next results_eq(format('select subscription_id from api.member_subscriptions(%s)', v_member),
                           format('values (%s::bigint)', v_subscription.id),
                           'the member reads its subscriptions');
    return next is((select confirmed_by from dues.subscription_order where id = v_order.id), 'member ' || v_member,
                   'the member is recorded as who confirmed');
end
$$;

create or replace function tests.test_authorize_member__reports_a_null_member_as_missing()
returns setof text
language plpgsql
as $$
declare
    v_class bigint := tests.fx_class();
begin
    perform tests.fx_as_member(tests.fx_member());
    return next throws_ok('select * from api.member_balance(null)', 'DU014', 'argument member_id is required',
                          'a member asking for the balance of a null member is told the argument is missing');
    return next throws_ok('select * from api.member_subscriptions(null)', 'DU014', 'argument member_id is required',
                          'a member asking for the subscriptions of a null member is told the argument is missing');
    return next throws_ok(format('select api.subscription_request(null, %s)', v_class), 'DU014', 'argument member_id is required',
                          'a member requesting a subscription for a null member is told the argument is missing');
    return next throws_ok('select api.order_confirm(null)', 'DU014', 'argument order_id is required',
                          'a member confirming a null order is told the argument is missing');
end
$$;

create or replace function tests.test_authorize__lets_a_manager_subscribe_its_organization()
returns setof text
language plpgsql
as $$
declare
    v_manager     bigint := tests.fx_member();
    v_contributor bigint := tests.fx_member();
    v_org         bigint := tests.fx_member('Analytical Engines Ltd', 'organization');
    v_class       bigint := tests.fx_class();
    v_order       dues.subscription_order;
begin
    perform tests.fx_organization_role(v_manager, v_org, 'manager');
    perform tests.fx_organization_role(v_contributor, v_org, 'contributor');
    perform tests.fx_as_member(v_manager);
    v_order := api.subscription_request(v_org, v_class);
    return next is(v_order.member_id, v_org, 'a manager opens an order for its organisation');
    return next is((api.order_confirm(v_order.id)).state, 'confirmed'::dues.order_state,
                   'a manager confirms its organisation''s order');
    perform tests.fx_as_member(v_contributor);
    return next throws_ok(format('select api.subscription_request(%s, %s)', v_org, v_class),
                          '42501', format('not allowed to act for member %s', v_org),
                          'a contributor cannot open an order for its organisation');
    return next throws_ok(format('select api.class_subscription_confirm(%s)', v_order.id),
                          '42501', format('not allowed to act on order %s', v_order.id),
                          'a contributor cannot turn its organisation''s order into a subscription');
    return next results_eq(format('select reserved from api.member_balance(%s)', v_org),
                           $q$values (0::numeric(14,2))$q$,
                           'a contributor reads its organisation''s balance');
end
$$;
