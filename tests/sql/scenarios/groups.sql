-- Tests of groups: api.group_create, group_list, group_members, member_groups, group_add, group_remove.

create or replace function tests.test_groups__the_named_groups_exist()
returns setof text
language plpgsql
as $$
begin
    return next results_eq(
        $q$select key, linked_members_follow from dues."group" where key in ('members', 'pending_payments', 'board') order by key$q$,
        $q$values ('board'::text, false), ('members', true), ('pending_payments', true)$q$,
        'members, pending_payments and board exist; linked members follow members and pending_payments only');
end
$$;
