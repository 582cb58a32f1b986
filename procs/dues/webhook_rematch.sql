-- Processes again the webhook events left unmatched or ambiguous whose payer has one of these e-mail addresses or
-- provider ids (any, when both are null), and the waiting ones whose resource has arrived, skipping those another
-- transaction is processing. Returns how many it examined and how many became something else.
create or replace function dues.webhook_rematch(p_emails text[], p_refs text[])
returns table (examined int, resolved int)
language plpgsql
set search_path = ''
as $$
declare
    v_id    bigint;
    v_state text;
begin
    examined := 0;
    resolved := 0;
    for v_id, v_state in
        select e.id, e.state
          from dues.webhook_event e
         where (e.state in ('unmatched', 'ambiguous')
                and ((p_emails is null and p_refs is null)
                     or pg_catalog.lower(e.payer_email) = any (p_emails)
                     or e.refs && p_refs))
            or (e.state = 'waiting' and p_emails is null and p_refs is null
                and exists (select from dues.webhook_resource r
                             where r.provider = e.provider and r.path = e.waiting_for and r.fetched_at is not null))
         order by e.id
           for update skip locked
    loop
        examined := examined + 1;
        if dues.webhook_event_process(v_id) is distinct from v_state then
            resolved := resolved + 1;
        end if;
    end loop;
    return next;
end
$$;
