-- The ledger as an accounting journal: one row per posting, debits and credits, for an accountant.
create or replace function api.export_journal(from_date date default null, to_date date default null)
returns table (date date, transaction_id bigint, kind text, account text, debit numeric, credit numeric, currency char(3),
               memo text, member_id bigint, invoice_number text)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_staff();
    perform dues.export_range_check(export_journal.from_date, export_journal.to_date);
    return query
        with tx_invoice as (
            select x.transaction_id, pg_catalog.string_agg(distinct i.number, ' ' order by i.number) as numbers
              from (select b.ledger_transaction_id as transaction_id, b.invoice_id from dues.ledger_booking b where b.invoice_id is not null
                    union all
                    select i.issue_transaction_id, i.id from dues.invoice i
                     where i.issue_transaction_id is not null
                       -- not a collector batch's transaction (several invoices): see below
                       and not exists (select from dues.invoice j where j.issue_transaction_id = i.issue_transaction_id and j.id <> i.id)
                    union all
                    select i.void_transaction_id, i.id from dues.invoice i where i.void_transaction_id is not null
                    union all
                    select s.ledger_transaction_id, s.invoice_id from dues.settlement s) x
              join dues.invoice i on i.id = x.invoice_id
             where i.number is not null
             group by x.transaction_id
        ),
        tx as (
            select t.id, t.kind, t.memo, b.member_id,
                   coalesce(b.booked_on, dues.local_date(t.created_at)) as on_date
              from dues.ledger_transaction t
              left join dues.ledger_booking b on b.ledger_transaction_id = t.id
        )
        select tx.on_date, tx.id, tx.kind, a.name,
               case when p.amount < 0 then -p.amount end,
               case when p.amount > 0 then p.amount end,
               p.currency, tx.memo,
               coalesce(a.member_id, a.receivable_of, tx.member_id),
               -- a collector batch's transaction: each receivable posting names its member's invoices
               coalesce(ti.numbers,
                        (select pg_catalog.string_agg(i.number, ' ' order by i.number)
                           from dues.invoice i
                          where a.receivable_of is not null and i.issue_transaction_id = tx.id
                            and i.member_id = a.receivable_of and i.currency = p.currency))
          from dues.ledger_posting p
          join tx on tx.id = p.transaction_id
          join dues.ledger_account a on a.id = p.account_id
          left join tx_invoice ti on ti.transaction_id = tx.id
         where (export_journal.from_date is null or tx.on_date >= export_journal.from_date)
           and (export_journal.to_date is null or tx.on_date <= export_journal.to_date)
         order by tx.id, p.id;
end
$$;

comment on function api.export_journal(date, date) is
$$The ledger as an accounting journal, for an accountant: one row per posting of every ledger transaction booked from from_date to
to_date (both included; null: no bound), in the order of transactions. date is the business day the transaction is booked on
(billing's and opening balances' own day, else the day it was made, in setting local_timezone); transaction_id and kind (payment,
invoice, settlement, refund, opening_balance, …) name the transaction; account is the ledger account's name; debit or credit is
the posting's amount (a posting into an account is a credit, out of it a debit: a member's credit and a class's revenue grow by
credits, a processor's clearing account and a member's receivable by debits), so that debits equal credits in each transaction and
currency; memo is the transaction's; member_id is the member whose account it is (or whom the transaction is booked for);
invoice_number the invoices the transaction issues, voids or settles (the collector issues a batch's invoices in one
transaction: its receivable postings name the member's invoices, its revenue postings, one per class, none). Streamed by `dues export journal`. Staff only.
Errors: DU01C from_date after to_date, 42501 not staff.$$;

grant execute on function api.export_journal(date, date) to dues_staff;
