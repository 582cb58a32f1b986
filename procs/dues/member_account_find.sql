-- The member's credit account in a currency, or null when the member never had money in it.
create or replace function dues.member_account_find(p_member_id bigint, p_currency char(3))
returns bigint
language sql
stable
set search_path = ''
as $$
    select a.id from dues.ledger_account a where a.member_id = p_member_id and a.currency = p_currency
$$;
