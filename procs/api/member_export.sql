-- Everything dues holds about a member, as one JSON document (the member itself may ask for its own).
create or replace function api.member_export(member_id bigint)
returns jsonb
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
    v_member   dues.member;
    v_document jsonb;
    v_table    record;
    v_rows     jsonb;
begin
    perform dues.authorize_member(member_export.member_id, 'use');
    v_member := dues.member_get(member_export.member_id);
    v_document := pg_catalog.jsonb_build_object(
        'exported_at', pg_catalog.now(),
        'member', pg_catalog.to_jsonb(v_member),
        'member_links', (select coalesce(pg_catalog.jsonb_agg(pg_catalog.to_jsonb(l) order by l.id), '[]')
                           from dues.member_link l where v_member.id in (l.member_id, l.master_id)),
        'ledger_accounts', (select coalesce(pg_catalog.jsonb_agg(pg_catalog.to_jsonb(a) order by a.id), '[]')
                              from dues.ledger_account a where v_member.id in (a.member_id, a.receivable_of)),
        'outbox', (select coalesce(pg_catalog.jsonb_agg(pg_catalog.to_jsonb(o) - 'data' order by o.id), '[]')
                     from dues.outbox o
                    where pg_catalog.lower(o.recipient) in (pg_catalog.lower(v_member.email), pg_catalog.lower(v_member.paypal_email))));
    -- every table of schema dues with a member_id: what the member holds there, without secrets (hashes of tokens and codes)
    for v_table in
        select c.relname
          from pg_catalog.pg_class c
          join pg_catalog.pg_attribute at on at.attrelid = c.oid and at.attname = 'member_id' and not at.attisdropped
         where c.relnamespace = 'dues'::regnamespace and c.relkind = 'r' and c.relname not in ('ledger_account')
         order by c.relname
    loop
        execute pg_catalog.format(
            'select coalesce(pg_catalog.jsonb_agg(pg_catalog.to_jsonb(t) - array[''token_hash'', ''code_hash'', ''body'']), ''[]'') '
            'from dues.%I t where t.member_id = $1',
            v_table.relname)
           into v_rows using v_member.id;
        v_document := v_document || pg_catalog.jsonb_build_object(v_table.relname, v_rows);
    end loop;
    return v_document;
end
$$;

comment on function api.member_export(bigint) is
$$Everything dues holds about a member, as one JSON document (a person's right of access): the member, its links, ledger accounts,
the messages sent to its addresses (without their data), and from every table that names the member its rows: membership and its
status changes, groups, contacts, badges, access log, certifications, orders, subscriptions, charges, invoices, payments, opening
balances, bank lines, payment notifications (IPN: their decoded fields) and webhook events, provider ids, PayPal e-mail requests,
tokens and roles, the audit log of its records; without secrets (the hashes of tokens and confirmation codes). A member may export
itself; staff any member.
Errors: DU014 member_id is null, DU001 unknown member (staff), 42501 another member's (the same answer as for a member that does not
exist).$$;

grant execute on function api.member_export(bigint) to dues_member, dues_staff;
