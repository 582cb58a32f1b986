-- Gives a member a payment provider's id for it, so that webhook events naming that id are the member's.
create or replace function api.member_provider_ref_add(member_id bigint, provider text, ref text)
returns dues.member_provider_ref_view
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_ref   text := pg_catalog.btrim(member_provider_ref_add.ref);
    v_found dues.member_provider_ref;
begin
    perform dues.authorize_staff();
    perform dues.require_argument('provider', member_provider_ref_add.provider is null);
    perform dues.require_argument('ref', member_provider_ref_add.ref is null);
    perform dues.member_get(member_provider_ref_add.member_id);
    if member_provider_ref_add.provider not in ('stripe', 'gocardless', 'paypal') then
        raise exception 'provider % is unknown', member_provider_ref_add.provider
            using errcode = 'DU019',
                  hint = 'providers: stripe, gocardless, paypal';
    end if;
    if v_ref = '' then
        raise exception 'ref must not be blank' using errcode = 'DU017';
    end if;
    if pg_catalog.length(v_ref) > 255 or v_ref !~ '^[A-Za-z0-9_-]+$' then
        raise exception 'ref % is not a provider id (letters, digits, _ and -, at most 255)', pg_catalog.left(v_ref, 300)
            using errcode = 'DU01A';
    end if;
    -- one member per id at a time; two staff giving it at once take turns here
    perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtextextended('dues.member_provider_ref ' || member_provider_ref_add.provider
                                                                         || ' ' || v_ref, 0));
    select r.* into v_found from dues.member_provider_ref r
     where r.provider = member_provider_ref_add.provider and r.ref = v_ref and r.ended_at is null;
    if found then
        if v_found.member_id = member_provider_ref_add.member_id then
            return dues.member_provider_ref_view(v_found);
        end if;
        raise exception '% id % is member %''s', member_provider_ref_add.provider, v_ref, v_found.member_id
            using errcode = 'DU606',
                  hint = 'remove it from that member first (member_provider_ref_remove)';
    end if;
    insert into dues.member_provider_ref as r (member_id, provider, ref, source)
    values (member_provider_ref_add.member_id, member_provider_ref_add.provider, v_ref, 'staff')
    returning r.* into v_found;
    return dues.member_provider_ref_view(v_found);
end
$$;

comment on function api.member_provider_ref_add(bigint, text, text) is
$$Gives a member an id a payment provider uses for it: a Stripe customer (cus_…) or subscription (sub_…), a GoCardless
customer (CU…), mandate (MD…) or subscription (SB…), a PayPal subscription (I-…). Webhook events naming it are the member's,
before any e-mail is looked at; events left unmatched or ambiguous that name it are processed again at once. Giving a member
an id it has already changes nothing. provider is stripe, gocardless or paypal. Returns the id as member_provider_ref_list
shows it. Staff only.
Errors: DU014 provider or ref is null, DU001 unknown member, DU019 unknown provider, DU017 blank ref, DU01A not a provider
id, DU606 another member has it, 42501 not staff.$$;

grant execute on function api.member_provider_ref_add(bigint, text, text) to dues_staff;
