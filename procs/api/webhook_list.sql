-- Lists webhook deliveries and events, newest first.
create or replace function api.webhook_list(provider text default null, state text default null, "limit" int default 50,
                                            after bigint default null)
returns setof dues.webhook_summary
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_staff();
    if webhook_list.provider is not null and webhook_list.provider not in ('stripe', 'gocardless', 'paypal') then
        raise exception 'provider % is unknown', webhook_list.provider
            using errcode = 'DU019',
                  hint = 'providers: stripe, gocardless, paypal';
    end if;
    if webhook_list.state is not null and webhook_list.state not in
       ('received', 'unverified', 'invalid', 'malformed', 'verified', 'waiting', 'unmatched', 'ambiguous', 'held', 'processed',
        'ignored', 'failed') then
        raise exception 'state % is unknown', webhook_list.state
            using errcode = 'DU019',
                  hint = 'deliveries: received, unverified, invalid, malformed, verified; events: received, waiting, unmatched, '
                         'ambiguous, held, processed, ignored, failed';
    end if;
    perform dues.list_check(webhook_list."limit", webhook_list.after);
    return query
        select w.*
          from (select (dues.webhook_summary(m, null::dues.webhook_event)).*
                  from dues.webhook_message m
                 where (webhook_list.provider is null or m.provider = webhook_list.provider)
                   and (webhook_list.state is null or m.state = webhook_list.state)
                   and (webhook_list.after is null or m.id < webhook_list.after)
                 order by m.id desc
                 limit webhook_list."limit") w
        union all
        select w.*
          from (select (dues.webhook_summary(null::dues.webhook_message, e)).*
                  from dues.webhook_event e
                 where (webhook_list.provider is null or e.provider = webhook_list.provider)
                   and (webhook_list.state is null or e.state = webhook_list.state)
                   and (webhook_list.after is null or e.id < webhook_list.after)
                 order by e.id desc
                 limit webhook_list."limit") w
         order by 1 desc
         limit webhook_list."limit";
end
$$;

comment on function api.webhook_list(text, text, int, bigint) is
$$Lists what Stripe, GoCardless and PayPal (REST webhooks) posted, newest first: deliveries (kind delivery: one request, as
received) and the events they carried (kind event: one per provider event id, however often delivered; message_id is the
first delivery that carried it), of one provider and in one state when given. A delivery is received (not verified yet),
unverified (it could not be verified: its secret setting is unset or the certificate could not be fetched; verified again
later), invalid (wrong signature: no effect), malformed (signed, but without readable events) or verified. An event is
waiting (for a resource from the provider's API), unmatched (no member holds the payer's provider id or e-mail, or the
payment it refunds is not registered yet), ambiguous (several do: never guessed), held (its payer's address became a member's
by the member's own change after it arrived), processed, ignored (a type dues does not handle) or failed (error says why).
Unmatched, ambiguous, held and failed events wait for staff (webhook_reprocess). A page of limit
rows (50 by default, at most 500); the next page is after the last id seen (deliveries and events share one sequence of ids).
Staff only.
Errors: DU019 unknown provider or state, DU300 limit outside 1..500, DU301 after below 1, 42501 not staff.$$;

grant execute on function api.webhook_list(text, text, int, bigint) to dues_staff;
