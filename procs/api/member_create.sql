-- Creates a member; the e-mail address is unique case-insensitively.
create or replace function api.member_create(name text, email text, kind text default 'person')
returns dues.member
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_member dues.member;
begin
    perform dues.require_argument('name', member_create.name is null);
    perform dues.require_argument('email', member_create.email is null);
    perform dues.require_argument('kind', member_create.kind is null);
    if pg_catalog.btrim(member_create.name) = '' then
        raise exception 'name must not be blank'
            using errcode = 'DU017';
    end if;
    if member_create.kind not in ('person', 'organization') then
        raise exception 'kind must be person or organization, got %', member_create.kind
            using errcode = 'DU019';
    end if;
    if pg_catalog.btrim(member_create.email) !~ '^[^@[:space:]]+@[^@[:space:]]+$' then
        raise exception 'e-mail address % is not valid', member_create.email
            using errcode = 'DU018',
                  hint = 'an address looks like name@example.org';
    end if;

    begin
        insert into dues.member as m (kind, name, email)
        values (member_create.kind, pg_catalog.btrim(member_create.name), pg_catalog.btrim(member_create.email))
        returning m.* into v_member;
    exception when unique_violation then
        raise exception 'e-mail address % is already used by another member', pg_catalog.btrim(member_create.email)
            using errcode = 'DU015';
    end;
    return v_member;
end
$$;

comment on function api.member_create(text, text, text) is
$$Registers a member: a person (kind "person", the default) or an organization (kind "organization") that subscribes to classes and pays.
name must not be blank; email must look like an e-mail address and must not be used by another member (compared case-insensitively).
Returns the new member (id, kind, name, email, created_at, created_by).
Errors: DU014 an argument is null, DU017 blank name, DU018 bad e-mail, DU019 unknown kind, DU015 e-mail already in use.$$;

grant execute on function api.member_create(text, text, text) to dues_staff;
