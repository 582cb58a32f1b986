-- Stories of discount codes: a member pays less for a one-off class, a recurring member gets two periods at a percent off
-- (each an invoice line of kind discount), a first month free, a discounted member who leaves mid-period, and the codes a
-- member cannot take (unknown, expired, not yet valid, for another class, used up). Every date of the recurring stories is in
-- next year (tests.fx_day). The teardown checks api.ledger_check() after each story.

create or replace function tests.test_discounts__a_member_pays_less_for_a_one_off_class()
returns setof text
language plpgsql
as $$
declare
    v_class    bigint := tests.fx_class('single_payment', '{"price": "40.00"}');
    v_member   bigint := tests.fx_member('Dee Discounted');
    v_discount dues.discount_view := api.discount_create('QUARTER' || nextval('tests.fx_seq'), percent => 25,
                                                         class_ids => array[v_class]);
    v_order    dues.subscription_order;
    v_revenue  numeric;
begin
    -- the member types the code in lower case, with its own token
    perform tests.fx_as_member(v_member);
    v_order := api.class_subscription_request(v_member, v_class, discount_code => lower(v_discount.code));
    return next is(v_order.amount, 30.00::numeric(14,2), 'the order costs 40.00 less 25%: 30.00');
    return next is((select (c.how, u.amount, u.invoice_line_id) from dues.discount_claim c
                      join dues.discount_use u on u.discount_claim_id = c.id where c.order_id = v_order.id),
                   ('code'::text, 10.00::numeric(14,2), null::bigint), 'the use is recorded: 10.00 off the order');
    perform tests.fx_as_staff();
    perform tests.fx_pay(v_member, 30);
    perform api.order_confirm(v_order.id);
    perform api.class_subscription_confirm(v_order.id);
    v_revenue := dues.ledger_balance(dues.class_account(v_class));
    return next is(v_revenue, 30.00::numeric, 'the class earned what the member paid: 30.00');
    return next is(tests.fx_member_balance(v_member), 0.00::numeric, 'and the member''s credit is used up');

    -- an amount above the price takes the order to 0, never below
    v_order := api.class_subscription_request(tests.fx_member(), v_class,
                                              discount_code => (api.discount_create('BIG' || nextval('tests.fx_seq'), amount => 50)).code);
    return next is(v_order.amount, 0.00::numeric(14,2), 'a discount of 50.00 on 40.00 leaves 0.00');
    return next is((select amount from dues.discount_use where order_id = v_order.id), 40.00::numeric(14,2),
                   'and took 40.00 off, no more');
end
$$;

create or replace function tests.test_discounts__the_codes_a_member_cannot_take()
returns setof text
language plpgsql
as $$
declare
    v_class   bigint := tests.fx_class('single_payment', '{"price": "40.00"}');
    v_other   bigint := tests.fx_class('single_payment', '{"price": "40.00"}');
    v_member  bigint := tests.fx_member();
    v_another bigint := tests.fx_member();
    v_expired text := (api.discount_create('OLD' || nextval('tests.fx_seq'), percent => 10, valid_from => tests.fx_today() - 30,
                                           valid_until => tests.fx_today() - 1)).code;
    v_early   text := (api.discount_create('SOON' || nextval('tests.fx_seq'), percent => 10,
                                           valid_from => tests.fx_today() + 1)).code;
    v_wrong   text := (api.discount_create('OTHER' || nextval('tests.fx_seq'), percent => 10, class_ids => array[v_other])).code;
    v_once    text := (api.discount_create('ONCE' || nextval('tests.fx_seq'), percent => 10, max_uses => 1)).code;
    v_first   bigint := tests.fx_member();
    v_before  jsonb;
