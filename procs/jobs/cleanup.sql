-- jobs.cleanup: forgets what is only kept for a while: answers to idempotent
-- requests (dues.idempotency_expire), devices' old nonces, and payment
-- notifications that had no effect (dues.ipn_purge), and sign-in codes a day after
-- they expired and refused sign-ins after a day (the hourly rate limits count only
-- the last hour's).
-- Nonces older than access_nonce_retention_days (400; a device's request
-- replayed after that would be accepted again, so keep it longer than anyone
-- keeps a recording). Nothing money or membership history depends on.
-- Idempotent, safe concurrently.
create or replace function jobs.cleanup(p_now timestamptz)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
    v_idempotency int;
    v_nonces      int;
    v_ipn         int;
    v_signin      int;
begin
    perform dues.require_argument('now', p_now is null);
    v_idempotency := dues.idempotency_expire(p_now);
    delete from dues.access_nonce n
     where n.used_at < p_now - pg_catalog.make_interval(days => dues.setting_number('access_nonce_retention_days', 400)::int);
    get diagnostics v_nonces = row_count;
    v_ipn := dues.ipn_purge(p_now);
    delete from dues.signin_code c where c.expires_at < p_now - interval '1 day';
    get diagnostics v_signin = row_count;
    delete from dues.signin_failure f where f.created_at < p_now - interval '1 day';
    return pg_catalog.jsonb_build_object('now', p_now, 'idempotency_deleted', v_idempotency, 'nonces_deleted', v_nonces,
                                         'ipn_deleted', v_ipn, 'signin_codes_deleted', v_signin);
end
$$;
