-- One line of a balances file (member_email, currency, amount, booked_on): the member's opening balance in the currency,
-- credit carried over from the books kept before dues, moved from the currency's opening_balance account to the member's
-- credit account in a ledger transaction booked on booked_on; the credit then settles the member's open invoices, as a
-- payment does. 'unchanged' when the member has that opening balance already. One per member and currency: another
-- amount or day is a bad line (a correction is a payment or a charge). A debt is not a balance: it is a charge (charge_add).
create or replace function dues.import_balance_line(p_fields jsonb)
returns text
language plpgsql
set search_path = ''
as $$
declare
    v_member      dues.member := dues.import_member_by_email(p_fields, 'member_email');
    v_currency_in text := dues.import_value(p_fields, 'currency', 'text', true);
    v_amount      numeric := dues.import_value(p_fields, 'amount', 'numeric', true)::numeric;
    v_on          date := dues.import_value(p_fields, 'booked_on', 'date', true)::date;
    v_currency    char(3);
    v_opening     dues.opening_balance;
    v_transaction bigint;
begin
    select c.code into v_currency from dues.currency c where c.code = pg_catalog.upper(v_currency_in);
    if v_currency is null then
        raise exception 'currency "%" is unknown', v_currency_in using errcode = 'DU021', column = 'currency';
    end if;
    if v_amount <= 0 then
        raise exception 'an opening balance is credit, more than 0, not %: a debt is imported as a charge (charge_add)', v_amount
            using errcode = 'DU020', column = 'amount';
    end if;
    if not dues.money_fits(v_amount, v_currency) then
        raise exception 'amount % does not fit % (too many decimals or too large)', v_amount, v_currency
            using errcode = 'DU023', column = 'amount';
    end if;
    perform dues.member_lock(v_member.id);
    select o.* into v_opening from dues.opening_balance o where o.member_id = v_member.id and o.currency = v_currency;
    if found then
        if (v_opening.amount, v_opening.booked_on) = (v_amount, v_on) then
            return 'unchanged';
        end if;
        raise exception 'member % has an opening balance of % % on % already, not % on %', v_member.id, v_opening.amount,
                        v_currency, v_opening.booked_on, v_amount, v_on
            using errcode = 'DU650', column = 'amount';
    end if;
    v_transaction := dues.ledger_transfer(
        (select a.id from dues.ledger_account a where a.opening_balance and a.currency = v_currency),
        dues.member_account(v_member.id, v_currency),
        v_amount,
        'opening_balance',
        pg_catalog.format('opening balance of member %s on %s', v_member.id, v_on));
    perform dues.ledger_book(v_transaction, v_on, v_member.id);
    insert into dues.opening_balance (member_id, currency, amount, booked_on, ledger_transaction_id)
    values (v_member.id, v_currency, v_amount, v_on, v_transaction);
    perform dues.member_settle(v_member.id, v_currency, dues.local_date(pg_catalog.now()));
    return 'imported';
end
$$;