begin
    -- another member's confirmed order takes the one use of v_once
    perform tests.fx_pay(v_first, 36);
    perform api.order_confirm((api.class_subscription_request(v_first, v_class, discount_code => v_once)).id);
    v_before := tests.fx_state();
    perform tests.fx_as_member(v_member);
    return next throws_ok(format('select api.class_subscription_request(%s, %s, discount_code => %L)', v_member, v_class, 'NOSUCH'),
                          'DU720', 'discount code NOSUCH not found', 'an unknown code is refused');
    return next throws_ok(format('select api.class_subscription_request(%s, %s, discount_code => %L)', v_member, v_class, v_expired),
                          'DU721', format('discount %s is valid from %s to %s, not on %s', v_expired, tests.fx_today() - 30,
                                          tests.fx_today() - 1, tests.fx_today()),
                          'an expired code is refused');
    return next throws_ok(format('select api.class_subscription_request(%s, %s, discount_code => %L)', v_member, v_class, v_early),
                          'DU721', null, 'a code not valid yet too');
    return next throws_ok(format('select api.class_subscription_request(%s, %s, discount_code => %L)', v_member, v_class, v_wrong),
                          'DU723', null, 'a code for another class too');
    return next throws_ok(format('select api.class_subscription_request(%s, %s, discount_code => %L)', v_member, v_class, v_once),
                          'DU722', format('discount %s is used up: 1 of 1 uses taken', v_once), 'a used-up code too');
    return next throws_ok(format('select api.class_subscription_request(%s, %s, discount_code => %L)', v_another, v_class,
                                 v_wrong),
                          '42501', null, 'a member cannot take a code for another member');
    perform tests.fx_as_anonymous();
    return next throws_ok(format('select api.class_subscription_request(%s, %s, discount_code => %L)', v_member, v_class, 'NOSUCH'),
                          '42501', null, 'nor can a request without a token try codes');
    perform tests.fx_as_staff();
    return next is(tests.fx_state(), v_before, 'the refusals changed nothing: no order, no use');
    -- a cancelled order gives its use back
    perform api.order_cancel((select order_id from dues.discount_claim c join dues.discount d on d.id = c.discount_id
                               where d.code = v_once));
    return next is((api.class_subscription_request(v_member, v_class, discount_code => v_once)).amount, 36.00::numeric(14,2),
                   'once the order that took it is cancelled, the code may be taken again');
end
$$;

create or replace function tests.test_discounts__two_periods_at_a_percent_off()
returns setof text
language plpgsql
as $$
declare
    v_class    bigint := tests.fx_recurring_class();
    v_member   bigint := tests.fx_member('Rae Recurring');
    v_discount dues.discount_view := api.discount_create('WELCOME' || nextval('tests.fx_seq'), percent => 20, periods => 2);
    v_invoice  record;
begin
    perform tests.fx_subscribe(v_member, v_class, tests.fx_day(1, 1), p_discount_code => v_discount.code);
    perform tests.fx_collect(tests.fx_day(12, 18, -1));
    select * into v_invoice from api.invoice_get((tests.fx_invoice_ids(v_member))[1]);
    return next is(v_invoice.total, 24.00::numeric(14,2), 'January is invoiced at 30.00 less 20%: 24.00');
    return next is((select array_agg((l ->> 'kind') || ' ' || (l ->> 'amount') order by (l ->> 'id')::bigint)
                      from jsonb_array_elements(v_invoice.lines) l),
                   '{"period 30.00","discount -6.00"}'::text[], 'the discount is its own line, negative');
    return next ok((v_invoice.lines -> 1 ->> 'description') like format('Discount %s (20.00%%) on %%', v_discount.code),
                   'the line names the code and its percent');
    perform tests.fx_pay(v_member, 24);
    perform tests.fx_collect(tests.fx_day(1, 18));
    perform tests.fx_collect(tests.fx_day(2, 18));
    return next is(tests.fx_invoice_totals(v_member), '{24.00,24.00,30.00}'::numeric[],
                   'two periods are discounted (periods 2), the third is billed in full');
    return next is((select (uses, discounted) from api.discount_list() where id = v_discount.id), (1, 12.00::numeric(14,2)),
                   'the subscription is one use; the two lines took 12.00 off');
    return next is(dues.ledger_balance(dues.class_account(v_class)), 78.00::numeric,
                   'the class''s revenue is what was invoiced: 24 + 24 + 30');
end
$$;

create or replace function tests.test_discounts__a_first_month_free()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_recurring_class();
    v_member bigint := tests.fx_member('Fay Free');
    v_code   text := (api.discount_create('FIRSTFREE' || nextval('tests.fx_seq'), percent => 100, periods => 1,
                                          class_ids => array[v_class])).code;
    v_before bigint;
begin
    perform tests.fx_subscribe(v_member, v_class, tests.fx_day(1, 1), p_discount_code => v_code);
    v_before := tests.fx_ledger_transactions();
    perform tests.fx_collect(tests.fx_day(12, 18, -1));
    return next is((select (status, total, number is not null) from dues.invoice where member_id = v_member),
                   ('paid'::text, 0.00::numeric(14,2), true), 'January''s invoice is numbered, for 0.00, and paid at once');
    return next is(tests.fx_ledger_transactions(), v_before, 'it moves no money: no ledger transaction');
    perform tests.fx_collect(tests.fx_day(1, 18));
    return next is(tests.fx_invoice_totals(v_member), '{0.00,30.00}'::numeric[], 'February is billed in full');
    return next is(tests.fx_standing(v_member), 'good', 'the member is in good standing');
end
$$;

create or replace function tests.test_discounts__a_discounted_member_leaves_mid_period()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_recurring_class();
    v_member bigint := tests.fx_member('Lee Leaving');
    v_code   text := (api.discount_create('HALF' || nextval('tests.fx_seq'), percent => 50)).code;
    v_sub    bigint;
    v_piece  numeric;
