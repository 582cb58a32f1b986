-- Processes a webhook event (dues.webhook_event_apply) and records the outcome; when processing raises, nothing of it
-- stays and the event is failed with the error. Returns the event's state. p_member_id: the member staff named
-- (api.webhook_reprocess), instead of matching the payer. Processing acts as the system (staff) for the checks of the
-- api functions it calls, also when a member's request triggered it (a re-match); the caller is restored after.
create or replace function dues.webhook_event_process(p_id bigint, p_member_id bigint default null)
returns text
language plpgsql
set search_path = ''
as $$
declare
    v_event   dues.webhook_event := dues.webhook_event_lock(p_id);
    v_outcome dues.ipn_outcome;
    v_state   text;
    v_text    text;
    v_detail  text;
    v_staff   text := pg_catalog.current_setting('dues.staff', true);
    v_caller  text := pg_catalog.current_setting('dues.member_id', true);
begin
    update dues.webhook_event e set process_attempts = e.process_attempts + 1 where e.id = p_id;
    perform pg_catalog.set_config('dues.staff', 'true', true);
    perform pg_catalog.set_config('dues.member_id', '', true);
    begin
        v_outcome := dues.webhook_event_apply(v_event, p_member_id);
    exception when others then
        perform pg_catalog.set_config('dues.staff', coalesce(v_staff, ''), true);
        perform pg_catalog.set_config('dues.member_id', coalesce(v_caller, ''), true);
        get stacked diagnostics v_state = returned_sqlstate, v_text = message_text, v_detail = pg_exception_detail;
        update dues.webhook_event e
           set state = 'failed', error = v_state || ': ' || v_text || coalesce(' (' || nullif(v_detail, '') || ')', ''),
               note = null, waiting_for = null, processed_at = pg_catalog.now()
         where e.id = p_id;
        perform dues.webhook_log_add(p_id, 'processed', 'failed', v_state || ': ' || v_text);
        return 'failed';
    end;
    perform pg_catalog.set_config('dues.staff', coalesce(v_staff, ''), true);
    perform pg_catalog.set_config('dues.member_id', coalesce(v_caller, ''), true);
    update dues.webhook_event e
       set state = v_outcome.state, note = v_outcome.note, error = null,
           waiting_for = case when v_outcome.state = 'waiting' then e.waiting_for end,
           member_id = coalesce(v_outcome.member_id, e.member_id), payment_id = coalesce(v_outcome.payment_id, e.payment_id),
           processed_at = pg_catalog.now()
     where e.id = p_id;
    perform dues.webhook_log_add(p_id, 'processed', v_outcome.state, v_outcome.note);
    return v_outcome.state;
end
$$;
