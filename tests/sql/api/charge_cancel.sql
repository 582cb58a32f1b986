-- Tests of api.charge_cancel: a cancelled charge is never billed again, also after its invoice is voided.

create or replace function tests.test_charge_cancel__a_cancelled_charge_is_never_billed()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_class  bigint := tests.fx_recurring_class();
    v_charge bigint := (api.charge_add(v_member, v_class, 5, 'late fee')).id;
    v_view   dues.charge_view;
begin
    v_view := api.charge_cancel(v_charge, 'waived');
    return next is((v_view.state, v_view.cancelled_at), ('cancelled'::text, now()), 'the charge is cancelled');
    return next is((select why from dues.audit_log where table_name = 'charge_cancellation' and row_id = v_charge), 'waived', 'audited with why');
    perform tests.fx_collect(tests.fx_today());
    return next is((select count(*)::int from dues.invoice_line where charge_id = v_charge), 0, 'the collector does not bill it');
    return next throws_ok(format('with draft as (insert into dues.invoice (member_id, provider_id, currency) '
                                 'values (%s, dues.class_provider(%s), %L) returning id) '
                                 'insert into dues.invoice_line (invoice_id, kind, class_id, charge_id, description, due_date, amount) '
                                 'select draft.id, %L, %s, %s, %L, %L, 5 from draft',
                                 v_member, v_class, 'USD', 'charge', v_class, v_charge, 'late fee', tests.fx_today()),
                          'DU30E', null, 'nor may anything else');
end
$$;

create or replace function tests.test_charge_cancel__a_billed_charge_stays_until_its_invoice_is_voided()
returns setof text
language plpgsql
as $$
declare
    v_member  bigint := tests.fx_member();
    v_class   bigint := tests.fx_recurring_class();
    v_charge  bigint := (api.charge_add(v_member, v_class, 5, 'late fee')).id;
    v_invoice bigint;
begin
    perform tests.fx_collect(tests.fx_today());
    v_invoice := (tests.fx_invoice_ids(v_member))[1];
    return next is((api.charge_cancel(v_charge)).state, 'billed', 'a charge already billed stays on its invoice');
    perform api.invoice_void(v_invoice, 'wrong fee');
    return next is((select state from api.charge_list(v_member) where id = v_charge), 'cancelled', 'until the invoice is voided');
    perform tests.fx_collect(tests.fx_today() + 1);
    return next is((select count(*)::int from dues.invoice_line where charge_id = v_charge and not void), 0,
                   'and then it is not billed again');
    return next is(tests.fx_invoice_statuses(v_member), array['void'], 'no new invoice carries it');
end
$$;

create or replace function tests.test_charge_cancel__refuses_twice_unknown_and_members()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_charge bigint := (api.charge_add(v_member, tests.fx_recurring_class(), 5, 'late fee')).id;
begin
    perform api.charge_cancel(v_charge);
    return next throws_ok(format('select api.charge_cancel(%s)', v_charge), 'DU30E', format('charge %s was cancelled at %s', v_charge, now()),
                          'a charge is cancelled once');
    return next throws_ok('select api.charge_cancel(987654321)', 'DU30D', 'charge 987654321 not found', 'an unknown charge');
    return next throws_ok('select api.charge_cancel(null)', 'DU014', null, 'charge_id is required');
    perform tests.fx_as_member(v_member);
    return next throws_ok(format('select api.charge_cancel(%s)', v_charge), '42501', null, 'staff only');
end
$$;
