-- Replaces a person's personal data by placeholders (the right to erasure); its money's history stays with its id.
create or replace function api.member_erase(member_id bigint, why text)
returns dues.member
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_member      dues.member;
    v_id          bigint;
    v_placeholder text;
    v_emails      text[];
    v_ipn         bigint[];
    v_events      bigint[];
    v_messages    bigint[];
    c_personal    constant text[] := array['name', 'email', 'paypal_email', 'phone', 'postal_address', 'number', 'badge',
                                           'ref', 'payer', 'payer_email', 'recipient', 'label', 'data', 'fields', 'body'];
begin
    perform dues.authorize_staff();
    perform dues.require_argument('why', member_erase.why is null or pg_catalog.btrim(member_erase.why) = '');
    v_member := dues.member_lock(member_erase.member_id);
    v_id := v_member.id;
    if v_member.erased_at is not null then
        raise exception 'member % was erased at %', v_id, v_member.erased_at
            using errcode = 'DU654';
    end if;
    if exists (select from dues.invoice i where i.member_id = v_id and i.status in ('draft', 'open')) then
        raise exception 'member % has open invoices: they are paid, voided or written off before its data is erased', v_id
            using errcode = 'DU653',
                  hint = 'invoice_list shows them';
    end if;
    if exists (select from dues.recurring_subscription r
                where r.member_id = v_id and (r.end_date is null or r.end_date >= dues.local_date(pg_catalog.now()))) then
        raise exception 'member % has active subscriptions: they end before its data is erased', v_id
            using errcode = 'DU653',
                  hint = 'recurring_subscription_cancel ends one';
    end if;
    v_placeholder := pg_catalog.format('erased-%s@erased.invalid', v_id);
    v_emails := array[pg_catalog.lower(v_member.email)]
                || coalesce(pg_catalog.lower(v_member.paypal_email), pg_catalog.lower(v_member.email))
                || coalesce((select pg_catalog.array_agg(pg_catalog.lower(c.email)) from dues.member_contact c
                              where c.member_id = v_id and c.email is not null), '{}');
    select pg_catalog.array_agg(m.id) into v_ipn from dues.ipn_message m
     where m.member_id = v_id or pg_catalog.lower(m.payer_email) = any (v_emails);
    select pg_catalog.array_agg(e.id), pg_catalog.array_agg(distinct e.message_id) into v_events, v_messages
      from dues.webhook_event e where e.member_id = v_id or pg_catalog.lower(e.payer_email) = any (v_emails);

    perform dues.audit_why(member_erase.why);
    -- the one sanctioned rewrite of history (dues.forbid_delete lets it through): logs that name the person
    perform pg_catalog.set_config('dues.erasure', 'on', true);

    update dues.member m
       set name = pg_catalog.format('erased member %s', v_id), email = v_placeholder, paypal_email = null,
           paypal_email_confirmed_at = null, erased_at = pg_catalog.now()
     where m.id = v_id
    returning m.* into v_member;
    update dues.member_contact c
       set name = 'erased', email = case when c.role = 'billing' then v_placeholder end, phone = null, postal_address = null,
           removed_at = coalesce(c.removed_at, pg_catalog.now()), removed_by = coalesce(c.removed_by, dues.actor())
     where c.member_id = v_id;
    update dues.badge b
       set number = 'erased-' || b.id, revoked_at = coalesce(b.revoked_at, pg_catalog.now()), revoked_by = coalesce(b.revoked_by, dues.actor())
     where b.member_id = v_id;
    update dues.access_log l set badge = 'erased' where l.member_id = v_id;
    update dues.member_provider_ref r
       set ref = 'erased-' || r.id, ended_at = coalesce(r.ended_at, pg_catalog.now()), ended_by = coalesce(r.ended_by, dues.actor())
     where r.member_id = v_id;
    update dues.paypal_email_claim c set email = v_placeholder where c.member_id = v_id;
    update dues.bank_line l set payer = 'erased' where l.member_id = v_id;
    update dues.outbox o set recipient = v_placeholder, data = '{}' where pg_catalog.lower(o.recipient) = any (v_emails);
    update dues.api_token t set label = null where t.member_id = v_id;
    -- raw notifications: the bodies and headers as received, and what was read from them
    update dues.ipn_message m
       set body = pg_catalog.convert_to('erased', 'UTF8'), headers = '{}', fields = null, payer_email = null
     where m.id = any (v_ipn);
    update dues.ipn_log l set detail = 'erased' where l.message_id = any (v_ipn) and l.detail is not null;
    update dues.webhook_event e set data = '{"erased": true}', payer_email = null, refs = '{}' where e.id = any (v_events);
    update dues.webhook_message m set body = pg_catalog.convert_to('erased', 'UTF8'), headers = '{}', sender = null
     where m.id = any (v_messages);
    update dues.webhook_log l set detail = 'erased'
     where (l.webhook_id = any (v_events) or l.webhook_id = any (v_messages)) and l.detail is not null;
    -- the audit log keeps who changed what and why, not the person's data
    update dues.audit_log a
       set old = (select pg_catalog.jsonb_object_agg(k, case when k = any (c_personal) and v <> 'null' then '"erased"'::jsonb else v end)
                    from pg_catalog.jsonb_each(a.old) as x(k, v)),
           new = (select pg_catalog.jsonb_object_agg(k, case when k = any (c_personal) and v <> 'null' then '"erased"'::jsonb else v end)
                    from pg_catalog.jsonb_each(a.new) as x(k, v))
     where a.member_id = v_id;
    perform pg_catalog.set_config('dues.erasure', '', true);

    insert into dues.audit_log (table_name, row_id, member_id, action, old, new, why)
    values ('member', v_id, v_id, 'update', null,
            pg_catalog.jsonb_build_object('erased_at', v_member.erased_at, 'ipn_messages', coalesce(pg_catalog.cardinality(v_ipn), 0),
                                          'webhook_events', coalesce(pg_catalog.cardinality(v_events), 0)),
            member_erase.why);
    perform dues.audit_why(null);
    return v_member;
end
$$;

comment on function api.member_erase(bigint, text) is
$$Erases a person's personal data (the right to erasure): its name, e-mail and PayPal e-mail, contacts, badges (revoked), provider
ids (ended), PayPal e-mail requests, the payer of its bank lines, the recipient and data of messages sent to it, and the raw bodies
and headers of its payment notifications (IPN) and webhook deliveries with what was read from them, are replaced by placeholders
(name "erased member ID", e-mail erased-ID@erased.invalid); the audit log and the logs of its notifications keep who did what and
why, without its data. Its ledger, invoices and payments stay with the member id (legal retention). The erasure is in the audit log
with why (required), and the member's erased_at is set. Refused while the member has open or draft invoices or active recurring
subscriptions. The one change of history dues allows (dues.forbid_delete lets it through). Returns the erased member. Staff only.
Errors: DU014 member_id or why is missing, DU001 unknown member, DU653 open invoices or active subscriptions, DU654 erased already,
42501 not staff.$$;

grant execute on function api.member_erase(bigint, text) to dues_staff;
