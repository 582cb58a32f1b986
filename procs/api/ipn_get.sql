create or replace function api.ipn_get(id bigint)
returns dues.ipn_detail
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
    v_message dues.ipn_message;
begin
    perform dues.authorize_staff();
    perform dues.require_argument('id', ipn_get.id is null);
    select m.* into v_message from dues.ipn_message m where m.id = ipn_get.id;
    if not found then
        raise exception 'payment notification % not found', ipn_get.id
            using errcode = 'DU100';
    end if;
    return (select (v_message.id, v_message.received_at, v_message.state,
               dues.charset_decode(v_message.body, 'UTF8'),
               v_message.headers, v_message.fields,
               v_message.verification, v_message.verified_at, v_message.verify_attempts, v_message.verify_error,
               v_message.member_id, v_message.payment_id, v_message.note, v_message.error, v_message.processed_at,
               coalesce((select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                                    'at', l.at, 'actor', l.actor, 'event', l.event, 'state', l.state, 'detail', l.detail)
                                 order by l.id)
                           from dues.ipn_log l where l.message_id = v_message.id), '[]'))::dues.ipn_detail);
end
$$;

comment on function api.ipn_get(bigint) is
$$One PayPal payment notification in full: the raw body as received (as text), the request headers, the decoded fields (once
processed), PayPal's verification answer, the member and payment it led to, its state with note or error, and its history
(every verification attempt and processing, oldest first). Staff only.
Errors: DU014 id is null, DU100 unknown notification.$$;

grant execute on function api.ipn_get(bigint) to dues_staff;
