-- Applies the membership status rules to every membership at p_now: reminders,
-- removals, and back to current after a payment. Idempotent for a given now;
-- two runs at once take each membership in id order, the second finds it done.
create or replace function jobs.expire(p_now timestamptz)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
    v_member   bigint;
    v_status   text;
    v_examined int := 0;
    v_changed  jsonb := '{}'::jsonb;
begin
    perform dues.require_argument('now', p_now is null);
    for v_member in
        select ms.member_id from dues.membership ms where not ms.waived order by ms.member_id
    loop
        v_examined := v_examined + 1;
        v_status := dues.membership_status_update(v_member, p_now);
        if v_status is not null then
            v_changed := v_changed || pg_catalog.jsonb_build_object(
                v_status, coalesce((v_changed ->> v_status)::int, 0) + 1);
        end if;
    end loop;
    return pg_catalog.jsonb_build_object('now', p_now, 'examined', v_examined, 'entered', v_changed);
end
$$;
