-- Has this member paid: its standing, what it owes, how late.
create or replace function api.member_standing(
    member_id           bigint,
    on_date             date default dues.local_date(now()),
    out standing          text,
    out standing_since    date,
    out master_id         bigint,
    out paid              boolean,
    out amount_due        numeric,
    out overdue           numeric,
    out currency          char(3),
    out amounts_due       jsonb,
    out oldest_due_date   date,
    out days_late         int,
    out available         numeric
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
    v_member  dues.member;
    v_billed  bigint;
    v_state   dues.member_standing;
    v_count   int;
begin
    perform dues.authorize_member(member_standing.member_id, 'use');
    v_member := dues.member_get(member_standing.member_id);
    perform dues.require_argument('on_date', member_standing.on_date is null);
    master_id := dues.member_master(v_member.id);
    v_billed := coalesce(master_id, v_member.id);   -- a linked member's standing is its master's

    select s.* into v_state from dues.member_standing s where s.member_id = v_billed;
    standing := coalesce(v_state.standing, 'good');
    standing_since := v_state.since;

    select coalesce(pg_catalog.jsonb_object_agg(x.currency, x.due), '{}'), pg_catalog.count(*),
           pg_catalog.min(x.currency), pg_catalog.min(x.oldest)
      into amounts_due, v_count, currency, oldest_due_date
      from (select i.currency, pg_catalog.sum(i.total - dues.invoice_settled(i.id)) as due, pg_catalog.min(i.due_date) as oldest
              from dues.invoice i
             where i.member_id = v_billed and i.status = 'open'
             group by i.currency) x;
    amount_due := case v_count when 0 then 0.00 when 1 then pg_catalog.round((amounts_due ->> currency)::numeric, 2) end;
    if v_count = 0 then
        currency := (select pg_catalog.min(a.currency) from dues.ledger_account a where a.member_id = v_billed);
    elsif v_count > 1 then
        currency := null;
    end if;
    select pg_catalog.round(coalesce(pg_catalog.sum(i.total - dues.invoice_settled(i.id)), 0.00), 2) into overdue
      from dues.invoice i
     where i.member_id = v_billed and i.status = 'open' and i.due_date < member_standing.on_date
       and (i.currency = member_standing.currency or v_count > 1);
    if v_count > 1 then
        overdue := null;
    end if;
    paid := not exists (select from dues.invoice i
                         where i.member_id = v_billed and i.status = 'open' and i.due_date < member_standing.on_date);
    days_late := greatest(member_standing.on_date - oldest_due_date, 0);
    available := (select a.balance - dues.member_reserved(v_billed, a.currency)
                    from dues.ledger_account a
                   where a.member_id = v_billed and a.currency = coalesce(member_standing.currency, dues.default_currency()));
    available := pg_catalog.round(coalesce(available, 0.00), 2);
end
$$;

comment on function api.member_standing(bigint, date) is
$$Has this member paid? standing (good, at_risk or suspended, as the collector last found it; a member never found late is good) and
standing_since; master_id (a linked member's master: the answer is the master's, who is billed for it); paid (no open invoice was due before
on_date, default today); amount_due (everything left to pay on open invoices), overdue (the part due before on_date), currency (null, as
are amount_due and overdue, when the member owes in several currencies: see amounts_due, an object by currency), oldest_due_date of an open
invoice, days_late (on_date minus that date, 0 when none is late) and available (credit not yet applied or reserved, as
member_balance answers it).
Errors: DU014 member_id or on_date is null, DU001 unknown member, 42501 not allowed.$$;

grant execute on function api.member_standing(bigint, date) to dues_member, dues_staff;
