-- Tests of api.discount_claim_list.

create or replace function tests.test_discount_claim_list__who_took_a_discount_and_what_it_cost()
returns setof text
language plpgsql
as $$
declare
    v_class     bigint := tests.fx_recurring_class();
    v_one_off   bigint := tests.fx_class('single_payment', '{"price": "40.00"}');
    v_rae       bigint := tests.fx_member('Rae Recurring');
    v_ona       bigint := tests.fx_member('Ona Off');
    v_discount  dues.discount_view := api.discount_create('CLAIMS' || nextval('tests.fx_seq'), amount => 5);
    v_order     dues.subscription_order;
    v_sub       bigint;
begin
    v_sub := tests.fx_subscribe(v_rae, v_class, tests.fx_day(1, 1), p_discount_code => v_discount.code);
    perform tests.fx_collect(tests.fx_day(12, 18, -1));
    perform tests.fx_collect(tests.fx_day(1, 18));
    v_order := api.class_subscription_request(v_ona, v_one_off, discount_code => v_discount.code);
    perform api.order_cancel(v_order.id);
    return next is((select array_agg((member_id, name, class_subscription_id, how, counted, lines, discounted)::text
                                     order by discount_claim_id desc)
                      from api.discount_claim_list(v_discount.id)),
                   array[(v_ona, 'Ona Off', null::bigint, 'code', false, 0, 0.00::numeric(14,2))::text,
                         (v_rae, 'Rae Recurring', v_sub, 'code', true, 2, 10.00::numeric(14,2))::text],
                   'Ona''s order was cancelled: it is not counted and took nothing off; Rae''s subscription had two periods 5.00 off');
    return next is((select array_agg(member_id) from api.discount_claim_list(v_discount.id, "limit" => 1,
                                                                            after => (select max(id) from dues.discount_claim
                                                                                       where discount_id = v_discount.id))),
                   array[v_rae], 'the next page starts after the last claim seen');
end
$$;

create or replace function tests.test_discount_claim_list__refusals()
returns setof text
language plpgsql
as $$
declare
    v_discount dues.discount_view := api.discount_create('SECRET' || nextval('tests.fx_seq'), percent => 10);
    v_member   bigint := tests.fx_member();
begin
    return next throws_ok('select * from api.discount_claim_list(-1)', 'DU720', null, 'an unknown discount is refused');
    return next throws_ok('select * from api.discount_claim_list(null)', 'DU014', null, 'a discount is required');
    return next throws_ok(format('select * from api.discount_claim_list(%s, "limit" => 501)', v_discount.id), 'DU300', null,
                          'a page holds at most 500');
    perform tests.fx_as_member(v_member);
    return next throws_ok(format('select * from api.discount_claim_list(%s)', v_discount.id), '42501', null,
                          'a member cannot see who took a discount');
    perform tests.fx_as_anonymous();
    return next throws_ok(format('select * from api.discount_claim_list(%s)', v_discount.id), '42501', null,
                          'nor can a request without a token');
end
$$;
