-- Every ledger line of a member's accounts between two days, with a running balance.
create or replace function api.member_statement(member_id bigint, from_date date default null, to_date date default null)
returns table (line int, booked_on date, ledger_transaction_id bigint, kind text, memo text, invoice_number text,
               account text, currency char(3), amount numeric, balance numeric)
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
            using errcode = 'DU01C';
    end if;
    return query
        with posting as (
            select coalesce(b.booked_on, dues.local_date(t.created_at)) as booked_on, t.id as transaction_id, p.id as posting_id,
                   t.kind, t.memo,
                   -- a collector batch's transaction names no invoice: the member's invoices it issued
                   coalesce(i.number, (select pg_catalog.string_agg(x.number, ' ' order by x.number)
                                         from dues.invoice x
                                        where b.invoice_id is null and x.issue_transaction_id = t.id
                                          and x.member_id = v_member.id and x.currency = a.currency)) as invoice_number,
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
               l.booked_on, l.transaction_id, l.kind, l.memo, l.invoice_number, l.account, l.currency, pg_catalog.round(l.amount, 2),
               pg_catalog.round(pg_catalog.sum(l.amount) over w, 2)
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
Errors: DU014 member_id is null, DU001 unknown member, DU01C from_date after to_date, 42501 not allowed.$$;

grant execute on function api.member_statement(bigint, date, date) to dues_member, dues_staff;
