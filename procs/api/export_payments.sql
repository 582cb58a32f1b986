-- Payments for an accountant: one row per payment, with what was refunded of it.
create or replace function api.export_payments(from_date date default null, to_date date default null)
returns table (payment_id bigint, date date, member_id bigint, amount numeric, refunded numeric, currency char(3), method text,
               external_ref text, ledger_transaction_id bigint)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_staff();
    perform dues.export_range_check(export_payments.from_date, export_payments.to_date);
    return query
        select p.id, dues.local_date(p.created_at), p.member_id, p.amount,
               coalesce((select pg_catalog.sum(r.amount) from dues.refund r where r.payment_id = p.id), 0)::numeric,
               p.currency, p.method, p.external_ref, p.ledger_transaction_id
          from dues.payment p
         where (export_payments.from_date is null or dues.local_date(p.created_at) >= export_payments.from_date)
           and (export_payments.to_date is null or dues.local_date(p.created_at) <= export_payments.to_date)
         order by p.id;
end
$$;

comment on function api.export_payments(date, date) is
$$Payments for an accountant: one row per payment registered from from_date to to_date (both included, days in setting
local_timezone; null: no bound): member, amount, what was refunded of it, currency, method, the processor's reference and its
ledger transaction. Streamed by `dues export payments`. Staff only.
Errors: DU01C from_date after to_date, 42501 not staff.$$;

grant execute on function api.export_payments(date, date) to dues_staff;
