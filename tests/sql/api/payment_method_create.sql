-- Tests of api.payment_method_create: a new way money comes in, with its processor accounts.

create or replace function tests.test_payment_method_create__adds_a_method_payments_may_name()
returns setof text
language plpgsql
as $$
declare
    v_method dues.payment_method := api.payment_method_create('sepa', ' SEPA direct debit ', 'the bank offers it');
    v_member bigint := tests.fx_member();
begin
    return next is((v_method.name, v_method.title), ('sepa'::text, 'SEPA direct debit'::text), 'the method');
    return next is((select count(*)::int from dues.ledger_account where payment_method = 'sepa'), (select count(*)::int from dues.currency),
                   'with its processor account in every currency');
    return next is((select why from dues.audit_log where table_name = 'payment_method' and new ->> 'name' = 'sepa'), 'the bank offers it',
                   'audited with why');
    return next is((api.register_payment(v_member, 10, method => 'sepa')).method, 'sepa', 'payments may come through it');
end
$$;

create or replace function tests.test_payment_method_create__refuses_bad_names_and_members()
returns setof text
language plpgsql
as $$
declare
    v_before jsonb := tests.fx_state();
begin
    return next throws_ok('select api.payment_method_create(''cash'', ''Cash again'')', 'DU01B', null, 'a name in use');
    return next throws_ok('select api.payment_method_create(''Card Pay'', ''Card'')', 'DU01A', null, 'a name that is no identifier');
    return next throws_ok('select api.payment_method_create(''card'', '' '')', 'DU017', null, 'a blank title');
    return next throws_ok('select api.payment_method_create(''card'', null)', 'DU014', null, 'title is required');
    return next throws_ok(format('select api.payment_method_create(''card'', %L)', repeat('t', 201)), 'DU016', null, 'a title too long');
    return next is(tests.fx_state(), v_before, 'and nothing changed');
    perform tests.fx_as_member(tests.fx_member());
    return next throws_ok('select api.payment_method_create(''card'', ''Card'')', '42501', null, 'staff only');
end
$$;
