-- Tests of dues.ledger_account_shared (the trigger that makes processor, class revenue and bad debt accounts shared).

create or replace function tests.test_ledger_account_shared__shared_accounts_keep_no_balance()
returns setof text
language plpgsql
as $$
declare
    v_class    bigint := tests.fx_class();
    v_provider bigint := tests.fx_provider();
    v_member   bigint := tests.fx_member();
    v_cash     bigint := dues.processor_account('cash', 'JPY');
    v_bad_debt bigint := dues.bad_debt_account(v_provider, 'USD');
    v_credit   bigint := dues.member_account(v_member, 'USD');
    v_owed     bigint := dues.receivable_account(v_member, 'USD');
    v_bare     bigint := tests.fx_account();
begin
    -- (the accounts are made first: a statement does not see rows inserted by a function it calls)
    return next is((select balance from dues.ledger_account where id = v_cash), null,
                   'a processor account made on first use is shared');
    return next is((select balance from dues.ledger_account where id = dues.class_account(v_class)), null,
                   'a class revenue account is shared');
    return next is((select balance from dues.ledger_account where id = v_bad_debt), null,
                   'a provider''s bad debt account is shared');
    return next is((select balance from dues.ledger_account where id = v_credit), 0.00::numeric,
                   'a member''s credit account keeps a balance, from 0');
    return next is((select balance from dues.ledger_account where id = v_owed), 0.00::numeric,
                   'a member''s receivable account keeps a balance, from 0');
    return next is((select balance from dues.ledger_account where id = v_bare), 0.00::numeric, 'a bare account keeps a balance, from 0');
end
$$;

create or replace function tests.test_ledger_account_shared__a_shared_account_cannot_be_given_a_balance()
returns setof text
language plpgsql
as $$
declare
    v_class bigint := tests.fx_class();
    v_bare  bigint := tests.fx_account();
begin
    return next throws_ok(format('update dues.ledger_account set balance = 5 where id = %s', dues.class_account(v_class)),
                          '23514', null, 'a stored balance on a shared account is refused');
    return next throws_ok(format('update dues.ledger_account set balance = null where id = %s', v_bare),
                          '23514', null, 'an account that keeps a balance cannot lose it');
end
$$;
