-- Claims up to p_limit resources of a provider's API that events wait for and whose time has come, with SKIP LOCKED,
-- leased for webhook_verify_lease_seconds; returns them with the API's base URL (setting gocardless_api_url).
create or replace function dues.webhook_fetch_pending(p_now timestamptz, p_limit int)
returns table (provider text, path text, base_url text)
language plpgsql
set search_path = ''
as $$
declare
    v_lease interval := pg_catalog.make_interval(secs => dues.setting_number('webhook_verify_lease_seconds', 120));
begin
    return query
    with claimable as (
        select r.provider, r.path
          from dues.webhook_resource r
         where r.fetched_at is null and r.due_at <= p_now
         order by r.due_at, r.path
         limit greatest(coalesce(p_limit, 0), 0)
           for update skip locked
    ), claimed as (
        update dues.webhook_resource r
           set due_at = p_now + v_lease
          from claimable c
         where r.provider = c.provider and r.path = c.path
        returning r.provider, r.path
    )
    select c.provider, c.path, pg_catalog.rtrim(dues.setting_text(c.provider || '_api_url'), '/') from claimed c order by c.path;
end
$$;
