-- Who is calling: the role and identity of a request, and the one rule that
-- decides whether the caller may act for a member.

-- Chooses the request's role from a token's hash (null: anonymous) and keeps
-- the caller's identity in transaction-local settings. Refuses unknown,
-- expired and revoked tokens.
create function dues.authenticate(p_token_hash text)
returns void
language plpgsql
set search_path = ''
as $$
declare
    v_token dues.api_token;
begin
    if p_token_hash is null then
        perform dues.caller_set('dues_anonymous', null, 'anonymous');
        return;
    end if;
    select * into v_token from dues.api_token t where t.token_hash = p_token_hash;
    if not found or v_token.revoked_at is not null or v_token.expires_at <= pg_catalog.now() then
        raise exception 'invalid, expired or revoked token'
            using errcode = '28000',
                  hint = 'ask for a new token (dues token create)';
    end if;
    if v_token.staff then
        perform dues.caller_set('dues_staff', null, 'staff token ' || v_token.id);
    else
        perform dues.caller_set('dues_member', v_token.member_id, 'member ' || v_token.member_id);
    end if;
end
$$;

-- Acts as staff (null) or as a member, for `dues call`: whoever reaches the database operates it.
create function dues.impersonate(p_member_id bigint)
returns void
language plpgsql
set search_path = ''
as $$
begin
    if p_member_id is null then
        perform dues.caller_set('dues_staff', null, 'cli ' || session_user);
        return;
    end if;
    if not exists (select from dues.member m where m.id = p_member_id) then
        raise exception 'member % not found', p_member_id using errcode = 'DU001';
    end if;
    perform dues.caller_set('dues_member', p_member_id, 'cli ' || session_user || ' as member ' || p_member_id);
end
$$;

-- Sets the role and the caller settings for the rest of the transaction.
create function dues.caller_set(p_role text, p_member_id bigint, p_actor text)
returns void
language plpgsql
set search_path = ''
as $$
begin
    perform pg_catalog.set_config('dues.member_id', coalesce(p_member_id::text, ''), true);
    perform pg_catalog.set_config('dues.staff', (p_role = 'dues_staff')::text, true);
    perform pg_catalog.set_config('dues.actor', p_actor, true);
    perform pg_catalog.set_config('role', p_role, true);
end
$$;

-- The member a request acts as, or null (staff, anonymous, or no request at all).
create function dues.caller_member_id()
returns bigint
language sql
stable
set search_path = ''
as $$
    select nullif(pg_catalog.current_setting('dues.member_id', true), '')::bigint
$$;

-- Whether the request is staff's. Outside a request (psql, migrations, jobs)
-- the database user operates dues and counts as staff.
create function dues.caller_is_staff()
returns boolean
language sql
stable
set search_path = ''
as $$
    select case
        when coalesce(pg_catalog.current_setting('dues.staff', true), '') = '' then true
        else pg_catalog.current_setting('dues.staff', true)::boolean
    end
$$;

-- Refuses unless the caller is staff, is the member, or holds a role on the
-- member (an organisation): any role to use, manager to pay or administer.
-- The refusal is the same whether or not the member exists.
create function dues.authorize_member(p_member_id bigint, p_action text default 'use')
returns void
language plpgsql
stable
set search_path = ''
as $$
declare
    v_caller bigint := dues.caller_member_id();
begin
    perform dues.require_argument('member_id', p_member_id is null);
    if dues.caller_is_staff() then
        return;
    end if;
    if v_caller is not null and (
        v_caller = p_member_id
        or exists (
            select from dues.organization_role r
             where r.member_id = v_caller
               and r.organization_id = p_member_id
               and r.revoked_at is null
               and (r.role = 'manager' or p_action = 'use')
        )
    ) then
        return;
    end if;
    raise exception 'not allowed to act for member %', p_member_id
        using errcode = '42501',
              detail = 'this needs the right to ' || p_action || ' for the member';
end
$$;

-- Refuses unless the caller may act (dues.authorize_member) for the member
-- of the order; the refusal is the same whether or not the order exists.
create function dues.authorize_order(p_order_id bigint, p_action text default 'use')
returns void
language plpgsql
stable
set search_path = ''
as $$
declare
    v_member_id bigint;
begin
    if dues.caller_is_staff() then
        return;
    end if;
    select o.member_id into v_member_id from dues.subscription_order o where o.id = p_order_id;
    if v_member_id is null or dues.caller_member_id() is distinct from v_member_id and not exists (
        select from dues.organization_role r
         where r.member_id = dues.caller_member_id()
           and r.organization_id = v_member_id
           and r.revoked_at is null
           and (r.role = 'manager' or p_action = 'use')
    ) then
        raise exception 'not allowed to act on order %', p_order_id
            using errcode = '42501',
                  detail = 'this needs the right to ' || p_action || ' for the order''s member';
    end if;
end
$$;

-- An organisation role is held on a member of kind organization, by a person.
create function dues.organization_role_check()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
    if not exists (select from dues.member m where m.id = new.organization_id and m.kind = 'organization') then
        raise exception 'member % is not an organization: roles are held on organizations', new.organization_id
            using errcode = 'DU013';
    end if;
    return new;
end
$$;

create trigger organization_role_check
    before insert or update of organization_id on dues.organization_role
    for each row execute function dues.organization_role_check();

-- Refuses unless the caller is staff.
create function dues.authorize_staff()
returns void
language plpgsql
stable
set search_path = ''
as $$
begin
    if not dues.caller_is_staff() then
        raise exception 'only staff may do this' using errcode = '42501';
    end if;
end
$$;
