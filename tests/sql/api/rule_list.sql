-- Tests of api.rule_list.

create or replace function tests.test_rule_list__lists_every_rule_with_its_method()
returns setof text
language plpgsql
as $$
begin
    return next results_eq(
        'select rule, method from api.rule_list()',
        $q$values ('fixed_term', 'rules.class_subscribe_fixed_term'),
                  ('free', 'rules.class_subscribe_free'),
                  ('per_session', 'rules.class_subscribe_per_session'),
                  ('recurring', 'rules.class_subscribe_recurring'),
                  ('single_payment', 'rules.class_subscribe_single_payment'),
                  ('sliding_scale', 'rules.class_subscribe_sliding_scale')$q$,
        'the six shipped rules, by name, with their methods');
end
$$;

create or replace function tests.test_rule_list__describes_each_parameter_for_a_user_interface()
returns setof text
language plpgsql
as $$
declare
    v_parameters jsonb := (select parameters from api.rule_list() where rule = 'fixed_term');
begin
    return next is(jsonb_array_length(v_parameters), 4, 'fixed_term has four parameters (seats is every rule''s)');
    return next is(v_parameters -> 0 ->> 'name', 'months', 'class parameters come first, by name');
    return next is(v_parameters -> 3, jsonb_build_object(
                       'name', 'start_date', 'type', 'date', 'scope', 'request', 'required', false,
                       'description', 'First day of the term (default today; not in the past)',
                       'type_description', 'a calendar date as a string YYYY-MM-DD',
                       'input_type', '<input type="date" pattern="[0-9]{4}-[0-9]{2}-[0-9]{2}" required>'),
                   'a parameter carries its type, scope, requiredness and the input_type snippet');
    return next is((select jsonb_agg(p ->> 'name') from jsonb_array_elements((select parameters from api.rule_list()
                                                                                where rule = 'free')) p), '["seats"]'::jsonb,
                   'a rule without parameters of its own has only seats, which every rule takes');
end
$$;
