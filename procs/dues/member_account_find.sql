-- The member's credit account in a currency, or null when the member never had money in it.
-- PL/pgSQL, not SQL, so that its query is planned once per session and not on every call.
create or replace function dues.member_account_find(p_member_id bigint, p_currency char(3))
returns bigint
language plpgsql
stable
set search_path = ''
as $$
declare
    v_account_id bigint;
begin
    select a.id into v_account_id from dues.ledger_account a where a.member_id = p_member_id and a.currency = p_currency;
    return v_account_id;
end
$$;
