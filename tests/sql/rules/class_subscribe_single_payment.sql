-- Tests of rule single_payment (rules.class_subscribe_single_payment).

create or replace function tests.test_class_subscribe_single_payment__charges_the_class_price()
returns setof text
language plpgsql
as $$
begin
    return next is(rules.class_subscribe_single_payment(1, 1, '{"price": "49.90"}', '{}', '2027-03-15'),
                   row(49.90, '2027-03-15', null)::dues.rule_result,
                   'the class price, from the day asked, open-ended');
end
$$;

create or replace function tests.test_class_subscribe_single_payment__needs_a_price()
returns setof text
language plpgsql
as $$
begin
    return next throws_ok($q$select api.class_create('Drawing', 'single_payment')$q$,
                          'DU010', null, 'a class without a price is refused');
end
$$;
