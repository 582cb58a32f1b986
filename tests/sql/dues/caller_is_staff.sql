-- Tests of dues.caller_is_staff.

create or replace function tests.test_caller_is_staff__is_true_for_staff_and_outside_a_request()
returns setof text
language plpgsql
as $$
begin
    perform tests.fx_as_staff();
    return next ok(dues.caller_is_staff(), 'a staff request is staff''s');
    perform tests.fx_as_member(tests.fx_member());
    return next ok(not dues.caller_is_staff(), 'a member''s request is not staff''s');
    perform tests.fx_as_anonymous();
    return next ok(not dues.caller_is_staff(), 'an anonymous request is not staff''s');
    perform set_config('dues.staff', '', true);
    return next ok(dues.caller_is_staff(), 'outside a request the database user operates dues as staff');
end
$$;
