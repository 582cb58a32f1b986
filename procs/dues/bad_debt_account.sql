-- A provider's bad debt account in a currency (negative by what it wrote off), created on first use.
create or replace function dues.bad_debt_account(p_provider_id bigint, p_currency char(3))
returns bigint
language plpgsql
set search_path = ''
as $$
declare
    v_account_id bigint;
begin
    select a.id into v_account_id from dues.ledger_account a where a.bad_debt_of = p_provider_id and a.currency = p_currency;
    if v_account_id is null then
        insert into dues.ledger_account (name, currency, allow_negative, allow_positive, bad_debt_of)
        values (pg_catalog.format('provider %s bad debt %s', p_provider_id, p_currency), p_currency, true, false, p_provider_id)
        on conflict (bad_debt_of, currency) where bad_debt_of is not null do nothing;
        select a.id into strict v_account_id from dues.ledger_account a where a.bad_debt_of = p_provider_id and a.currency = p_currency;
    end if;
    return v_account_id;
end
$$;
