-- Tests of dues.ledger_balance.

create or replace function tests.test_ledger_balance__is_the_stored_balance_or_the_sum_of_postings()
returns setof text
language plpgsql
as $$
declare
    v_class   bigint := tests.fx_class();
    v_revenue bigint := dues.class_account(v_class);
    v_bank    bigint := tests.fx_account('USD', true);
begin
    return next is(dues.ledger_balance(v_revenue), 0.00::numeric, 'a shared account without postings holds 0');
    perform dues.ledger_transfer(v_bank, v_revenue, 4, 'test');
    perform dues.ledger_transfer(v_bank, v_revenue, 2.25, 'test');
    return next is(dues.ledger_balance(v_revenue), 6.25::numeric, 'a shared account holds the sum of its postings');
    return next is(dues.ledger_balance(v_bank), -6.25::numeric, 'an account that keeps a balance answers it');
    return next is(dues.ledger_balance(-1), null, 'an unknown account has no balance');
end
$$;
