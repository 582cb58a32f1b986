-- Adds a way money reaches dues (a bank, a card processor), with its processor accounts.
create or replace function api.payment_method_create(name text, title text, why text default null)
returns dues.payment_method
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_method dues.payment_method;
begin
    perform dues.authorize_staff();
    perform dues.require_argument('name', payment_method_create.name is null);
    perform dues.require_argument('title', payment_method_create.title is null);
    if payment_method_create.name !~ '^[a-z][a-z0-9_]*$' then
        raise exception 'payment method name % must be a lower-case identifier', payment_method_create.name
            using errcode = 'DU01A';
    end if;
    if pg_catalog.btrim(payment_method_create.title) = '' then
        raise exception 'title must not be blank'
            using errcode = 'DU017';
    end if;
    perform dues.audit_why(payment_method_create.why);
    insert into dues.payment_method as pm (name, title)
    values (payment_method_create.name, pg_catalog.btrim(payment_method_create.title))
    on conflict do nothing
    returning pm.* into v_method;
    if v_method.name is null then
        raise exception 'payment method % exists already', payment_method_create.name
            using errcode = 'DU01B';
    end if;
    -- its processor account in every currency, made up front as the first methods' were
    insert into dues.ledger_account (name, currency, allow_negative, payment_method)
    select pg_catalog.format('processor %s %s', v_method.name, c.code), c.code, true, v_method.name
      from dues.currency c
     order by c.code
    on conflict do nothing;
    perform dues.audit_why(null);
    return v_method;
end
$$;

comment on function api.payment_method_create(text, text, text) is
$$Adds a payment method (a bank, a card processor, a payment app): name (a lower-case identifier, what register_payment's method
names) and title (what people read). It gets its processor account in every currency. Recorded in the audit log with why. Returns
the method. Staff only.
Errors: DU014 name or title is null, DU01A a name that is not a lower-case identifier, DU017 a blank title, DU01B a name in use,
DU016 a title too long, 42501 not staff.$$;

grant execute on function api.payment_method_create(text, text, text) to dues_staff;
