-- Tests of the parameter types and their validators (dues.param_*).

-- Asserts that a parameter type accepts or refuses each value, one assertion per value.
create or replace function tests.fx_check_type(p_type text, p_currency char(3), p_cases jsonb, p_expected boolean)
returns setof text
language plpgsql
as $$
declare
    v_validator regproc := (select validator from dues.parameter_type where name = p_type);
    v_value     jsonb;
    v_valid     boolean;
begin
    for v_value in select jsonb_array_elements(p_cases) loop
        execute format('select %s($1, $2)', v_validator) into v_valid using v_value, p_currency;
        return next is(v_valid, p_expected,
                       format('%s %s %s (%s)', p_type, case when p_expected then 'accepts' else 'refuses' end, v_value, p_currency));
    end loop;
end
$$;

create or replace function tests.test_parameter_type__money_is_a_non_negative_amount_of_the_currency()
returns setof text
language plpgsql
as $$
begin
    return query select tests.fx_check_type('money', 'USD', '[0, 10, 10.5, 10.55, "10.55", "0", 1000000.00]', true);
    return query select tests.fx_check_type('money', 'USD', '[-1, 10.555, "ten", "", "1e3", null, true, [1], {"a": 1}, 1000000000000, 1000000.01]', false);
    -- the largest amount accepted (setting max_amount) bounds a price; raised, it lets up to what numeric(14,2) holds
    update dues.setting set value = '999999999999.99' where name = 'max_amount';
    return query select tests.fx_check_type('money', 'USD', '[999999999999.99]', true);
    return query select tests.fx_check_type('money', 'USD', '[1000000000000]', false);
    return query select tests.fx_check_type('money', 'JPY', '[0, 1500, "1500"]', true);
    return query select tests.fx_check_type('money', 'JPY', '[1500.5, "0.1"]', false);
end
$$;

create or replace function tests.test_parameter_type__integers_months_and_positive_integers()
returns setof text
language plpgsql
as $$
begin
    return query select tests.fx_check_type('integer', 'USD', '[0, -5, 7, "12", 2147483647, 3.0]', true);
    return query select tests.fx_check_type('integer', 'USD', '[1.5, "1.5", 2147483648, "seven", null]', false);
    return query select tests.fx_check_type('positive_integer', 'USD', '[1, "3", 2147483647]', true);
    return query select tests.fx_check_type('positive_integer', 'USD', '[0, -1, 1.5]', false);
    return query select tests.fx_check_type('months', 'USD', '[1, 12, 1200]', true);
    return query select tests.fx_check_type('months', 'USD', '[0, 1201, 1.5]', false);
end
$$;

create or replace function tests.test_parameter_type__dates_and_texts()
returns setof text
language plpgsql
as $$
begin
    return query select tests.fx_check_type('date', 'USD', '["2027-01-31", "2028-02-29"]', true);
    return query select tests.fx_check_type('date', 'USD', '["2027-02-29", "2027-13-01", "31/01/2027", "today", "2027-1-5", 20270131]', false);
    return query select tests.fx_check_type('text', 'USD', '["a", "  padded  "]', true);
    return query select tests.fx_check_type('text', 'USD', '["", "   ", 5, null]', false);
    return next is(dues.param_text(to_jsonb(repeat('x', 1001)), 'USD'), false, 'text refuses 1001 characters');
end
$$;

create or replace function tests.test_parameter_type__refuses_a_validator_of_another_signature()
returns setof text
language plpgsql
as $$
begin
    return next throws_ok(
        $q$insert into dues.parameter_type (name, description, validator, input_type)
           values ('colour', 'a colour', 'pg_catalog.pi', '<input type="color">')$q$,
        'DU060', 'validator pi of parameter type colour must be a function (jsonb, char(3)) returns boolean in schema dues or rules',
        'a validator outside dues and rules, with the wrong signature, is refused');
    return next throws_ok(
        $q$insert into dues.parameter_type (name, description, validator, input_type)
           values ('colour', 'a colour', 'dues.class_params', '<input type="color">')$q$,
        'DU060', null, 'a function of schema dues with the wrong signature is refused');
    return next throws_ok(
        $q$insert into dues.parameter_type (name, description, validator, input_type)
           values ('colour', 'a colour', 'dues.no_such_validator', '<input type="color">')$q$,
        '42883', null, 'a validator that does not exist cannot be stored');
end
$$;
