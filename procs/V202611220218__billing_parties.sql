-- The api of who takes part in billing: providers and the broker, a class's provider, members' contacts, service orders,
-- and the roles users hold on organisations and service orders.

-- api.provider_register ---------------------------------------------------------------------------------------------

-- Makes an organisation a provider (that invoices classes), or the broker.
create function api.provider_register(organization_id bigint, broker boolean default false)
returns dues.provider
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_member   dues.member;
    v_provider dues.provider;
    v_broker   bigint;
begin
    perform dues.authorize_staff();
    v_member := dues.member_get(provider_register.organization_id);
    perform dues.require_argument('broker', provider_register.broker is null);
    if v_member.kind <> 'organization' then
        raise exception 'member % is a %, only an organization can be a provider', v_member.id, v_member.kind
            using errcode = 'DU013';
    end if;
    -- one registration of the broker at a time
    perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('dues.provider broker', 0));
    select p.member_id into v_broker from dues.provider p where p.broker;
    if provider_register.broker and v_broker is distinct from v_member.id and v_broker is not null then
        raise exception 'member % is already the broker', v_broker
            using errcode = 'DUB17';
    end if;
    insert into dues.provider as p (member_id, broker)
    values (v_member.id, provider_register.broker)
    on conflict (member_id) do update set broker = p.broker or excluded.broker
    returning p.* into v_provider;
    return v_provider;
end
$$;

comment on function api.provider_register(bigint, boolean) is
$$Registers an organisation (a member of kind organization) as a provider: it can then provide classes (class_set_provider) and issues
their invoices, numbered per provider and year. broker => true makes it the broker, the site's owner, which provides every class that
names no provider; there is one broker. Registering again is harmless (and can make an existing provider the broker). Staff only.
Returns the provider (member_id, broker, created_at, created_by).
Errors: DU014 an argument is null, DU001 unknown member, DU013 the member is not an organization, DUB17 another member is the broker,
42501 not staff.$$;

-- api.class_set_provider --------------------------------------------------------------------------------------------

-- Chooses the provider that invoices a class (null: the broker).
create function api.class_set_provider(class_id bigint, provider_id bigint)
returns dues.class
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_class dues.class;
begin
    perform dues.authorize_staff();
    v_class := dues.class_get(class_set_provider.class_id);
    if class_set_provider.provider_id is not null
       and not exists (select from dues.provider p where p.member_id = class_set_provider.provider_id) then
        raise exception 'member % is not a provider', class_set_provider.provider_id
            using errcode = 'DUB05',
                  hint = 'register it with provider_register';
    end if;
    update dues.class c set provider_id = class_set_provider.provider_id where c.id = v_class.id
    returning c.* into v_class;
    return v_class;
end
$$;

comment on function api.class_set_provider(bigint, bigint) is
$$Sets the provider (see provider_register) that invoices a class from now on; provider_id null: the broker. Invoices already issued keep
theirs. Staff only. Returns the class.
Errors: DU014 class_id is null, DU002 unknown class, DUB05 the member is not a provider, 42501 not staff.$$;

-- api.contact_add ---------------------------------------------------------------------------------------------------

-- Adds a contact to a member; a new billing contact replaces the previous one.
create function api.contact_add(member_id bigint, role text, name text, email text default null, phone text default null,
                                postal_address text default null)
