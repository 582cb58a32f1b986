create or replace function api.group_create(name text, key text default null, linked_members_follow boolean default false)
returns dues."group"
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_group dues."group";
begin
    perform dues.authorize_staff();
    perform dues.require_argument('name', group_create.name is null);
    perform dues.require_argument('linked_members_follow', group_create.linked_members_follow is null);
    if pg_catalog.btrim(group_create.name) = '' then
        raise exception 'name must not be blank' using errcode = 'DU017';
    end if;
    if group_create.key is not null and group_create.key !~ '^[a-z][a-z0-9_]*$' then
        raise exception 'group key % must be a lower-case identifier', group_create.key using errcode = 'DU01A';
    end if;
    if exists (select from dues."group" g where g.key = group_create.key) then
        raise exception 'group key % is already used', group_create.key using errcode = 'DU01B';
    end if;
    insert into dues."group" as g (name, key, linked_members_follow)
    values (pg_catalog.btrim(group_create.name), group_create.key, group_create.linked_members_follow)
    returning g.* into v_group;
    return v_group;
end
$$;

comment on function api.group_create(text, text, boolean) is
$$Creates a group of members (a team, a committee, a group of door users). key is an optional lower-case identifier procedures and
membership status rules can name it by; linked_members_follow: linked members join and leave it with their master.
Returns the group. Staff only. Errors: DU014 name is null, DU017 blank name, DU01A a key that is not a lower-case identifier,
DU01B a key already used.$$;

grant execute on function api.group_create(text, text, boolean) to dues_staff;
