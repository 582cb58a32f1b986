-- Matches again every message left unmatched or ambiguous (a payer who became
-- a member, a refund whose payment arrived since). Safe to run concurrently.
create or replace function jobs.ipn_rematch(p_now timestamptz)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
    v_result record;
begin
    select * into v_result from dues.ipn_rematch(null);
    return pg_catalog.jsonb_build_object('now', p_now, 'examined', v_result.examined, 'resolved', v_result.resolved);
end
$$;
