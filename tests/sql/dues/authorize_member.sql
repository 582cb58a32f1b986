-- Tests of dues.authorize_member.

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
                          '42501', null,
                          'a member may not pay for another member');
    return next throws_ok('select dues.authorize_member(-1, ''use'')',
                          '42501', null,
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
                         'a manager may use its organization''s data');
    return next lives_ok(format('select dues.authorize_member(%s, %L)', v_org, 'pay'),
                         'a manager may pay for its organization');
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
                         'a contributor may use its organization''s data');
    return next throws_ok(format('select dues.authorize_member(%s, %L)', v_org, 'pay'),
                          '42501', null,
                          'a contributor may not pay for its organization');
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
                          '42501', null,
                          'a revoked manager may not even use the organization''s data');
    return next throws_ok(format('select dues.authorize_member(%s, %L)', v_org, 'pay'),
                          '42501', null,
                          'a revoked manager may not pay for the organization');
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
                          '42501', null,
                          'a manager of one organization may not act for another');
    perform tests.fx_as_member(v_org);
    return next throws_ok(format('select dues.authorize_member(%s, %L)', v_manager, 'use'),
                          '42501', null,
                          'an organization may not act for its manager: the role goes one way');
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
                          '42501', null,
                          'a request without a token may not use a member''s data');
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
                          '42501', null,
                          'a member cannot read another member''s balance');
    return next throws_ok(format('select * from api.class_subscription_list(%s)', v_other),
                          '42501', null,
                          'a member cannot read another member''s subscriptions');
    return next throws_ok('select * from api.member_balance(-1)',
                          '42501', null,
                          'a member asking for the balance of no member is refused, not told DU001');
    return next throws_ok('select * from api.class_subscription_list(-1)',
                          '42501', null,
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
    return next throws_ok(format('select api.class_subscription_request(%s, %s)', v_other, v_class),
                          '42501', null,
                          'a member cannot open an order for another member');
    return next throws_ok(format('select api.class_subscription_request(-1, %s)', v_class),
                          '42501', null,
                          'a member cannot open an order for no member, and is not told DU001');
    return next is(tests.fx_state(), v_before, 'the refused requests opened no order');
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
    return next throws_ok('select * from api.member_balance(null)', 'DU014', null,
                          'a member asking for the balance of a null member is told the argument is missing');
    return next throws_ok('select * from api.class_subscription_list(null)', 'DU014', null,
                          'a member asking for the subscriptions of a null member is told the argument is missing');
    return next throws_ok(format('select api.class_subscription_request(null, %s)', v_class), 'DU014', null,
                          'a member requesting a subscription for a null member is told the argument is missing');
    return next throws_ok('select api.order_confirm(null)', 'DU014', null,
                          'a member confirming a null order is told the argument is missing');
end
$$;
