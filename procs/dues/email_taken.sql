-- Whether a member other than p_member_id has this address as its e-mail or PayPal e-mail.
create or replace function dues.email_taken(p_email text, p_member_id bigint)
returns boolean
language sql
stable
set search_path = ''
as $$
    select exists (select from dues.member m
                    where m.id <> p_member_id
                      and (pg_catalog.lower(m.email) = pg_catalog.lower(p_email)
                           or pg_catalog.lower(m.paypal_email) = pg_catalog.lower(p_email)))
$$;
