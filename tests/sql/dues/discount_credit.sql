-- Tests of dues.discount_credit (a credit of a period line net of its discount, never more than the line still holds)
-- and dues.discount_net (an amount of a line less the discount's share of it).

create or replace function tests.test_discount_credit__net_of_the_discount_and_capped()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_recurring_class('{"period": "month", "amount": "10.00", "renewal": "auto_renew"}');
    v_member bigint := tests.fx_member();
    v_plain  bigint := tests.fx_member();
    v_sub    bigint;
    v_line   bigint;
begin
    -- April: 10.00 less 10% (1.00), 9.00 paid
    v_sub := tests.fx_subscribe(v_member, v_class, tests.fx_day(4, 1),
                                p_discount_code => (api.discount_create('NET' || nextval('tests.fx_seq'), percent => 10)).code);
    perform tests.fx_subscribe(v_plain, v_class, tests.fx_day(4, 1));
    perform tests.fx_collect(tests.fx_day(3, 18));
    perform tests.fx_pay(v_member, 9);
    select l.id into v_line from dues.invoice_line l join dues.invoice i on i.id = l.invoice_id
     where i.member_id = v_member and l.kind = 'period';
    return next is(dues.discount_net(v_line, 10.00), 9.00::numeric, 'the whole line costs 9.00 after its discount');
    return next is(dues.discount_net(v_line, 3.34), 3.01::numeric, 'a share of it less the discount''s share, rounded');
    return next is(dues.discount_net((select l.id from dues.invoice_line l join dues.invoice i on i.id = l.invoice_id
                                       where i.member_id = v_plain and l.kind = 'period'), 3.34),
                   3.34::numeric, 'a line without a discount keeps the whole amount');
    return next is(dues.discount_credit(v_line, 3.33), 3.00::numeric, 'with nothing credited yet, a credit is its net share');
    return next is(dues.discount_credit(v_line, 20.00), 9.00::numeric, 'never more than the 9.00 the line holds');
    perform api.recurring_subscription_pause(v_sub, tests.fx_day(4, 1), tests.fx_day(4, 10));
    perform api.recurring_subscription_pause(v_sub, tests.fx_day(4, 11), tests.fx_day(4, 20));
    return next is(dues.discount_credit(v_line, 3.33), 2.99::numeric,
                   'after credits of 3.00 and 3.01, the last ten days get the 2.99 left, not 3.00');
    perform api.recurring_subscription_cancel(v_sub, tests.fx_day(4, 20));
    return next is(dues.discount_credit(v_line, 1.00), 0::numeric, 'once all of it is given back, nothing more');
end
$$;
