-- The provider that invoices a class: its own, else the broker; DUB14 when neither exists.
create or replace function dues.class_provider(p_class_id bigint)
returns bigint
language plpgsql
stable
set search_path = ''
as $$
declare
    v_provider bigint;
begin
    select coalesce(c.provider_id, (select p.member_id from dues.provider p where p.broker)) into v_provider
      from dues.class c
     where c.id = p_class_id;
    if v_provider is null then
        raise exception 'class % names no provider and no broker is registered', p_class_id
            using errcode = 'DUB14',
                  hint = 'register the site''s organization with provider_register(organization_id => …, broker => true)';
    end if;
    return v_provider;
end
$$;
