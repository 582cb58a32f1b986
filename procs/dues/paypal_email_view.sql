-- A member's PayPal e-mail and the address it asked for and has not confirmed yet.
create or replace function dues.paypal_email_view(p_member_id bigint)
returns dues.paypal_email_state
language sql
stable
set search_path = ''
as $$
    select m.id, m.paypal_email, c.email, c.expires_at
      from dues.member m
      left join lateral (select c.email, c.expires_at
                           from dues.paypal_email_claim c
                          where c.member_id = m.id and c.confirmed_at is null and c.ended_at is null
                            and c.expires_at > pg_catalog.now()
                          order by c.id desc
                          limit 1) c on true
     where m.id = p_member_id
$$;
