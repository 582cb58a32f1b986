-- Tests of api.discount_grant.

create or replace function tests.test_discount_grant__a_running_subscription_is_discounted_from_its_next_period()
returns setof text
language plpgsql
as $$
declare
    v_class    bigint := tests.fx_recurring_class();
    v_member   bigint := tests.fx_member('Gil Granted');
    v_discount dues.discount_view := api.discount_create('HARDSHIP' || nextval('tests.fx_seq'), percent => 50, periods => 2,
                                                         class_ids => array[v_class]);
    v_sub      bigint;
    v_claim    dues.discount_claim;
begin
    v_sub := tests.fx_subscribe(v_member, v_class, tests.fx_day(1, 1));
    perform tests.fx_collect(tests.fx_day(12, 18, -1));
    v_claim := api.discount_grant(v_member, v_discount.id);
    return next is((v_claim.how, v_claim.member_id, v_claim.class_id,
                    v_claim.order_id = (select order_id from dues.class_subscription where id = v_sub)),
                   ('grant'::text, v_member, v_class, true), 'the grant is a claim of the subscription''s order');
    perform tests.fx_collect(tests.fx_day(1, 18));
    perform tests.fx_collect(tests.fx_day(2, 18));
    perform tests.fx_collect(tests.fx_day(3, 18));
    return next is(tests.fx_invoice_totals(v_member), '{30.00,15.00,15.00,30.00}'::numeric[],
                   'January was invoiced before the grant; February and March are halved (two periods), April is not');
    return next is((select (uses, discounted) from api.discount_list() where id = v_discount.id), (1, 30.00::numeric(14,2)),
                   'one use, 30.00 taken off');
end
$$;

create or replace function tests.test_discount_grant__refusals()
returns setof text
language plpgsql
as $$
declare
    v_class    bigint := tests.fx_recurring_class();
    v_other    bigint := tests.fx_recurring_class();
    v_member   bigint := tests.fx_member();
    v_nobody   bigint := tests.fx_member();
    v_both     bigint := tests.fx_member();
    v_discount dues.discount_view := api.discount_create('GRANT' || nextval('tests.fx_seq'), amount => 5);
    v_only     dues.discount_view := api.discount_create('ONLY' || nextval('tests.fx_seq'), amount => 5, class_ids => array[v_other]);
    v_before   jsonb;
begin
    perform tests.fx_subscribe(v_member, v_class, tests.fx_day(1, 1));
    perform tests.fx_subscribe(v_both, v_class, tests.fx_day(1, 1));
    perform tests.fx_subscribe(v_both, v_other, tests.fx_day(1, 1));
    perform api.discount_grant(v_member, v_discount.id);
    v_before := tests.fx_state();
    return next throws_ok(format('select api.discount_grant(%s, %s)', v_member, v_discount.id), 'DU727',
                          format('order %s holds a discount already: one discount per subscription',
                                 (select o.id from dues.subscription_order o where o.member_id = v_member)),
                          'a subscription holds one discount');
    return next throws_ok(format('select api.discount_grant(%s, %s)', v_nobody, v_discount.id), 'DU728',
                          format('member %s has 0 running recurring subscriptions the discount could go to', v_nobody),
                          'a member without a running subscription gets no grant');
    return next throws_ok(format('select api.discount_grant(%s, %s)', v_both, v_discount.id), 'DU728', null,
                          'a member with two must name the class');
    return next throws_ok(format('select api.discount_grant(%s, %s)', v_member, v_only.id), 'DU728', null,
                          'a discount for another class finds no subscription to go to');
    return next throws_ok(format('select api.discount_grant(%s, -1)', v_member), 'DU720', null, 'an unknown discount is refused');
    return next throws_ok(format('select api.discount_grant(-1, %s)', v_discount.id), 'DU001', null, 'an unknown member is refused');
    return next throws_ok(format('select api.discount_grant(%s, null)', v_member), 'DU014', null, 'a discount is required');
    perform tests.fx_as_member(v_both);
    return next throws_ok(format('select api.discount_grant(%s, %s, %s)', v_both, v_discount.id, v_class), '42501', null,
                          'a member cannot grant itself a discount');
    perform tests.fx_as_anonymous();
    return next throws_ok(format('select api.discount_grant(%s, %s, %s)', v_both, v_discount.id, v_class), '42501', null,
                          'nor can a request without a token');
    perform tests.fx_as_staff();
    return next is(tests.fx_state(), v_before, 'the refusals changed nothing');
    return next is((api.discount_grant(v_both, v_discount.id, v_other)).class_id, v_other, 'naming the class chooses one');
end
$$;
