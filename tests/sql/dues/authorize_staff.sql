-- Tests of dues.authorize_staff.

create or replace function tests.test_authorize_staff__lets_only_staff_through()
returns setof text
language plpgsql
as $$
begin
    perform tests.fx_as_staff();
    return next lives_ok('select dues.authorize_staff()', 'staff passes');
    perform tests.fx_as_member(tests.fx_member());
    return next throws_ok('select dues.authorize_staff()', '42501', 'only staff may do this', 'a member is refused');
    perform tests.fx_as_anonymous();
    return next throws_ok('select dues.authorize_staff()', '42501', null, 'anonymous is refused');
end
$$;
