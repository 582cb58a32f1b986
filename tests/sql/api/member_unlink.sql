-- Tests of api.member_unlink.

create or replace function tests.test_member_unlink__leaves_the_followed_groups()
returns setof text
language plpgsql
as $$
declare
    v_master bigint := tests.fx_member('Master');
    v_linked bigint := tests.fx_member('Linked');
    v_link   dues.member_link;
begin
    perform api.group_add(v_master, tests.fx_group_id('members'), null, tests.fx_today() - 30);
    perform api.member_link(v_linked, v_master);
    v_link := api.member_unlink(v_linked, 'moved out');
    return next isnt(v_link.unlinked_at, null, 'the link has ended');
    return next ok(not tests.fx_in_group(v_linked, 'members', tests.fx_today() + 1), 'the member left members with it');
    return next ok(tests.fx_in_group(v_master, 'members', tests.fx_today() + 1), 'its master did not');
    return next is(dues.member_master(v_linked), null, 'it has no master now');
    return next is((select count(*) from dues.member_link where member_id = v_linked), 1::bigint, 'the link is kept as history');
    perform api.group_add(v_master, tests.fx_group_id('pending_payments'));
    return next ok(not tests.fx_in_group(v_linked, 'pending_payments'), 'it no longer follows its former master');
end
$$;