returns dues.member_contact
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_contact dues.member_contact;
begin
    perform dues.authorize_member(contact_add.member_id, 'pay');
    perform dues.member_lock(contact_add.member_id);
    perform dues.require_argument('role', contact_add.role is null);
    perform dues.require_argument('name', contact_add.name is null);
    if contact_add.role not in ('billing', 'technical', 'administrative', 'other') then
        raise exception 'role must be billing, technical, administrative or other, got %', contact_add.role
            using errcode = 'DU013';
    end if;
    if pg_catalog.btrim(contact_add.name) = '' then
        raise exception 'name must not be blank'
            using errcode = 'DU013';
    end if;
    if pg_catalog.btrim(contact_add.email) !~ '^[^@[:space:]]+@[^@[:space:]]+$' then
        raise exception 'e-mail address % is not valid', contact_add.email
            using errcode = 'DU013',
                  hint = 'an address looks like name@example.org';
    end if;
    if contact_add.role = 'billing' and contact_add.email is null then
        raise exception 'a billing contact needs an e-mail address: invoices and reminders are sent to it'
            using errcode = 'DU014';
    end if;
    if pg_catalog.btrim(contact_add.phone) = '' or pg_catalog.btrim(contact_add.postal_address) = '' then
        raise exception 'phone and postal_address must not be blank (leave them out instead)'
            using errcode = 'DU013';
    end if;
    if contact_add.role = 'billing' then
        update dues.member_contact c
           set removed_at = pg_catalog.now(), removed_by = dues.actor()
         where c.member_id = contact_add.member_id and c.role = 'billing' and c.removed_at is null;
    end if;
    insert into dues.member_contact as c (member_id, role, name, email, phone, postal_address)
    values (contact_add.member_id, contact_add.role, pg_catalog.btrim(contact_add.name), pg_catalog.btrim(contact_add.email),
            pg_catalog.btrim(contact_add.phone), pg_catalog.btrim(contact_add.postal_address))
    returning c.* into v_contact;
    return v_contact;
end
$$;

comment on function api.contact_add(bigint, text, text, text, text, text) is
$$Adds a contact to a member: role (billing, technical, administrative or other), name, and optionally email, phone and postal_address.
The billing contact receives the member's invoices and reminders (without one they go to the member's own e-mail); it needs an e-mail
address, and a new billing contact replaces the previous one (which is kept as removed). Returns the contact.
Errors: DU014 member_id, role or name is null, or a billing contact without e-mail, DU001 unknown member, DU013 unknown role, blank name,
phone or address, bad e-mail, 42501 not allowed (it needs the right to pay for the member: the member itself, a manager, staff).$$;

-- api.contact_remove ------------------------------------------------------------------------------------------------

-- Removes a member's contact (kept as history).
create function api.contact_remove(contact_id bigint)
returns dues.member_contact
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_contact dues.member_contact;
begin
    perform dues.require_argument('contact_id', contact_remove.contact_id is null);
    select c.* into v_contact from dues.member_contact c where c.id = contact_remove.contact_id;
    if not found then
        if not dues.caller_is_staff() then
            raise exception 'not allowed to act on contact %', contact_remove.contact_id
                using errcode = '42501';
        end if;
        raise exception 'contact % not found', contact_remove.contact_id
            using errcode = 'DUB04';
    end if;
    perform dues.authorize_member(v_contact.member_id, 'pay');
    update dues.member_contact c
       set removed_at = pg_catalog.now(), removed_by = dues.actor()
     where c.id = v_contact.id and c.removed_at is null
    returning c.* into v_contact;
    if not found then
        select c.* into strict v_contact from dues.member_contact c where c.id = contact_remove.contact_id;
    end if;
    return v_contact;
end
$$;

comment on function api.contact_remove(bigint) is
$$Removes a contact of a member: it stays in the database with removed_at and removed_by, and no longer receives anything. Removing it
twice is harmless. Returns the contact.
Errors: DU014 contact_id is null, DUB04 unknown contact, 42501 not allowed (it needs the right to pay for the member).$$;

-- api.contact_list --------------------------------------------------------------------------------------------------

-- A member's current contacts, and where its invoices go.
create function api.contact_list(member_id bigint)
returns table (contact_id bigint, role text, name text, email text, phone text, postal_address text, receives_invoices boolean)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_member(contact_list.member_id, 'use');
    perform dues.member_get(contact_list.member_id);
    return query
        select c.id, c.role, c.name, c.email, c.phone, c.postal_address, c.role = 'billing'
          from dues.member_contact c
         where c.member_id = contact_list.member_id and c.removed_at is null
         order by c.role, c.id;
end
$$;

comment on function api.contact_list(bigint) is
$$Lists the current contacts of a member by role: contact_id, role, name, email, phone, postal_address, and receives_invoices (true for
the billing contact, which receives invoices and reminders).
Errors: DU014 member_id is null, DU001 unknown member, 42501 not allowed.$$;

-- api.service_order_create ------------------------------------------------------------------------------------------

