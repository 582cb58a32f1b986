-- Tests of dues.template_fill.

create or replace function tests.test_template_fill__replaces_keys_and_empties_missing_ones()
returns setof text language sql as $$
    select is(dues.template_fill('Dear {{ name }}, {{amount}} {{gone}}!', '{"name":"A\\1 & B","amount":"10.00"}'),
              'Dear A\1 & B, 10.00 !', 'keys are replaced literally, missing keys become empty');
$$;
