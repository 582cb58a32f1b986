-- Tests of dues.caller_member_id.

create or replace function tests.test_caller_member_id__is_the_member_a_request_acts_as()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
begin
    perform tests.fx_as_member(v_member);
    return next is(dues.caller_member_id(), v_member, 'a member''s request acts as the member');
    perform tests.fx_as_staff();
    return next is(dues.caller_member_id(), null, 'a staff request acts as no member');
    perform tests.fx_as_anonymous();
    return next is(dues.caller_member_id(), null, 'an anonymous request acts as no member');
end
$$;
