-- Deletes idempotency answers older than idempotency_retention_hours (24: the HTTP layer replays for 24 hours) and access-check
-- nonces older than access_nonce_retention_days (400; a device's request replayed after that would be accepted again, so keep it
-- longer than anyone keeps a recording). Nothing money or membership history depends on. Idempotent, safe concurrently.
create or replace function jobs.cleanup(p_now timestamptz)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
    v_idempotency int;
    v_nonces      int;
begin
    perform dues.require_argument('now', p_now is null);
    delete from dues.idempotency i
     where i.created_at < p_now - pg_catalog.make_interval(hours => dues.setting_number('idempotency_retention_hours', 24)::int);
    get diagnostics v_idempotency = row_count;
    delete from dues.access_nonce n
     where n.used_at < p_now - pg_catalog.make_interval(days => dues.setting_number('access_nonce_retention_days', 400)::int);
    get diagnostics v_nonces = row_count;
    return pg_catalog.jsonb_build_object('now', p_now, 'idempotency_deleted', v_idempotency, 'nonces_deleted', v_nonces);
end
$$;
