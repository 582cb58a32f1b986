-- Processes a verified message (decodes it, then dues.ipn_apply) and records
-- the outcome; when processing raises, nothing of it stays and the message is
-- failed with the error. Returns the message's state. p_member_id: the member
-- staff named (api.ipn_reprocess), instead of matching the payer. Processing acts as the
-- system (staff) for the checks of the api functions it calls, also when a
-- member's request triggered it (dues.member_ipn_rematch); the caller is restored after.
create or replace function dues.ipn_process(p_id bigint, p_member_id bigint default null)
returns text
language plpgsql
set search_path = ''
as $$
declare
    v_message dues.ipn_message := dues.ipn_lock(p_id);
    v_fields  jsonb := dues.form_decode(v_message.body);
    v_outcome dues.ipn_outcome;
    v_state   text;
    v_message_text text;
    v_detail  text;
    -- who asked (a member whose e-mail change re-matched this message, a worker, staff): processing acts for the system
    v_staff   text := pg_catalog.current_setting('dues.staff', true);
    v_caller  text := pg_catalog.current_setting('dues.member_id', true);
begin
    if v_message.verification is distinct from 'VERIFIED' then
        raise exception 'payment notification % is not verified (state %)', p_id, v_message.state
            using errcode = 'DU101';
    end if;
    update dues.ipn_message m
       set fields = v_fields,
           txn_type = v_fields ->> 'txn_type',
           txn_id = v_fields ->> 'txn_id',
           parent_txn_id = v_fields ->> 'parent_txn_id',
           payment_status = v_fields ->> 'payment_status',
           payer_email = v_fields ->> 'payer_email',
           subscr_id = v_fields ->> 'subscr_id',
           process_attempts = m.process_attempts + 1
     where m.id = p_id
    returning m.* into v_message;
    perform pg_catalog.set_config('dues.staff', 'true', true);
    perform pg_catalog.set_config('dues.member_id', '', true);
    begin
        v_outcome := dues.ipn_apply(v_message, p_member_id);
    exception when others then
        perform pg_catalog.set_config('dues.staff', coalesce(v_staff, ''), true);
        perform pg_catalog.set_config('dues.member_id', coalesce(v_caller, ''), true);
        get stacked diagnostics v_state = returned_sqlstate, v_message_text = message_text, v_detail = pg_exception_detail;
        v_outcome := ('failed', null, null, null)::dues.ipn_outcome;
        update dues.ipn_message m
           set state = 'failed', error = v_state || ': ' || v_message_text || coalesce(' (' || nullif(v_detail, '') || ')', ''),
               note = null, processed_at = pg_catalog.now()
         where m.id = p_id;
        perform dues.ipn_log_add(p_id, 'processed', 'failed', v_state || ': ' || v_message_text);
        return 'failed';
    end;
    perform pg_catalog.set_config('dues.staff', coalesce(v_staff, ''), true);
    perform pg_catalog.set_config('dues.member_id', coalesce(v_caller, ''), true);
    update dues.ipn_message m
       set state = v_outcome.state, note = v_outcome.note, error = null,
           member_id = coalesce(v_outcome.member_id, m.member_id), payment_id = coalesce(v_outcome.payment_id, m.payment_id),
           processed_at = pg_catalog.now()
     where m.id = p_id;
    perform dues.ipn_log_add(p_id, 'processed', v_outcome.state, v_outcome.note);
    return v_outcome.state;
end
$$;
