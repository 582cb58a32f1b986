-- Claims up to p_limit deliveries to verify (received, or unverified, whose time has come), with SKIP LOCKED, and
-- leases them for webhook_verify_lease_seconds so that no other worker verifies them meanwhile.
create or replace function dues.webhook_pending(p_now timestamptz, p_limit int)
returns table (id bigint, provider text, body bytea, headers jsonb, received_at timestamptz)
language plpgsql
set search_path = ''
as $$
declare
    v_lease interval := pg_catalog.make_interval(secs => dues.setting_number('webhook_verify_lease_seconds', 120));
begin
    return query
    with claimable as (
        select m.id
          from dues.webhook_message m
         where m.state in ('received', 'unverified') and m.verify_due_at <= p_now
         order by m.verify_due_at, m.id
         limit greatest(coalesce(p_limit, 0), 0)
           for update skip locked
    ), claimed as (
        update dues.webhook_message m
           set verify_due_at = p_now + v_lease
          from claimable c
         where m.id = c.id
        returning m.id, m.provider, m.body, m.headers, m.received_at
    )
    select c.id, c.provider, c.body, c.headers, c.received_at from claimed c order by c.id;
end
$$;
