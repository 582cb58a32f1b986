-- Tests of dues.discount_line.

create or replace function tests.test_discount_line__a_percent_too_small_to_take_a_cent_adds_no_line()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_recurring_class('{"period": "month", "amount": "0.40", "renewal": "auto_renew"}');
    v_member bigint := tests.fx_member();
    v_code   text := (api.discount_create('TINY' || nextval('tests.fx_seq'), percent => 1)).code;
begin
    perform tests.fx_subscribe(v_member, v_class, tests.fx_day(1, 1), p_discount_code => v_code);
    return next is((tests.fx_collect(tests.fx_day(12, 18, -1)) ->> 'errors')::int, 0, 'the collector bills the member');
    return next is(tests.fx_invoice_totals(v_member), '{0.40}'::numeric[], '1% of 0.40 rounds to 0.00: the period is billed in full');
    return next is((select count(*)::int from dues.invoice_line l join dues.invoice i on i.id = l.invoice_id
                     where i.member_id = v_member and l.kind = 'discount'), 0, 'with no discount line');
end
$$;

create or replace function tests.test_discount_line__an_ended_discount_takes_nothing_off_later_periods()
returns setof text
language plpgsql
as $$
declare
    v_class    bigint := tests.fx_recurring_class();
    v_member   bigint := tests.fx_member();
    v_discount dues.discount_view := api.discount_create('STOP' || nextval('tests.fx_seq'), amount => 10);
begin
    perform tests.fx_subscribe(v_member, v_class, tests.fx_day(1, 1), p_discount_code => v_discount.code);
    perform tests.fx_collect(tests.fx_day(12, 18, -1));
    perform api.discount_end(v_discount.id);
    perform tests.fx_collect(tests.fx_day(1, 18));
    return next is(tests.fx_invoice_totals(v_member), '{20.00,30.00}'::numeric[],
                   'January keeps its 10.00 off; February, billed after the end, is billed in full');
end
$$;