begin
    v_sub := tests.fx_subscribe(v_member, v_class, tests.fx_day(1, 1), p_discount_code => v_code);
    perform tests.fx_collect(tests.fx_day(12, 18, -1));
    perform tests.fx_pay(v_member, 15);
    perform api.recurring_subscription_cancel(v_sub, tests.fx_day(1, 15));
    v_piece := dues.period_piece(30, 'USD', tests.fx_day(1, 1), tests.fx_day(1, 31), tests.fx_day(1, 16), tests.fx_day(1, 31));
    return next is((select amount from dues.proration_credit where member_id = v_member), v_piece - round(v_piece / 2, 2),
                   'the sixteen unused days are credited at what they cost after the discount: half of their share');
    return next is(tests.fx_member_balance(v_member), v_piece - round(v_piece / 2, 2), 'the credit is the member''s');
    return next is(dues.ledger_balance(dues.class_account(v_class)), 15 - (v_piece - round(v_piece / 2, 2)),
                   'the class keeps what the fifteen days it gave cost');
end
$$;

create or replace function tests.test_discounts__a_discounted_member_pauses_a_paid_period()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_recurring_class();
    v_member bigint := tests.fx_member('Pat Paused');
    v_code   text := (api.discount_create('HALFPAUSE' || nextval('tests.fx_seq'), percent => 50)).code;
    v_sub    bigint;
    v_piece  numeric;
begin
    v_sub := tests.fx_subscribe(v_member, v_class, tests.fx_day(1, 1), p_discount_code => v_code);
    perform tests.fx_collect(tests.fx_day(12, 18, -1));
    perform tests.fx_pay(v_member, 15);
    perform api.recurring_subscription_pause(v_sub, tests.fx_day(1, 16), tests.fx_day(1, 31));
    v_piece := dues.period_piece(30, 'USD', tests.fx_day(1, 1), tests.fx_day(1, 31), tests.fx_day(1, 16), tests.fx_day(1, 31));
    return next is((select amount from dues.pause_credit where member_id = v_member), v_piece - round(v_piece / 2, 2),
                   'the sixteen paused days are credited at what they cost after the discount: half of their share');
    return next is(tests.fx_member_balance(v_member), v_piece - round(v_piece / 2, 2), 'the credit is the member''s');
    return next is(dues.ledger_balance(dues.class_account(v_class)), 15 - (v_piece - round(v_piece / 2, 2)),
                   'the class keeps what the fifteen days before the pause cost');
end
$$;

create or replace function tests.test_discounts__a_discounted_member_resumes_a_paid_pause()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_recurring_class();
    v_member bigint := tests.fx_member('Rue Resumed');
    v_code   text := (api.discount_create('HALFBACK' || nextval('tests.fx_seq'), percent => 50)).code;
    v_sub    bigint;
    v_pause  dues.recurring_subscription_pause;
begin
    -- April (30 days, 30.00 less 50%: 15.00) is invoiced and paid; days 11 to 20 paused: their 10.00 less half, 5.00
    v_sub := tests.fx_subscribe(v_member, v_class, tests.fx_day(4, 1), p_discount_code => v_code);
    perform tests.fx_collect(tests.fx_day(3, 18));
    perform tests.fx_pay(v_member, 15);
    perform api.recurring_subscription_pause(v_sub, tests.fx_day(4, 11), tests.fx_day(4, 20));
    return next is((select sum(amount) from dues.pause_credit where member_id = v_member), 5.00::numeric,
                   'the ten paused days are credited at what they cost after the discount: 5.00');

    -- back on the 16th: the five days given back are charged what the pause gave for them, not their full price
    v_pause := api.recurring_subscription_resume(v_sub, tests.fx_day(4, 16));
    return next is((select amount from dues.charge where id = v_pause.charge_id), 2.50::numeric(14,2),
                   'resumed on the 16th, days 16 to 20 are charged back 2.50, half of their 5.00');
    -- then the pause is removed: the other five days are charged back too
    v_pause := api.recurring_subscription_resume(v_sub, tests.fx_day(4, 11));
    return next is((select amount from dues.charge where id = v_pause.charge_id), 2.50::numeric(14,2),
                   'resumed on its first day, the pause is removed: days 11 to 15 are charged back 2.50');
    return next is((select sum(amount) from dues.charge where class_subscription_id = v_sub), 5.00::numeric,
                   'the charges give back exactly the 5.00 the pause credited, not the 10.00 the days cost before the discount');
    return next is(tests.fx_member_balance(v_member), 5.00::numeric, 'the credit is still the member''s until the charges are invoiced');
    perform tests.fx_collect(tests.fx_day(4, 18));
    return next is((select sum(l.amount) from dues.invoice_line l join dues.invoice i on i.id = l.invoice_id
                     where i.member_id = v_member and l.kind = 'charge'), 5.00::numeric,
                   'the next invoice bills them: April costs its 15.00 after the discount, no more');
    return next is(dues.ledger_balance(dues.class_account(v_class)) - 15.00, 15.00::numeric,
                   'the class earned April''s 15.00 and May''s 15.00');
