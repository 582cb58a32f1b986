create or replace function api.ipn_reprocess(id bigint, member_id bigint default null)
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
    if ipn_reprocess.member_id is not null then
        perform dues.member_get(ipn_reprocess.member_id);
    end if;
    if v_message.state not in ('unmatched', 'ambiguous', 'held', 'rejected', 'failed') then
        raise exception 'payment notification % is %: only unmatched, ambiguous, held, rejected or failed ones are processed again',
                        ipn_reprocess.id, v_message.state
            using errcode = 'DU101',
                  hint = case v_message.state
                             when 'processed' then 'it was processed already'
                             when 'invalid' then 'PayPal said it did not send it'
                             else 'it is waiting for PayPal''s verification' end;
    end if;
    perform dues.ipn_log_add(ipn_reprocess.id, 'reprocess', v_message.state,
                             'asked by ' || dues.actor() || coalesce(' for member ' || ipn_reprocess.member_id, ''));
    perform dues.ipn_process(ipn_reprocess.id, ipn_reprocess.member_id);
    select m.* into v_message from dues.ipn_message m where m.id = ipn_reprocess.id;
    return dues.ipn_summary(v_message);
end
$$;

comment on function api.ipn_reprocess(bigint, bigint) is
$$Processes a verified PayPal payment notification again, after fixing what stopped it (a member's PayPal e-mail set, the
receiver or currency setting corrected, the error behind a failure fixed): only unmatched, ambiguous, held, rejected or failed ones.
member_id names the member it is for, instead of matching its payer's e-mail: how staff decides a held message (one whose payer
became a member's PayPal e-mail only after it arrived, or a refund from another payer than the payment's; a refund is applied only
when member_id is the payment's member) or an ambiguous one. Processing is idempotent on PayPal's transaction id: a payment is never
registered twice. Returns the notification's summary with its new state. Staff only.
Errors: DU014 id is null, DU100 unknown notification, DU001 unknown member, DU101 a state that cannot be processed again.$$;

grant execute on function api.ipn_reprocess(bigint, bigint) to dues_staff;
