-- Tests of api.discount_list.

create or replace function tests.test_discount_list__newest_first_with_their_uses()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_class('single_payment', '{"price": "40.00"}');
    v_first  dues.discount_view := api.discount_create('LISTA' || nextval('tests.fx_seq'), amount => 15);
    v_second dues.discount_view := api.discount_create('LISTB' || nextval('tests.fx_seq'), percent => 50);
    v_order  dues.subscription_order;
    v_member bigint := tests.fx_member();
begin
    v_order := api.class_subscription_request(tests.fx_member(), v_class, discount_code => v_first.code);
    perform tests.fx_pay(v_member, 25);
    perform api.order_confirm((api.class_subscription_request(v_member, v_class, discount_code => v_first.code)).id);
    perform api.order_cancel(v_order.id);
    perform api.discount_end(v_second.id);
    return next is((select array_agg(id) from api.discount_list("limit" => 2)), array[v_second.id, v_first.id],
                   'the newest first');
    return next is((select (uses, discounted) from api.discount_list() where id = v_first.id), (1, 15.00::numeric(14,2)),
                   'two orders took 15.00 off each; the cancelled one''s use and amount are given back');
    return next ok(not exists (select from api.discount_list(ended => false) where id = v_second.id)
                   and exists (select from api.discount_list(ended => true) where id = v_second.id),
                   'ended filters the ended discounts in or out');
    return next is((select array_agg(id) from api.discount_list(after => v_second.id, "limit" => 1)), array[v_first.id],
                   'the next page starts after the last id seen');
    return next throws_ok('select * from api.discount_list("limit" => 0)', 'DU300', null, 'a limit of 0 is refused');
    perform tests.fx_as_member(v_order.member_id);
    return next throws_ok('select * from api.discount_list()', '42501', null, 'a member cannot list the discount codes');
end
$$;
