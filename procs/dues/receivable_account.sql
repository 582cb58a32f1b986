-- The member's receivable account in a currency (never positive: negative by what is owed), created on first use.
create or replace function dues.receivable_account(p_member_id bigint, p_currency char(3))
returns bigint
language plpgsql
set search_path = ''
as $$
declare
    v_account_id bigint;
begin
    select a.id into v_account_id from dues.ledger_account a where a.receivable_of = p_member_id and a.currency = p_currency;
    if v_account_id is null then
        insert into dues.ledger_account (name, currency, allow_negative, allow_positive, receivable_of)
        values (pg_catalog.format('member %s receivable %s', p_member_id, p_currency), p_currency, true, false, p_member_id)
        on conflict (receivable_of, currency) where receivable_of is not null do nothing;
        select a.id into strict v_account_id from dues.ledger_account a where a.receivable_of = p_member_id and a.currency = p_currency;
    end if;
    return v_account_id;
end
$$;
