-- Tests of api.class_create.

create or replace function tests.test_class_create__creates_a_class_with_group_params_and_account()
returns setof text
language plpgsql
as $$
declare
    v_class dues.class := api.class_create(' Pottery ', 'fixed_term', '{"price": "45.50", "months": 3}', 'eur', 'Wheel and kiln');
begin
    return next is(v_class.title, 'Pottery', 'the title is stored trimmed');
    return next is(v_class.currency, 'EUR'::char(3), 'the currency is normalised to upper case');
    return next is(v_class.rule, 'fixed_term', 'the class keeps its rule');
    return next is(v_class.description, 'Wheel and kiln', 'the class keeps its description');
    return next is((select name from dues."group" where id = v_class.students_group_id), 'students of Pottery',
                   'the class has its own students group');
    return next is(dues.class_params(v_class.id), '{"price": "45.50", "months": 3}'::jsonb,
                   'the parameter values are stored, one row each');
    return next results_eq(format('select currency, dues.ledger_balance(id), allow_negative from dues.ledger_account where class_id = %s', v_class.id),
                           $q$values ('EUR'::char(3), 0::numeric(14,2), false)$q$,
                           'the class has an empty revenue account in its currency that cannot go negative');
    return next is((select balance from dues.ledger_account where class_id = v_class.id), null,
                   'the revenue account is shared: it keeps no stored balance, its balance is the sum of its postings');
end
$$;

create or replace function tests.test_class_create__uses_the_default_currency_when_none_is_given()
returns setof text
language plpgsql
as $$
begin
    return next is((api.class_create('Chess', 'free')).currency, 'USD'::char(3), 'the default_currency setting applies');
end
$$;

create or replace function tests.test_class_create__refuses_an_unknown_rule_or_currency()
returns setof text
language plpgsql
as $$
declare
    v_before jsonb := tests.fx_state();
begin
    return next throws_ok($q$select api.class_create('Chess', 'lottery')$q$,
                          'DU004', 'subscription rule lottery not found', 'an unknown rule is refused');
    return next throws_ok($q$select api.class_create('Chess', 'free', '{}', 'XYZ')$q$,
                          'DU021', 'currency XYZ is unknown', 'an unknown currency is refused');
    return next is(tests.fx_state(), v_before, 'nothing was stored');
end
$$;

create or replace function tests.test_class_create__refuses_missing_or_unknown_parameters()
returns setof text
language plpgsql
as $$
declare
    v_before jsonb := tests.fx_state();
begin
    return next throws_ok($q$select api.class_create('Yoga', 'fixed_term', '{"price": 10}')$q$,
                          'DU010', 'parameter months is required by rule fixed_term', 'a missing required parameter is refused');
    return next throws_ok($q$select api.class_create('Yoga', 'fixed_term', '{"price": 10, "months": 1, "colour": "red"}')$q$,
                          'DU011', 'rule fixed_term has no parameter colour', 'an unknown parameter is refused');
    return next throws_ok($q$select api.class_create('Yoga', 'fixed_term', '{"price": 10, "months": 1, "start_date": "2030-01-01"}')$q$,
                          'DU011', null,
                          'a request-level parameter is refused at class level');
    return next throws_ok($q$select api.class_create('Yoga', 'free', '{"price": 10}')$q$,
                          'DU011', null, 'a rule without parameters takes none');
    return next is(tests.fx_state(), v_before, 'nothing was stored');
end
$$;

create or replace function tests.test_class_create__refuses_values_of_the_wrong_type()
returns setof text
language plpgsql
as $$
declare
    v_before jsonb := tests.fx_state();
begin
    return next throws_ok($q$select api.class_create('Yoga', 'single_payment', '{"price": "ten"}')$q$,
                          'DU012', null, 'a price that is not a number is refused');
    return next throws_ok($q$select api.class_create('Yoga', 'single_payment', '{"price": -1}')$q$,
                          'DU012', null, 'a negative price is refused');
    return next throws_ok($q$select api.class_create('Yoga', 'single_payment', '{"price": 9.999}')$q$,
                          'DU012', null, 'a price with a third decimal is refused');
    return next throws_ok($q$select api.class_create('Yoga', 'single_payment', '{"price": 9.5}', 'JPY')$q$,
                          'DU012', null, 'a price in yen must be whole');
    return next throws_ok($q$select api.class_create('Yoga', 'fixed_term', '{"price": 1, "months": 0}')$q$,
                          'DU012', null, 'a term of 0 months is refused');
    return next throws_ok($q$select api.class_create('Yoga', 'fixed_term', '{"price": 1, "months": 1.5}')$q$,
                          'DU012', null, 'a fractional month is refused');
    return next is(tests.fx_state(), v_before, 'nothing was stored');
end
$$;

create or replace function tests.test_class_create__refuses_parameters_the_rule_finds_inconsistent()
returns setof text
language plpgsql
as $$
begin
    return next throws_ok($q$select api.class_create('Co-op', 'sliding_scale', '{"minimum": 50, "maximum": 20}')$q$,
                          'DU012', null, 'the rule''s class check refuses minimum > maximum');
end
$$;

create or replace function tests.test_class_create__refuses_bad_arguments()
returns setof text
language plpgsql
as $$
begin
    return next throws_ok($q$select api.class_create(' ', 'free')$q$, 'DU017', null, 'a blank title is refused');
    return next throws_ok($q$select api.class_create(null, 'free')$q$, 'DU014', null, 'a null title is refused');
    return next throws_ok($q$select api.class_create('Chess', null)$q$, 'DU014', null, 'a null rule is refused');
    return next throws_ok($q$select api.class_create('Chess', 'free', '[1, 2]')$q$,
                          'DU01K', 'parameters must be a JSON object, got [1, 2]', 'params that are not an object are refused');
    return next lives_ok($q$select api.class_create('Chess', 'free', null)$q$, 'null params mean no parameters');
end
$$;

-- No silent failures: a class nobody could invoice is refused when it is made, not by every collector run after.
create or replace function tests.test_class_create__refuses_a_class_no_one_can_invoice()
returns setof text
language plpgsql
as $$
declare
    v_before jsonb;
begin
    return next ok(exists (select from dues.provider where broker), 'the site''s organization is the broker from the first migration on');
    update dues.provider set broker = false where broker;
    v_before := tests.fx_state();
    return next throws_ok($q$select api.class_create('Orphan', 'recurring', '{"period": "month", "amount": "10.00", "renewal": "auto_renew"}')$q$,
                          'DUB14', null, 'without a broker a class that names no provider is refused');
    return next is(tests.fx_state(), v_before, 'nothing was created');
end
$$;
