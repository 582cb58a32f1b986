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
    return next throws_ok('select * from api.invoice_get(null)', 'DU014', null, 'a null id is refused');
    perform tests.fx_as_member(v_other);
    return next throws_ok(format('select * from api.invoice_get(%s)', v_id), '42501', null, 'another member''s invoice is not shown');
    return next throws_ok('select * from api.invoice_get(-1)', '42501', null, 'nor whether an invoice exists');
    perform tests.fx_as_member(v_member);
    return next is((select status from api.invoice_get(v_id)), 'open', 'the member sees its own invoice');
end
$$;