-- Opens a named service order for a member.
create function api.service_order_create(member_id bigint, name text)
returns dues.service_order
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_order dues.service_order;
begin
    perform dues.authorize_member(service_order_create.member_id, 'pay');
    perform dues.member_lock(service_order_create.member_id);
    perform dues.require_argument('name', service_order_create.name is null);
    if pg_catalog.btrim(service_order_create.name) = '' then
        raise exception 'name must not be blank'
            using errcode = 'DU013';
    end if;
    if exists (select from dues.service_order so
                where so.member_id = service_order_create.member_id and so.closed_at is null
                  and pg_catalog.lower(so.name) = pg_catalog.lower(pg_catalog.btrim(service_order_create.name))) then
        raise exception 'member % already has an open service order named %', service_order_create.member_id,
                        pg_catalog.btrim(service_order_create.name)
            using errcode = 'DU013';
    end if;
    insert into dues.service_order as so (member_id, name)
    values (service_order_create.member_id, pg_catalog.btrim(service_order_create.name))
    returning so.* into v_order;
    return v_order;
end
$$;

comment on function api.service_order_create(bigint, text) is
$$Opens a service order for a member: a named set of its subscriptions (a hosting order for the main site, another for a campaign), with
its own users and roles (role_grant). Subscriptions join it with the recurring rule's service_order_id parameter. The name is unique among
the member's open orders (case-insensitively). Returns the service order.
Errors: DU014 member_id or name is null, DU001 unknown member, DU013 blank or duplicate name, 42501 not allowed.$$;

-- api.service_order_close -------------------------------------------------------------------------------------------

-- Closes a service order that holds no running subscription.
create function api.service_order_close(service_order_id bigint)
returns dues.service_order
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_order dues.service_order;
begin
    perform dues.require_argument('service_order_id', service_order_close.service_order_id is null);
    perform dues.authorize_service_order(service_order_close.service_order_id, 'pay');
    select so.* into v_order from dues.service_order so where so.id = service_order_close.service_order_id;
    if not found then
        raise exception 'service order % not found', service_order_close.service_order_id
            using errcode = 'DUB03';
    end if;
    perform dues.member_lock(v_order.member_id);
    if v_order.closed_at is not null then
        return v_order;
    end if;
    if exists (select from dues.recurring_subscription r
                where r.service_order_id = v_order.id and (r.end_date is null or r.end_date >= current_date)) then
        raise exception 'service order % still holds running subscriptions', v_order.id
            using errcode = 'DUB15',
                  hint = 'cancel them first (subscription_cancel)';
    end if;
    update dues.service_order so set closed_at = pg_catalog.now(), closed_by = dues.actor() where so.id = v_order.id
    returning so.* into v_order;
    update dues.service_order_role r set revoked_at = pg_catalog.now(), revoked_by = dues.actor()
     where r.service_order_id = v_order.id and r.revoked_at is null;
    return v_order;
end
$$;

comment on function api.service_order_close(bigint) is
$$Closes a service order whose subscriptions have all ended: its roles are revoked, and it is kept as history. Closing it twice is
harmless. Returns the service order.
Errors: DU014 service_order_id is null, DUB03 unknown service order, DUB15 a subscription in it still runs, 42501 not allowed (the member,
its managers, staff, or a manager of the service order).$$;

-- api.service_order_list --------------------------------------------------------------------------------------------

-- A member's service orders with their subscriptions and users.
create function api.service_order_list(member_id bigint)
returns table (service_order_id bigint, name text, closed_at timestamptz, subscriptions jsonb, roles jsonb)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_member(service_order_list.member_id, 'use');
    perform dues.member_get(service_order_list.member_id);
    return query
        select so.id, so.name, so.closed_at,
               coalesce((select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                                    'subscription_id', r.class_subscription_id, 'class_id', r.class_id,
                                    'start_date', r.start_date, 'end_date', r.end_date) order by r.start_date, r.class_subscription_id)
                           from dues.recurring_subscription r where r.service_order_id = so.id), '[]'),
               coalesce((select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                                    'member_id', ro.member_id, 'role', ro.role, 'granted_at', ro.granted_at) order by ro.member_id)
                           from dues.service_order_role ro where ro.service_order_id = so.id and ro.revoked_at is null), '[]')
          from dues.service_order so
         where so.member_id = service_order_list.member_id
         order by so.id;
end
$$;

comment on function api.service_order_list(bigint) is
$$Lists a member's service orders: id, name, closed_at (null while open), its subscriptions (subscription_id, class_id, start_date,
end_date) and the users holding a role on it now (member_id, role, granted_at).
Errors: DU014 member_id is null, DU001 unknown member, 42501 not allowed.$$;

