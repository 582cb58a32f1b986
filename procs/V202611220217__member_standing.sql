-- What the database answers about a member's billing: api.member_standing (has it paid?) and api.member_statement
-- (every ledger line of its accounts with a running balance).

-- api.member_standing -----------------------------------------------------------------------------------------------

-- Has this member paid: its standing, what it owes, how late.
create function api.member_standing(
    member_id           bigint,
    on_date             date default current_date,
    out standing          text,
    out standing_since    date,
    out follows_member_id bigint,
    out paid              boolean,
    out amount_due        numeric(14,2),
    out overdue           numeric(14,2),
    out currency          char(3),
    out amounts_due       jsonb,
    out oldest_due_date   date,
    out days_late         int,
    out credit            numeric(14,2)
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
    follows_member_id := dues.member_master(v_member.id);
    v_billed := coalesce(follows_member_id, v_member.id);   -- a linked member's standing is its master's

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
    amount_due := case v_count when 0 then 0.00 when 1 then (amounts_due ->> currency)::numeric(14,2) end;
    if v_count = 0 then
        currency := (select pg_catalog.min(a.currency) from dues.ledger_account a where a.member_id = v_billed);
    elsif v_count > 1 then
        currency := null;
    end if;
    select coalesce(pg_catalog.sum(i.total - dues.invoice_settled(i.id)), 0.00)::numeric(14,2) into overdue
      from dues.invoice i
     where i.member_id = v_billed and i.status = 'open' and i.due_date < member_standing.on_date
       and (i.currency = member_standing.currency or v_count > 1);
    if v_count > 1 then
        overdue := null;
    end if;
    paid := not exists (select from dues.invoice i
                         where i.member_id = v_billed and i.status = 'open' and i.due_date < member_standing.on_date);
    days_late := greatest(member_standing.on_date - oldest_due_date, 0);
    credit := (select a.balance - dues.member_reserved(v_billed, a.currency)
                 from dues.ledger_account a
                where a.member_id = v_billed and a.currency = coalesce(member_standing.currency, dues.default_currency()));
    credit := coalesce(credit, 0.00)::numeric(14,2);
end
$$;

comment on function api.member_standing(bigint, date) is
$$Has this member paid? standing (good, at_risk or suspended, as the collector last found it; a member never found late is good) and
standing_since; follows_member_id (a linked member's answer is its master's, who is billed for it); paid (no open invoice was due before
on_date, default today); amount_due (everything left to pay on open invoices), overdue (the part due before on_date), currency (null, as
are amount_due and overdue, when the member owes in several currencies: see amounts_due, an object by currency), oldest_due_date of an open
invoice, days_late (on_date minus that date, 0 when none is late) and credit (money registered and not yet applied or reserved).
Errors: DU014 member_id or on_date is null, DU001 unknown member, 42501 not allowed.$$;

-- api.member_statement ----------------------------------------------------------------------------------------------

-- Every ledger line of a member's accounts between two days, with a running balance.
create function api.member_statement(member_id bigint, from_date date default null, to_date date default null)
returns table (line int, booked_on date, ledger_transaction_id bigint, kind text, memo text, invoice_number text,
               account text, currency char(3), amount numeric(14,2), balance numeric(14,2))
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
    v_member dues.member;
begin
    perform dues.authorize_member(member_statement.member_id, 'use');
    v_member := dues.member_get(member_statement.member_id);
    if member_statement.from_date > member_statement.to_date then
        raise exception 'from_date % is after to_date %', member_statement.from_date, member_statement.to_date
            using errcode = 'DU013';
    end if;
    return query
        with posting as (
            select coalesce(b.booked_on, dues.local_date(t.created_at)) as booked_on, t.id as transaction_id, p.id as posting_id,
                   t.kind, t.memo, i.number as invoice_number,
                   case when a.member_id is not null then 'credit' else 'receivable' end as account,
                   a.currency, p.amount
              from dues.ledger_account a
              join dues.ledger_posting p on p.account_id = a.id
              join dues.ledger_transaction t on t.id = p.transaction_id
              left join dues.ledger_booking b on b.ledger_transaction_id = t.id
              left join dues.invoice i on i.id = b.invoice_id
             where a.member_id = v_member.id or a.receivable_of = v_member.id
        ),
        opening as (
            select x.currency, pg_catalog.sum(x.amount) as amount
              from posting x
             where member_statement.from_date is not null and x.booked_on < member_statement.from_date
             group by x.currency
        ),
        lines as (
            select null::date as booked_on, null::bigint as transaction_id, null::bigint as posting_id,
                   'opening_balance'::text as kind, null::text as memo, null::text as invoice_number, null::text as account,
                   o.currency, o.amount, 0 as first
              from opening o
            union all
            select x.booked_on, x.transaction_id, x.posting_id, x.kind, x.memo, x.invoice_number, x.account, x.currency, x.amount, 1
              from posting x
             where (member_statement.from_date is null or x.booked_on >= member_statement.from_date)
               and (member_statement.to_date is null or x.booked_on <= member_statement.to_date)
        )
        select (pg_catalog.row_number() over w)::int,
               l.booked_on, l.transaction_id, l.kind, l.memo, l.invoice_number, l.account, l.currency, l.amount::numeric(14,2),
               (pg_catalog.sum(l.amount) over w)::numeric(14,2)
          from lines l
        window w as (partition by l.currency order by l.first, l.booked_on, l.transaction_id, l.posting_id
                     rows between unbounded preceding and current row)
         order by l.currency, l.first, l.booked_on, l.transaction_id, l.posting_id;
end
$$;

comment on function api.member_statement(bigint, date, date) is
$$A member's statement: every ledger posting on its credit account (money paid in, spent, refunded, credited back) and on its receivable
(invoices issued, settled, voided, written off) from from_date to to_date (inclusive; null: no limit), per currency in order, each with
line number, business day, ledger transaction, kind, memo, invoice number, account ("credit" or "receivable"), amount and the running
balance: credit minus what is owed (positive: the member has money left; negative: it owes). When from_date is given, the first line of
each currency is its opening balance. Applying credit to an invoice shows as two lines that cancel out.
Errors: DU014 member_id is null, DU001 unknown member, DU013 from_date after to_date, 42501 not allowed.$$;
