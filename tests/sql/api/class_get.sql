-- Tests of api.class_get: a class with its rule's parameter templates and its values.

create or replace function tests.test_class_get__answers_the_class_with_templates_and_values()
returns setof text
language plpgsql
as $$
declare
    v_class bigint := tests.fx_class('fixed_term', '{"price": "120.00", "months": 12}');
    v_got   record;
begin
    select * into v_got from api.class_get(v_class);
    return next is((v_got.id, v_got.rule, v_got.open, v_got.params), (v_class, 'fixed_term'::text, true, '{"price": "120.00", "months": 12}'::jsonb),
                   'the class and its parameter values');
    return next is(array(select p ->> 'name' from jsonb_array_elements(v_got.parameters) p), array['months', 'price', 'seats', 'start_date'],
                   'every parameter template of its rule, class ones first');
    return next is((select (p ->> 'value', p ->> 'type', p ->> 'required') from jsonb_array_elements(v_got.parameters) p
                     where p ->> 'name' = 'price'), ('120.00'::text, 'money'::text, 'true'::text),
                   'each with its type, whether it is required and the class''s value');
    return next is((select p -> 'value' from jsonb_array_elements(v_got.parameters) p where p ->> 'name' = 'start_date'), 'null'::jsonb,
                   'a request parameter has no value of the class');
    return next ok((select p ->> 'input_type' from jsonb_array_elements(v_got.parameters) p where p ->> 'name' = 'months') like '<input%',
                   'and the input a form shows for it');
    perform tests.fx_as_anonymous();
    return next is((api.class_get(v_class)).title, (select title from dues.class where id = v_class), 'anyone reads an open class');
end
$$;

create or replace function tests.test_class_get__a_closed_class_is_staffs_only()
returns setof text
language plpgsql
as $$
declare
    v_class bigint := tests.fx_class();
begin
    perform api.class_close(v_class);
    return next is((api.class_get(v_class)).open, false, 'staff read a closed class');
    perform tests.fx_as_member(tests.fx_member());
    return next throws_ok(format('select api.class_get(%s)', v_class), 'DU002', null, 'to a member it is not found');
    return next is(tests.fx_error(format('select api.class_get(%s)', v_class)),
                   tests.fx_error(format('select api.class_get(%s)', v_class + 1000000)), 'as a class that never existed');
    perform tests.fx_as_staff();
    return next throws_ok('select api.class_get(null)', 'DU014', null, 'class_id is required');
end
$$;
