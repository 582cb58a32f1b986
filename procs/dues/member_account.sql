-- The member's credit account in a currency, created (never negative) on first use.
create or replace function dues.member_account(p_member_id bigint, p_currency char(3))
returns bigint
language plpgsql
set search_path = ''
as $$
declare
    v_account_id bigint := dues.member_account_find(p_member_id, p_currency);
begin
    if v_account_id is null then
        insert into dues.ledger_account (name, currency, allow_negative, member_id)
        values (pg_catalog.format('member %s credit %s', p_member_id, p_currency), p_currency, false, p_member_id)
        on conflict (member_id, currency) where member_id is not null do nothing;
        v_account_id := dues.member_account_find(p_member_id, p_currency);
    end if;
    return v_account_id;
end
$$;
