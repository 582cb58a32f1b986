-- Refuses (DU309) to make a member a person or an organization against what it is to others: a person holding roles on
-- organizations or service orders stays a person; an organization that is a provider, or on which persons hold roles,
-- stays an organization.
create or replace function dues.member_kind_check(p_member_id bigint, p_kind text)
returns void
language plpgsql
stable
set search_path = ''
as $$
begin
    if p_kind = 'organization'
       and (exists (select from dues.organization_role r where r.member_id = p_member_id and r.revoked_at is null)
            or exists (select from dues.service_order_role r where r.member_id = p_member_id and r.revoked_at is null)) then
        raise exception 'member % holds roles: a person with roles cannot become an organization', p_member_id
            using errcode = 'DU309',
                  hint = 'revoke its roles first (role_revoke)';
    end if;
    if p_kind = 'person' and exists (select from dues.provider p where p.member_id = p_member_id) then
        raise exception 'member % is a provider: a provider is an organization', p_member_id
            using errcode = 'DU309';
    end if;
    if p_kind = 'person'
       and exists (select from dues.organization_role r where r.organization_id = p_member_id and r.revoked_at is null) then
        raise exception 'persons hold roles on member %: it stays an organization', p_member_id
            using errcode = 'DU309',
                  hint = 'revoke their roles first (role_revoke)';
    end if;
end
$$;
