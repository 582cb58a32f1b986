-- Tests of api.payment_method_list.

create or replace function tests.test_payment_method_list__lists_the_methods()
returns setof text
language plpgsql
as $$
begin
    return next is(array(select name from api.payment_method_list()), array['bank_transfer', 'cash', 'gocardless', 'manual', 'paypal', 'stripe'],
                   'the shipped methods, by name');
    perform tests.fx_as_member(tests.fx_member());
    return next throws_ok('select * from api.payment_method_list()', '42501', null, 'staff only');
end
$$;
