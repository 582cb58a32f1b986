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