-- api.role_grant ----------------------------------------------------------------------------------------------------

-- Gives a user a role on an organisation or on a service order (replacing the role it held there).
create function api.role_grant(member_id bigint, role text, organization_id bigint default null,
                               service_order_id bigint default null)
returns table (role_id bigint, on_organization_id bigint, on_service_order_id bigint, granted_role text,
               granted_at timestamptz, granted_by text)
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_user dues.member;
begin
    perform dues.require_argument('role', role_grant.role is null);
    if num_nonnulls(role_grant.organization_id, role_grant.service_order_id) <> 1 then
        raise exception 'a role is granted on an organization_id or on a service_order_id, exactly one of them'
            using errcode = 'DU013';
    end if;
    if role_grant.organization_id is not null then
        perform dues.authorize_member(role_grant.organization_id, 'pay');
        perform dues.member_lock(role_grant.organization_id);
    else
        perform dues.authorize_service_order(role_grant.service_order_id, 'pay');
        if not exists (select from dues.service_order so where so.id = role_grant.service_order_id) then
            raise exception 'service order % not found', role_grant.service_order_id
                using errcode = 'DUB03';
        end if;
        perform dues.member_lock((select so.member_id from dues.service_order so where so.id = role_grant.service_order_id));
        if exists (select from dues.service_order so where so.id = role_grant.service_order_id and so.closed_at is not null) then
            raise exception 'service order % is closed', role_grant.service_order_id
                using errcode = 'DUB18';
        end if;
    end if;
    v_user := dues.member_get(role_grant.member_id);
    if role_grant.role not in ('manager', 'contributor') then
        raise exception 'role must be manager or contributor, got %', role_grant.role
            using errcode = 'DU013';
    end if;
    if v_user.kind <> 'person' then
        raise exception 'member % is an organization: roles are held by users (members of kind person)', v_user.id
            using errcode = 'DU013';
    end if;

    if role_grant.organization_id is not null then
        if v_user.id = role_grant.organization_id then
            raise exception 'member % cannot hold a role on itself', v_user.id
                using errcode = 'DU013';
        end if;
        if not exists (select from dues.organization_role r
                        where r.member_id = v_user.id and r.organization_id = role_grant.organization_id
                          and r.revoked_at is null and r.role = role_grant.role) then
            update dues.organization_role r set revoked_at = pg_catalog.now(), revoked_by = dues.actor()
             where r.member_id = v_user.id and r.organization_id = role_grant.organization_id and r.revoked_at is null;
            insert into dues.organization_role (member_id, organization_id, role)
            values (v_user.id, role_grant.organization_id, role_grant.role);
        end if;
        return query
            select r.id, r.organization_id, null::bigint, r.role, r.granted_at, r.granted_by
              from dues.organization_role r
             where r.member_id = v_user.id and r.organization_id = role_grant.organization_id and r.revoked_at is null;
    else
        if not exists (select from dues.service_order_role r
                        where r.member_id = v_user.id and r.service_order_id = role_grant.service_order_id
                          and r.revoked_at is null and r.role = role_grant.role) then
            update dues.service_order_role r set revoked_at = pg_catalog.now(), revoked_by = dues.actor()
             where r.member_id = v_user.id and r.service_order_id = role_grant.service_order_id and r.revoked_at is null;
            insert into dues.service_order_role (member_id, service_order_id, role)
            values (v_user.id, role_grant.service_order_id, role_grant.role);
        end if;
        return query
            select r.id, null::bigint, r.service_order_id, r.role, r.granted_at, r.granted_by
              from dues.service_order_role r
             where r.member_id = v_user.id and r.service_order_id = role_grant.service_order_id and r.revoked_at is null;
    end if;
end
$$;

comment on function api.role_grant(bigint, text, bigint, bigint) is
$$Gives a user (member_id, a member of kind person) a role, manager or contributor, on an organisation (organization_id) or on one
service order (service_order_id), exactly one of the two. Managers may pay and administer (billing, contacts, roles, cancelling
subscriptions); contributors may use (see the data) but not pay or administer. A user holds one role per organisation or service order:
granting another revokes the previous one; granting the same again changes nothing. Every grant and revocation is kept (who, when).
Returns the role now held (one row).
Errors: DU014 member_id or role is null, DU001 unknown member or organisation, DUB03 unknown service order, DUB18 closed service order,
DU013 unknown role, neither or both targets, a user that is an organization, a role on itself or on a member that is not an organization,
42501 not allowed (it needs the right to pay for the organisation or the service order: staff, its managers, the member itself).$$;

