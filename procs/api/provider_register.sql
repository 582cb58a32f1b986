-- Makes an organization a provider (that invoices classes), or the broker.
create or replace function api.provider_register(organization_id bigint, broker boolean default false)
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
            using errcode = 'DU01G';
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
$$Registers an organization (a member of kind organization) as a provider: it can then provide classes (class_set_provider) and issues
their invoices, numbered per provider and year. broker => true makes it the broker, the site's owner, which provides every class that
names no provider; there is one broker. Registering again is harmless (and can make an existing provider the broker). Staff only.
Returns the provider (member_id, broker, created_at, created_by).
Errors: DU014 an argument is null, DU001 unknown member, DU01G the member is not an organization, DUB17 another member is the broker,
42501 not staff.$$;

grant execute on function api.provider_register(bigint, boolean) to dues_staff;
