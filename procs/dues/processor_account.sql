-- The clearing account of a payment method in a currency (may go negative), created on first use.
create or replace function dues.processor_account(p_method text, p_currency char(3))
returns bigint
language plpgsql
set search_path = ''
as $$
declare
    v_account_id bigint;
begin
    select a.id into v_account_id from dues.ledger_account a where a.payment_method = p_method and a.currency = p_currency;
    if v_account_id is null then
        insert into dues.ledger_account (name, currency, allow_negative, payment_method)
        values (pg_catalog.format('processor %s %s', p_method, p_currency), p_currency, true, p_method)
        on conflict (payment_method, currency) where payment_method is not null do nothing;
        select a.id into strict v_account_id from dues.ledger_account a where a.payment_method = p_method and a.currency = p_currency;
    end if;
    return v_account_id;
end
$$;