-- api.role_revoke ---------------------------------------------------------------------------------------------------

-- Takes a user's role on an organisation or on a service order away.
create function api.role_revoke(member_id bigint, organization_id bigint default null, service_order_id bigint default null)
returns void
language plpgsql
security definer
set search_path = ''
as $$
begin
    perform dues.require_argument('member_id', role_revoke.member_id is null);
    if num_nonnulls(role_revoke.organization_id, role_revoke.service_order_id) <> 1 then
        raise exception 'a role is revoked on an organization_id or on a service_order_id, exactly one of them'
            using errcode = 'DU013';
    end if;
    if role_revoke.organization_id is not null then
        perform dues.authorize_member(role_revoke.organization_id, 'pay');
        update dues.organization_role r set revoked_at = pg_catalog.now(), revoked_by = dues.actor()
         where r.member_id = role_revoke.member_id and r.organization_id = role_revoke.organization_id and r.revoked_at is null;
    else
        perform dues.authorize_service_order(role_revoke.service_order_id, 'pay');
        update dues.service_order_role r set revoked_at = pg_catalog.now(), revoked_by = dues.actor()
         where r.member_id = role_revoke.member_id and r.service_order_id = role_revoke.service_order_id and r.revoked_at is null;
    end if;
    if not found then
        raise exception 'member % holds no role on %', role_revoke.member_id,
                        coalesce('organization ' || role_revoke.organization_id, 'service order ' || role_revoke.service_order_id)
            using errcode = 'DUB07';
    end if;
end
$$;

comment on function api.role_revoke(bigint, bigint, bigint) is
$$Revokes the role a user (member_id) holds on an organisation (organization_id) or a service order (service_order_id), exactly one of
the two. The role is kept as history with revoked_at and revoked_by.
Errors: DU014 member_id is null, DU013 neither or both targets, DUB07 the user holds no role there, 42501 not allowed (it needs the right
to pay for the organisation or the service order).$$;

-- api.role_list -----------------------------------------------------------------------------------------------------

-- Every role ever held on an organisation or a service order, with who granted and revoked it.
create function api.role_list(organization_id bigint default null, service_order_id bigint default null)
returns table (role_id bigint, member_id bigint, member_name text, role text, granted_at timestamptz, granted_by text,
               revoked_at timestamptz, revoked_by text)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
    if num_nonnulls(role_list.organization_id, role_list.service_order_id) <> 1 then
        raise exception 'roles are listed for an organization_id or for a service_order_id, exactly one of them'
            using errcode = 'DU013';
    end if;
    if role_list.organization_id is not null then
        perform dues.authorize_member(role_list.organization_id, 'use');
        perform dues.member_get(role_list.organization_id);
        return query
            select r.id, r.member_id, m.name, r.role, r.granted_at, r.granted_by, r.revoked_at, r.revoked_by
              from dues.organization_role r
              join dues.member m on m.id = r.member_id
             where r.organization_id = role_list.organization_id
             order by r.granted_at, r.id;
    else
        perform dues.authorize_service_order(role_list.service_order_id, 'use');
        if not exists (select from dues.service_order so where so.id = role_list.service_order_id) then
            raise exception 'service order % not found', role_list.service_order_id
                using errcode = 'DUB03';
        end if;
        return query
            select r.id, r.member_id, m.name, r.role, r.granted_at, r.granted_by, r.revoked_at, r.revoked_by
              from dues.service_order_role r
              join dues.member m on m.id = r.member_id
             where r.service_order_id = role_list.service_order_id
             order by r.granted_at, r.id;
    end if;
end
$$;

comment on function api.role_list(bigint, bigint) is
$$The history of the roles on an organisation (organization_id) or a service order (service_order_id), exactly one of the two: every
grant, oldest first, with the user (member_id, member_name), role, who granted it and when, and who revoked it and when (null while held).
Errors: DU013 neither or both targets, DU001 unknown organisation, DUB03 unknown service order, 42501 not allowed.$$;