end
$$;

create or replace function tests.test_discounts__credits_never_give_back_more_than_was_paid()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_recurring_class('{"period": "month", "amount": "10.00", "renewal": "auto_renew"}');
    v_member bigint := tests.fx_member('Cent Counter');
    v_code   text := (api.discount_create('TENOFF' || nextval('tests.fx_seq'), percent => 10)).code;
    v_sub    bigint;
begin
    -- April: 10.00 less 10%, 9.00 paid; days 1 to 10 paused (3.33 less 0.33: 3.00), 11 to 20 (3.34 less 0.33: 3.01),
    -- then it ends on the 20th: days 21 to 30 would be 3.33 less 0.33, 3.00, one cent more than is left
    v_sub := tests.fx_subscribe(v_member, v_class, tests.fx_day(4, 1), p_discount_code => v_code);
    perform tests.fx_collect(tests.fx_day(3, 18));
    perform tests.fx_pay(v_member, 9);
    perform api.recurring_subscription_pause(v_sub, tests.fx_day(4, 1), tests.fx_day(4, 10));
    perform api.recurring_subscription_pause(v_sub, tests.fx_day(4, 11), tests.fx_day(4, 20));
    return next is((select array_agg(amount order by paused_from) from dues.pause_credit where member_id = v_member),
                   '{3.00,3.01}'::numeric[], 'each pause is credited its days'' share less the discount''s');
    perform api.recurring_subscription_cancel(v_sub, tests.fx_day(4, 20));
    return next is((select amount from dues.proration_credit where member_id = v_member), 2.99::numeric(14,2),
                   'the last ten days are credited what is left of the 9.00 paid: 2.99, not 3.00');
    return next is(tests.fx_member_balance(v_member), 9.00::numeric, 'the member gets back the 9.00 paid, not 9.01');
    return next is(dues.ledger_balance(dues.class_account(v_class)), 0.00::numeric, 'and the class keeps nothing of April');
end
$$;

create or replace function tests.test_discounts__opened_orders_do_not_use_a_code_up()
returns setof text
language plpgsql
as $$
declare
    v_class    bigint := tests.fx_class('single_payment', '{"price": "40.00"}');
    v_member   bigint := tests.fx_member('Oona Opener');
    v_other    bigint := tests.fx_member();
    v_third    bigint := tests.fx_member();
    v_code     text := (api.discount_create('TWENTY' || nextval('tests.fx_seq'), percent => 10, max_uses => 20)).code;
    v_once     text := (api.discount_create('LAST' || nextval('tests.fx_seq'), percent => 10, max_uses => 1)).code;
    v_first    dues.subscription_order;
    v_second   dues.subscription_order;
    v_before   jsonb;
begin
    -- one member opens twenty orders with a twenty-use code, with its own token, and pays none of them
    perform tests.fx_as_member(v_member);
    for i in 1 .. 20 loop
        perform api.class_subscription_request(v_member, v_class, discount_code => v_code);
    end loop;
    perform tests.fx_as_staff();
    return next is((select uses from api.discount_list() where code = v_code), 0, 'opened orders use none of the twenty uses');
    perform tests.fx_pay(v_other, 36);
    v_first := api.class_subscription_request(v_other, v_class, discount_code => v_code);
    return next is((api.order_confirm(v_first.id)).state, 'confirmed', 'another member still takes the code and confirms');
    return next is((select uses from api.discount_list() where code = v_code), 1, 'that confirmed order is one use');

    -- two members open orders with the last use of a code: the first to confirm takes it, the other is refused then
    perform tests.fx_pay(v_member, 36);
    perform tests.fx_pay(v_third, 36);
    v_first := api.class_subscription_request(v_member, v_class, discount_code => v_once);
    v_second := api.class_subscription_request(v_third, v_class, discount_code => v_once);
    perform api.order_confirm(v_first.id);
    v_before := tests.fx_state();
    perform tests.fx_as_member(v_third);
    return next throws_ok(format('select api.order_confirm(%s)', v_second.id), 'DU722', null,
                          'the second order''s confirmation is refused: the code was used up meanwhile');
    perform tests.fx_as_staff();
    return next is(tests.fx_state(), v_before, 'the refusal changed nothing');
    return next is(tests.fx_order_state(v_second.id), 'opened', 'the order stays opened, to be cancelled');
    perform api.order_cancel(v_first.id);
    return next is((api.order_confirm(v_second.id)).state, 'confirmed', 'once the first is cancelled, the second confirms');
end
$$;
