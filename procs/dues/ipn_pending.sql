-- Claims up to p_limit messages that need verifying (received, or whose last
-- verification failed and whose retry is due), with SKIP LOCKED, and leases
-- them for paypal_verify_lease_seconds so that another worker does not verify them meanwhile.
create or replace function dues.ipn_pending(p_now timestamptz, p_limit int)
returns table (id bigint, body bytea)
language plpgsql
set search_path = ''
as $$
declare
    v_lease interval := pg_catalog.make_interval(secs => dues.setting_number('paypal_verify_lease_seconds', 120));
begin
    return query
    with claimable as (
        select m.id
          from dues.ipn_message m
         where m.state in ('received', 'unverified') and m.verify_due_at <= p_now
         order by m.verify_due_at, m.id
         limit greatest(coalesce(p_limit, 0), 0)
           for update skip locked
    ), claimed as (
        update dues.ipn_message m
           set verify_due_at = p_now + v_lease, verify_attempts = m.verify_attempts + 1
          from claimable c
         where m.id = c.id
        returning m.id, m.body
    )
    select c.id, c.body from claimed c order by c.id;
end
$$;
