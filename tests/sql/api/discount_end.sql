-- Tests of api.discount_end.

create or replace function tests.test_discount_end__nobody_takes_it_any_more()
returns setof text
language plpgsql
as $$
declare
    v_class    bigint := tests.fx_class('single_payment', '{"price": "40.00"}');
    v_discount dues.discount_view := api.discount_create('END' || nextval('tests.fx_seq'), percent => 25);
    v_ended    dues.discount_view;
    v_member   bigint := tests.fx_member();
begin
    perform tests.fx_pay(v_member, 30);
    perform api.order_confirm((api.class_subscription_request(v_member, v_class, discount_code => v_discount.code)).id);
    v_ended := api.discount_end(v_discount.id, 'the spring offer is over');
    return next ok(v_ended.ended_at is not null and v_ended.uses = 1,
                   'the discount is ended; its one use (a confirmed order) stays counted');
    return next is((select why from dues.audit_log where table_name = 'discount' and row_id = v_discount.id and action = 'update'),
                   'the spring offer is over', 'the audit log says why');
    return next throws_ok(format('select api.class_subscription_request(%s, %s, discount_code => %L)', tests.fx_member(), v_class,
                                 v_discount.code),
                          'DU724', format('discount %s ended on %s', v_discount.code, v_ended.ended_at),
                          'an ended discount is taken no more');
end
$$;

create or replace function tests.test_discount_end__refusals()
returns setof text
language plpgsql
as $$
declare
    v_discount dues.discount_view := api.discount_create('GONE' || nextval('tests.fx_seq'), percent => 25);
    v_member   bigint := tests.fx_member();
    v_before   jsonb;
begin
    perform api.discount_end(v_discount.id);
    v_before := tests.fx_state();
    return next throws_ok(format('select api.discount_end(%s)', v_discount.id), 'DU724', null, 'a discount ends once');
    return next throws_ok('select api.discount_end(-1)', 'DU720', null, 'an unknown discount is refused');
    return next throws_ok('select api.discount_end(null)', 'DU014', null, 'a discount is required');
    perform tests.fx_as_member(v_member);
    return next throws_ok(format('select api.discount_end(%s)', v_discount.id), '42501', null, 'a member cannot end a discount');
    perform tests.fx_as_anonymous();
    return next throws_ok(format('select api.discount_end(%s)', v_discount.id), '42501', null, 'nor a request without a token');
    perform tests.fx_as_staff();
    return next is(tests.fx_state(), v_before, 'the refusals changed nothing');
end
$$;
