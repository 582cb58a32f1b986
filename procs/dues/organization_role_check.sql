-- An organization role is held on a member of kind organization, by a person.
create or replace function dues.organization_role_check()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
    if not exists (select from dues.member m where m.id = new.organization_id and m.kind = 'organization') then
        raise exception 'member % is not an organization: roles are held on organizations', new.organization_id
            using errcode = 'DU01G';
    end if;
    return new;
end
$$;

create or replace trigger organization_role_check
    before insert or update of organization_id on dues.organization_role
    for each row execute function dues.organization_role_check();
