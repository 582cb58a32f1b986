-- Matches again every webhook event left unmatched or ambiguous (a payer who became a member, a provider id learned
-- from another event, a refund whose payment arrived since), and the waiting ones whose resource arrived. Safe to run
-- concurrently.
create or replace function jobs.webhook_rematch(p_now timestamptz)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
    v_result record;
begin
    select * into v_result from dues.webhook_rematch(null, null);
    return pg_catalog.jsonb_build_object('now', p_now, 'examined', v_result.examined, 'resolved', v_result.resolved);
end
$$;
