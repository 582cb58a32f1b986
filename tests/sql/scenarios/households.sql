-- Stories of households: a recurring class with a household_amount bills a master with linked members once, at that amount,
-- for the periods starting while members are linked to it; its linked members are billed nothing (and follow the groups
-- that declare linked_members_follow, as before); once they are unlinked the master pays the member amount again. Every date is in next year (tests.fx_day). The teardown checks
-- api.ledger_check() after each story.

create or replace function tests.test_households__a_family_billed_once_to_its_master()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_recurring_class('{"period": "month", "amount": "30.00", "renewal": "auto_renew",
                                                  "household_amount": "50.00"}');
    v_single bigint := tests.fx_recurring_class();
    v_master bigint := tests.fx_member('Pat Parent');
    v_kid    bigint := tests.fx_member('Kim Kid');
    v_alone  bigint := tests.fx_member('Sam Single');
    v_lines  text[];
begin
    perform api.member_link(v_kid, v_master);
    perform tests.fx_subscribe(v_master, v_class, tests.fx_day(1, 1));
    perform tests.fx_subscribe(v_alone, v_class, tests.fx_day(1, 1));
    perform tests.fx_subscribe(v_master, v_single, tests.fx_day(1, 1));

    -- December: January's invoices
    perform tests.fx_collect(tests.fx_day(12, 18, -1));
    select array_agg(l.class_id || ' ' || l.amount || ' ' || l.period_amount order by l.class_id) into v_lines
      from dues.invoice_line l join dues.invoice i on i.id = l.invoice_id where i.member_id = v_master;
    return next is(v_lines, array[format('%s 50.00 50.00', v_class), format('%s 30.00 30.00', v_single)],
                   'the master pays the household amount, 50.00, for the household class, and 30.00 for a class without one');
    return next is(tests.fx_invoice_totals(v_alone), '{30.00}'::numeric[], 'a member without linked members pays 30.00');
    return next is(tests.fx_invoice_ids(v_kid), '{}'::bigint[], 'the linked member is billed nothing');
    return next ok(tests.fx_student(v_master, v_class, tests.fx_day(1, 1)) and not tests.fx_student(v_kid, v_class, tests.fx_day(1, 1)),
                   'the master is the class''s student; the kid is not (class students groups are not followed, as before)');
    perform tests.fx_pay(v_master, 80);

    -- January: the kid is unlinked, February is billed at the member amount
    perform api.member_unlink(v_kid, 'moved out');
    perform tests.fx_collect(tests.fx_day(1, 18));
    return next is((select l.amount from dues.invoice_line l join dues.invoice i on i.id = l.invoice_id
                     where i.member_id = v_master and l.class_id = v_class and l.period_of = tests.fx_day(2, 1)),
                   30.00::numeric(14,2), 'without linked members the master pays 30.00 for February');
    return next is(tests.fx_invoice_ids(v_kid), '{}'::bigint[], 'the unlinked kid has no subscription of its own, no invoice');

    -- a member's own period amount still comes first
    perform api.member_link(v_kid, v_master);
    perform api.period_amount_set(v_master, v_class, 20, tests.fx_day(3, 1));
    perform tests.fx_collect(tests.fx_day(2, 18));
    return next is((select l.amount from dues.invoice_line l join dues.invoice i on i.id = l.invoice_id
                     where i.member_id = v_master and l.class_id = v_class and l.period_of = tests.fx_day(3, 1)),
                   20.00::numeric(14,2), 'a period amount set for the master wins over the household amount');
end
$$;

create or replace function tests.test_households__household_amount_is_a_recurring_class_parameter()
returns setof text
language plpgsql
as $$
begin
    return next throws_ok($q$select tests.fx_class('recurring', '{"period": "month", "amount": "30.00", "renewal": "auto_renew",
                                                                 "household_amount": "lots"}')$q$,
                          'DU012', null, 'a household amount must be money');
    return next throws_ok($q$select tests.fx_class('single_payment', '{"price": "30.00", "household_amount": "50.00"}')$q$,
                          'DU011', null, 'a class of another rule has no household amount');
    return next is((select (type, scope, required) from dues.subscription_parameter_template
                     where rule = 'recurring' and name = 'household_amount'),
                   ('money'::text, 'class'::text, false), 'it is an optional money parameter of the class');
end
$$;
