-- Whether decoded form fields name our receiver (receiver_email, else business:
-- the setting paypal_receiver_email, case-insensitive).
create or replace function dues.ipn_for_us(p_fields jsonb)
returns boolean
language sql
stable
set search_path = ''
as $$
    select coalesce(pg_catalog.lower(pg_catalog.btrim(coalesce(nullif(p_fields ->> 'receiver_email', ''), p_fields ->> 'business')))
                    = pg_catalog.lower(dues.setting_text('paypal_receiver_email')), false)
$$;
