-- Trigger: staff gave a member a provider id: webhook events waiting for a payer with that id are matched again at
-- once. (Ids learned while processing an event are left to jobs.webhook_rematch.)
create or replace function dues.member_provider_ref_rematch()
returns trigger
language plpgsql
security definer  -- the caller's role cannot process webhook events itself
set search_path = ''
as $$
begin
    if exists (select from dues.webhook_event w
                where w.state in ('unmatched', 'ambiguous') and w.provider = new.provider and w.refs && array[new.ref]) then
        perform dues.webhook_rematch('{}', array[new.ref]);
    end if;
    return null;
end
$$;

create or replace trigger member_provider_ref_rematch
    after insert on dues.member_provider_ref
    for each row when (new.source not like 'webhook %')
    execute function dues.member_provider_ref_rematch();
