-- Tests of api.bank_line_assign.

create or replace function tests.test_bank_line_assign__pays_the_line_and_learns_the_payer()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_payer  text := 'Treasurer ' || tests.fx_ref('T');
    v_r1     text := tests.fx_ref('STMT');
    v_r2     text := tests.fx_ref('STMT');
    v_line   dues.bank_line_view;
begin
    perform api.import_payments(pg_catalog.format(E'booked_on,amount,currency,reference,payer\n2026-11-02,15,USD,%s,%s\n', v_r1, v_payer));
    v_line := api.bank_line_assign((select l.id from dues.bank_line l where l.reference = v_r1), v_member, 'the member''s household');
    return next is((v_line.state, v_line.member_id), ('assigned'::text, v_member), 'the line is the member''s');
    return next is(tests.fx_member_balance(v_member), 15.00::numeric, 'its money is credited to the member');
    return next is((select a.why from dues.audit_log a where a.member_id = v_member and a.why is not null order by a.id desc limit 1),
                   'the member''s household', 'why is in the audit log');
    perform api.import_payments(pg_catalog.format(E'booked_on,amount,currency,reference,payer\n2026-12-02,15,USD,%s,  %s\n', v_r2, pg_catalog.upper(v_payer)));
    return next is((select (l.state, l.member_id) from dues.bank_line l where l.reference = v_r2), ('matched'::text, v_member),
                   'the next line of that payer is matched to the member');
    return next throws_ok(pg_catalog.format('select api.bank_line_assign(%s, %s, null)', v_line.id, v_member), 'DU652',
                          pg_catalog.format('bank line %s is assigned to member %s already (payment %s)', v_line.id, v_member, v_line.payment_id),
                          'a paid line is not paid again');
    return next throws_ok(pg_catalog.format('select api.bank_line_assign(-1, %s, null)', v_member), 'DU651', 'bank line -1 not found',
                          'an unknown line');
    return next throws_ok(pg_catalog.format('select api.bank_line_assign(%s, -1, null)', v_line.id), 'DU001', null, 'an unknown member');
    perform tests.fx_as_member(v_member);
    return next throws_ok(pg_catalog.format('select api.bank_line_assign(%s, %s, null)', v_line.id, v_member), '42501', null,
                          'a member may not take a bank line');
end
$$;
