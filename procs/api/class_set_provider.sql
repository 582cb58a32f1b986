-- Chooses the provider that invoices a class (null: the broker).
create or replace function api.class_set_provider(class_id bigint, provider_id bigint)
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
    -- back to the broker only when there is one
    perform dues.class_provider(v_class.id);
    return v_class;
end
$$;

comment on function api.class_set_provider(bigint, bigint) is
$$Sets the provider (see provider_register) that invoices a class from now on; provider_id null: the broker. Invoices already issued keep
theirs. Staff only. Returns the class.
Errors: DU014 class_id is null, DU002 unknown class, DUB05 the member is not a provider, DUB14 null while no broker is
registered, 42501 not staff.$$;

grant execute on function api.class_set_provider(bigint, bigint) to dues_staff;
