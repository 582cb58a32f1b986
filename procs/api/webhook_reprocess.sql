-- Processes a webhook event again (for the member staff names), or verifies a delivery again.
create or replace function api.webhook_reprocess(id bigint, member_id bigint default null)
returns dues.webhook_summary
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_message dues.webhook_message;
    v_event   dues.webhook_event;
begin
    perform dues.authorize_staff();
    perform dues.require_argument('id', webhook_reprocess.id is null);
    if webhook_reprocess.member_id is not null then
        perform dues.member_get(webhook_reprocess.member_id);
    end if;
    if exists (select from dues.webhook_event e where e.id = webhook_reprocess.id) then
        v_event := dues.webhook_event_lock(webhook_reprocess.id);
        if v_event.state not in ('unmatched', 'ambiguous', 'held', 'failed', 'waiting') then
            raise exception 'webhook event % is %: only unmatched, ambiguous, held, failed or waiting ones are processed again',
                            webhook_reprocess.id, v_event.state
                using errcode = 'DU604',
                      hint = case v_event.state when 'processed' then 'it was processed already'
                                                else 'dues does not handle its type' end;
        end if;
        perform dues.webhook_log_add(v_event.id, 'reprocess', v_event.state,
                                     'asked by ' || dues.actor() || coalesce(' for member ' || webhook_reprocess.member_id, ''));
        perform dues.webhook_event_process(v_event.id, webhook_reprocess.member_id);
        select e.* into v_event from dues.webhook_event e where e.id = webhook_reprocess.id;
        return dues.webhook_summary(null, v_event);
    end if;
    v_message := dues.webhook_message_lock(webhook_reprocess.id);
    if webhook_reprocess.member_id is not null or v_message.state not in ('received', 'unverified', 'invalid') then
        raise exception 'webhook delivery % is %: a delivery is verified again only while received, unverified or invalid, and '
                        'for no member (name the event instead)', webhook_reprocess.id, v_message.state
            using errcode = 'DU604';
    end if;
    -- the worker verifies it at its next round (dues verifies signatures outside the database)
    update dues.webhook_message m
       set state = 'unverified', verify_due_at = pg_catalog.now(), verified_at = null,
           note = case when m.state = 'invalid' then 'was invalid: ' || m.note end
     where m.id = v_message.id
    returning m.* into v_message;
    perform dues.webhook_log_add(v_message.id, 'reprocess', 'unverified', 'verify again, asked by ' || dues.actor());
    return dues.webhook_summary(v_message, null);
end
$$;

comment on function api.webhook_reprocess(bigint, bigint) is
$$For an event (id from webhook_list): processes it again, after fixing what stopped it (a member's e-mail or provider id
set, the error behind a failure fixed): only unmatched, ambiguous, held, failed or waiting ones. member_id names the member
it is for instead of matching its payer (how staff decides an ambiguous, unmatched or held one); the event's provider ids then become
that member's. A payment is never registered twice (its provider id is its external reference). For a delivery that is
received, unverified or invalid (its secret setting was wrong, say): dues worker verifies it again at its next round.
Returns the summary with the new state. Staff only.
Errors: DU014 id is null, DU603 unknown webhook, DU001 unknown member, DU604 a state that cannot be processed again (or a
member named for a delivery), 42501 not staff.$$;

grant execute on function api.webhook_reprocess(bigint, bigint) to dues_staff;
