create or replace function api.ipn_reprocess(id bigint)
returns dues.ipn_summary
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_message dues.ipn_message;
begin
    perform dues.authorize_staff();
    v_message := dues.ipn_lock(ipn_reprocess.id);
    if v_message.state not in ('unmatched', 'ambiguous', 'rejected', 'failed') then
        raise exception 'payment notification % is %: only unmatched, ambiguous, rejected or failed ones are processed again',
                        ipn_reprocess.id, v_message.state
            using errcode = 'DU101',
                  hint = case v_message.state
                             when 'processed' then 'it was processed already'
                             when 'invalid' then 'PayPal said it did not send it'
                             else 'it is waiting for PayPal''s verification' end;
    end if;
    perform dues.ipn_log_add(ipn_reprocess.id, 'reprocess', v_message.state, 'asked by ' || dues.actor());
    perform dues.ipn_process(ipn_reprocess.id);
    select m.* into v_message from dues.ipn_message m where m.id = ipn_reprocess.id;
    return dues.ipn_summary(v_message);
end
$$;

comment on function api.ipn_reprocess(bigint) is
$$Processes a verified PayPal payment notification again, after fixing what stopped it (a member's PayPal e-mail set, the
receiver or currency setting corrected, the error behind a failure fixed): only unmatched, ambiguous, rejected or failed ones.
Processing is idempotent on PayPal's transaction id: a payment is never registered twice. Returns the notification's summary
with its new state. Staff only. Errors: DU014 id is null, DU100 unknown notification, DU101 a state that cannot be processed again.$$;

grant execute on function api.ipn_reprocess(bigint) to dues_staff;
