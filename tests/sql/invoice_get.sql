-- Tests of api.invoice_get and api.invoice_list.

create or replace function tests.test_invoice_get__returns_lines_settlements_and_history()
returns setof text
language plpgsql
as $$
declare
    v_class    bigint := tests.fx_recurring_class('{"period": "month", "amount": "30.00", "renewal": "auto_renew", "setup_fee": "5.00"}');
    v_member   bigint := tests.fx_member();
    v_invoice  record;
begin
    perform tests.fx_subscribe(v_member, v_class, tests.fx_day(1, 1));
    perform tests.fx_collect(tests.fx_day(1, 1));
    perform tests.fx_pay(v_member, 20);
    select * into v_invoice from api.invoice_get((tests.fx_invoice_ids(v_member))[1]);
    return next is((v_invoice.member_id, v_invoice.status, v_invoice.total, v_invoice.settled, v_invoice.amount_due, v_invoice.due_date),
                   (v_member, 'open'::text, 35.00::numeric(14,2), 20.00::numeric(14,2), 15.00::numeric(14,2), tests.fx_day(1, 1)),
                   'an open invoice of 35.00 with 20.00 paid has 15.00 to pay');
    return next is(v_invoice.provider_id, (select provider_id from dues.class where id = v_class), 'its provider is the class''s');
    return next is(jsonb_path_query_array(v_invoice.lines, '$[*].amount'), '[30.00, 5.00]'::jsonb, 'two lines: the month and the setup fee');
    return next is(v_invoice.lines -> 0 ->> 'period_end', tests.fx_day(1, 31)::text, 'the month line says which days it covers');
    return next is(jsonb_path_query_array(v_invoice.settlements, '$[*].kind'), '["credit"]'::jsonb, 'one settlement from credit');
    return next is(jsonb_path_query_array(v_invoice.history, '$[*].to'), '["draft", "open"]'::jsonb, 'its history: draft, then open');
end
$$;

create or replace function tests.test_invoice_get__refuses_unknown_and_others()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_other  bigint := tests.fx_member();
    v_id     bigint;
begin
    perform tests.fx_subscribe(v_member, tests.fx_recurring_class(), tests.fx_day(1, 1));
    perform tests.fx_collect(tests.fx_day(1, 1));
    v_id := (tests.fx_invoice_ids(v_member))[1];
    return next throws_ok('select * from api.invoice_get(-1)', 'DUB01', 'invoice -1 not found', 'an unknown invoice is refused');
    return next throws_ok('select * from api.invoice_get(null)', 'DU014', 'argument invoice_id is required', 'a null id is refused');
    perform tests.fx_as_member(v_other);
    return next throws_ok(format('select * from api.invoice_get(%s)', v_id), '42501', null, 'another member''s invoice is not shown');
    return next throws_ok('select * from api.invoice_get(-1)', '42501', null, 'nor whether an invoice exists');
    perform tests.fx_as_member(v_member);
    return next is((select status from api.invoice_get(v_id)), 'open', 'the member sees its own invoice');
end
$$;

create or replace function tests.test_invoice_list__filters_by_member_status_and_dates()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_ids    bigint[];
begin
    perform tests.fx_subscribe(v_member, tests.fx_recurring_class(), tests.fx_day(1, 1));
    perform tests.fx_collect(tests.fx_day(1, 1));
    perform tests.fx_collect(tests.fx_day(1, 20));
    perform tests.fx_collect(tests.fx_day(2, 20));
    perform tests.fx_pay(v_member, 30);
    v_ids := tests.fx_invoice_ids(v_member);
    return next is(array(select id from api.invoice_list(v_member)), array[v_ids[3], v_ids[2], v_ids[1]], 'newest first');
    return next is(array(select id from api.invoice_list(v_member, 'open')), array[v_ids[3], v_ids[2]], 'the open ones');
    return next is(array(select id from api.invoice_list(v_member, from_date => tests.fx_day(1, 2), to_date => tests.fx_day(1, 31))),
                   array[v_ids[2]], 'those issued in a period');
    return next is(array(select amount_due from api.invoice_list(v_member)), '{30.00,30.00,0.00}'::numeric[],
                   'with what is left to pay');
    return next throws_ok(format('select * from api.invoice_list(%s, %L)', v_member, 'late'), 'DU013', null, 'an unknown status is refused');
    return next throws_ok(format('select * from api.invoice_list(%s, null, %L, %L)', v_member, tests.fx_day(2, 1), tests.fx_day(1, 1)),
                          'DU013', null, 'reversed dates are refused');
    perform tests.fx_as_member(v_member);
    return next throws_ok('select * from api.invoice_list()', '42501', 'only staff may do this', 'only staff list everyone''s invoices');
    return next is((select count(*)::int from api.invoice_list(v_member)), 3, 'a member lists its own');
end
$$;
