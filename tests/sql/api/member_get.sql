-- Tests of api.member_get: one member with everything about it, to itself and to staff only.

create or replace function tests.test_member_get__answers_the_member_with_everything_about_it()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_joined_member('Grace Hopper');
    v_class  bigint := tests.fx_recurring_class();
    v_sub    bigint;
    v_ended  bigint;
    v_got    record;
begin
    perform api.contact_add(v_member, 'billing', 'Accounts', 'accounts' || v_member || '@example.org');
    v_sub := tests.fx_subscribe(v_member, v_class, tests.fx_today());
    -- a subscription that ended yesterday is history, not listed (made as it was then)
    with o as (
        insert into dues.subscription_order (member_id, class_id, amount, currency, start_date, end_date, state, confirmed_at,
                                             confirmed_by, closed_at, closed_by)
        values (v_member, tests.fx_class(), 0, 'USD', tests.fx_today() - 10, tests.fx_today() - 1, 'closed', now(), 'fx', now(), 'fx')
        returning id, class_id, start_date, end_date)
    insert into dues.class_subscription (member_id, class_id, order_id, start_date, end_date)
    select v_member, o.class_id, o.id, o.start_date, o.end_date from o
    returning id into v_ended;
    perform tests.fx_collect(tests.fx_today());
    perform tests.fx_pay(v_member, 5);
    select * into v_got from api.member_get(v_member);
    return next is((v_got.id, v_got.kind, v_got.name, v_got.master_id), (v_member, 'person'::text, 'Grace Hopper'::text, null::bigint),
                   'who the member is');
    return next is(v_got.email, tests.fx_email(v_member), 'its e-mail');
    return next is(v_got.standing ->> 'standing', 'good', 'its standing');
    return next is(v_got.standing ->> 'amount_due', '25.00', 'with what it owes');
    return next is(v_got.membership ->> 'join_date', tests.fx_today()::text, 'its membership');
    return next is(v_got.balance, '[{"currency": "USD", "balance": 0.00, "reserved": 0.00, "available": 0.00}]'::jsonb,
                   'its credit per currency (the payment went to its invoice)');
    return next is(jsonb_array_length(v_got.contacts), 1, 'its contacts');
    return next is(v_got.contacts -> 0 ->> 'role', 'billing', 'with their roles');
    return next is((select array_agg(g ->> 'key' order by g ->> 'key') from jsonb_array_elements(v_got.groups) g where g ->> 'key' is not null),
                   array['pending_payments'], 'the groups it is in today');
    return next is(jsonb_array_length(v_got.open_invoices), 1, 'its open invoices');
    return next is(v_got.open_invoices -> 0 ->> 'amount_due', '25.00', 'with what is left to pay on each');
    return next is((select array_agg((s ->> 'class_subscription_id')::bigint) from jsonb_array_elements(v_got.subscriptions) s),
                   array[v_sub], 'its current subscriptions, not those that ended');
end
$$;

create or replace function tests.test_member_get__a_member_reads_its_own_only()
returns setof text
language plpgsql
as $$
declare
    v_ann bigint := tests.fx_member();
    v_bob bigint := tests.fx_member();
    v_org bigint := tests.fx_member('Org', 'organization');
begin
    perform tests.fx_organization_role(v_ann, v_org, 'contributor');
    perform tests.fx_as_member(v_ann);
    return next is((api.member_get(v_ann)).id, v_ann, 'a member reads its own');
    return next is((api.member_get(v_org)).id, v_org, 'and an organization it holds a role on');
    return next throws_ok(format('select api.member_get(%s)', v_bob), '42501', null, 'not another member');
    return next is(tests.fx_error(format('select api.member_get(%s)', v_bob)),
                   tests.fx_error(format('select api.member_get(%s)', v_bob + 1000000)),
                   'refused as a member that does not exist is');
    perform tests.fx_as_anonymous();
    return next throws_ok(format('select api.member_get(%s)', v_ann), '42501', null, 'nor without a token');
    perform tests.fx_as_staff();
    return next throws_ok('select api.member_get(null)', 'DU014', null, 'member_id is required');
    return next throws_ok(format('select api.member_get(%s)', v_bob + 1000000), 'DU001', null, 'staff are told it does not exist');
end
$$;
