-- Forgets the answers older than idempotency_retention_hours (24) at p_now; returns how many.
create or replace function dues.idempotency_expire(p_now timestamptz)
returns int
language plpgsql
set search_path = ''
as $$
declare
    v_count int;
begin
    perform dues.require_argument('now', p_now is null);
    delete from dues.idempotency i
     where i.created_at < p_now - pg_catalog.make_interval(hours => dues.setting_number('idempotency_retention_hours', 24)::int);
    get diagnostics v_count = row_count;
    return v_count;
end
$$;
