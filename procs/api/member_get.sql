-- Everything about one member in one answer: who it is, its contacts, groups, standing, membership, credit, open invoices
-- and current subscriptions.
create or replace function api.member_get(
    member_id         bigint,
    out id            bigint,
    out kind          text,
    out name          text,
    out email         text,
    out paypal_email  text,
    out created_at    timestamptz,
    out master_id     bigint,
    out standing      jsonb,
    out membership    jsonb,
    out balance       jsonb,
    out contacts      jsonb,
    out groups        jsonb,
    out open_invoices jsonb,
    out subscriptions jsonb
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
    v_member dues.member;
    v_today  date := dues.local_date(pg_catalog.now());
begin
    perform dues.authorize_member(member_get.member_id, 'use');
    v_member := dues.member_get(member_get.member_id);
    id := v_member.id;
    kind := v_member.kind;
    name := v_member.name;
    email := v_member.email;
    paypal_email := v_member.paypal_email;
    created_at := v_member.created_at;
    master_id := dues.member_master(v_member.id);
    standing := (select pg_catalog.to_jsonb(s) from api.member_standing(v_member.id) s);
    membership := pg_catalog.to_jsonb(dues.membership_view(v_member.id));
    balance := (select coalesce(pg_catalog.jsonb_agg(pg_catalog.to_jsonb(b) order by b.currency), '[]')
                  from api.member_balance(v_member.id) b);
    contacts := (select coalesce(pg_catalog.jsonb_agg(pg_catalog.to_jsonb(c) order by c.contact_id), '[]')
                   from api.contact_list(v_member.id) c);
    groups := (select coalesce(pg_catalog.jsonb_agg(pg_catalog.to_jsonb(g) order by g.group_id), '[]')
                 from api.member_groups(v_member.id) g);
    open_invoices := (select coalesce(pg_catalog.jsonb_agg(pg_catalog.to_jsonb(i) order by i.due_date, i.id), '[]')
                        from api.invoice_list(v_member.id, 'open') i);
    subscriptions := (select coalesce(pg_catalog.jsonb_agg(pg_catalog.to_jsonb(s) order by s.start_date, s.class_subscription_id), '[]')
                        from api.class_subscription_list(v_member.id) s
                       where s.end_date is null or s.end_date >= v_today);
end
$$;

comment on function api.member_get(bigint) is
$$One member with everything about it: id, kind, name, email, paypal_email, created_at, master_id (when linked); standing (as
member_standing answers it: standing, amount_due, days_late, available, …), membership (as membership_status answers it), balance
(its credit per currency, as member_balance), contacts (contact_list), groups it is in today (member_groups), open_invoices
(invoice_list of the open ones, due first) and subscriptions (class_subscription_list of those current or to come). A member may
read its own (and a manager its organization's); another's is refused as one that does not exist is.
Errors: DU014 member_id is null, DU001 unknown member, 42501 not allowed.$$;

grant execute on function api.member_get(bigint) to dues_member, dues_staff;
