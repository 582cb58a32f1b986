-- Tests of api.ipn_list, api.ipn_get and api.ipn_reprocess: what admins see of payment notifications.

create or replace function tests.test_ipn_admin__is_for_staff_only()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_id     bigint := tests.fx_ipn(tests.fx_ipn_body('subscr_signup', 'nobody@example.org'));
begin
    perform tests.fx_as_member(v_member);
    return next throws_ok('select * from api.ipn_list()', '42501', null, 'a member cannot list notifications');
    return next throws_ok(format('select api.ipn_get(%s)', v_id), '42501', null, 'nor read one');
    return next throws_ok(format('select api.ipn_reprocess(%s)', v_id), '42501', null, 'nor re-process one');
    return next is(tests.fx_ipn_state(v_id), 'unmatched', 'which is left as it was');
end
$$;
