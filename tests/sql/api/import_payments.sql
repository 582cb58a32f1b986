-- Tests of api.import_payments.

create or replace function tests.test_import_payments__pays_matched_lines_and_keeps_the_others()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_r1     text := tests.fx_ref('STMT');
    v_r2     text := tests.fx_ref('STMT');
    v_csv    text := pg_catalog.format(E'booked_on,amount,currency,reference,payer\n2026-11-02,30.00,USD,%s,%s\n2026-11-03,10,USD,%s,Nobody %s\n',
                                       v_r1, pg_catalog.upper(tests.fx_email(v_member)), v_r2, v_r2);
    v_before jsonb;
begin
    return next is(api.import_payments(v_csv) - 'errors',
                   '{"kind": "payments", "dry_run": false, "lines_read": 2, "imported": 2, "unchanged": 0, "bad_lines": 0}'::jsonb, 'both lines are read');
    return next is((select pg_catalog.jsonb_build_array(l.state, l.member_id, p.amount, p.method, p.external_ref)
                      from dues.bank_line l join dues.payment p on p.id = l.payment_id where l.reference = v_r1),
                   pg_catalog.jsonb_build_array('matched', v_member, 30.00, 'bank_transfer', v_r1),
                   'a payer e-mail of one member: paid to it, by bank transfer, the reference as external_ref');
    return next is((select l.state from dues.bank_line l where l.reference = v_r2), 'unmatched', 'a payer no member is: kept for staff');
    v_before := tests.fx_state();
    return next is(api.import_payments(v_csv) ->> 'unchanged', '2', 'imported again, unchanged');
    return next is(tests.fx_state(), v_before, 'and nothing changes');
    return next throws_ok(pg_catalog.format('select api.import_payments(%L)', pg_catalog.replace(v_csv, '30.00', '31.00')), 'DU650', null,
                          'a reference imported with other content is a bad line');
end
$$;

create or replace function tests.test_import_payments__never_guesses()
returns setof text
language plpgsql
as $$
declare
    v_ann    bigint := tests.fx_member('Ann');
    v_bob    bigint := tests.fx_member('Bob');
    v_payer  text := 'Household ' || tests.fx_ref('H');
    v_ref    text := tests.fx_ref('STMT');
begin
    insert into dues.member_provider_ref (member_id, provider, ref, source)
    values (v_ann, 'bank', pg_catalog.lower(v_payer), 'staff');
    perform api.import_payments(pg_catalog.format(E'booked_on,amount,currency,reference,payer\n2026-11-02,5,USD,%s,%s\n', v_ref, v_payer));
    return next is((select (l.state, l.member_id) from dues.bank_line l where l.reference = v_ref), ('matched'::text, v_ann),
                   'a payer name a member holds as its bank id is that member''s');
end
$$;

create or replace function tests.test_import_payments__refuses_bad_lines()
returns setof text
language plpgsql
as $$
declare
    v_before jsonb := tests.fx_state();
    v_error  jsonb;
begin
    v_error := tests.fx_error(pg_catalog.format('select api.import_payments(%L)',
        E'booked_on,amount,currency,reference,payer\n2026-11-02,-5,USD,R-neg,x\n2026-11-02,5,USD,,x\n2026-02-30,5,USD,R-date,x\n'));
    return next is((select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_array(e -> 'line', e -> 'column', e -> 'code'))
                      from pg_catalog.jsonb_array_elements((v_error ->> 'detail')::jsonb -> 'errors') e),
                   '[[2, "amount", "DU020"], [3, "reference", "DU650"], [4, "booked_on", "DU650"]]'::jsonb,
                   'money paid out, no reference and a day that does not exist, each named');
    return next is(tests.fx_state(), v_before, 'nothing changes');
    perform tests.fx_as_member(tests.fx_member());
    return next throws_ok($q$select api.import_payments(E'booked_on,amount,currency,reference,payer\n')$q$, '42501', null, 'staff only');
end
$$;
