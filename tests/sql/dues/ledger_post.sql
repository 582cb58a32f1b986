-- Tests of dues.ledger_post.

create or replace function tests.test_ledger_post__records_a_transaction_of_several_postings()
returns setof text
language plpgsql
as $$
declare
    v_bank bigint := tests.fx_account('USD', true);
    v_a    bigint := tests.fx_account('USD');
    v_b    bigint := tests.fx_account('USD');
    v_tx   bigint;
begin
    v_tx := dues.ledger_post('test', 'split', array[v_b, v_bank, v_a], array[7, -10, 3]::numeric[]);
    return next is((select count(*) from dues.ledger_posting where transaction_id = v_tx), 3::bigint,
                   'one posting per account');
    return next is(tests.fx_balance(v_bank), -10::numeric, 'the bank balance went down by 10');
    return next is(tests.fx_balance(v_a), 3::numeric, 'account a received 3');
    return next is(tests.fx_balance(v_b), 7::numeric, 'account b received 7');
end
$$;

create or replace function tests.test_ledger_post__refuses_postings_that_do_not_sum_to_zero()
returns setof text
language plpgsql
as $$
declare
    v_a      bigint := tests.fx_account('USD', true);
    v_b      bigint := tests.fx_account('USD');
    v_before jsonb  := tests.fx_state();
begin
    return next throws_ok(format('select dues.ledger_post(%L, null, array[%s, %s], array[-10, 9]::numeric[])', 'test', v_a, v_b),
                          'DU040', 'ledger transaction does not balance: its USD postings sum to -1',
                          'unbalanced postings are refused');
    return next is(tests.fx_state(), v_before, 'the refused transaction changed nothing');
end
$$;

create or replace function tests.test_ledger_post__refuses_one_posting_or_a_zero_posting()
returns setof text
language plpgsql
as $$
declare
    v_a bigint := tests.fx_account('USD', true);
    v_b bigint := tests.fx_account('USD');
begin
    return next throws_ok(format('select dues.ledger_post(%L, null, array[%s], array[0]::numeric[])', 'test', v_a),
                          'DU040', null,
                          'a single posting is refused');
    return next throws_ok(format('select dues.ledger_post(%L, null, array[%s, %s], array[1]::numeric[])', 'test', v_a, v_b),
                          'DU040', null,
                          'accounts and amounts must pair up');
    return next throws_ok(format('select dues.ledger_post(%L, null, array[%s, %s], array[0, 0]::numeric[])', 'test', v_a, v_b),
                          'DU020', null,
                          'a zero posting is refused');
    return next throws_ok(format('select dues.ledger_post(%L, null, array[%s, %s], array[-1, 1]::numeric[])', 'Test Kind', v_a, v_b),
                          'DU01A', null,
                          'a kind that is not a lower-case identifier is refused');
end
$$;

create or replace function tests.test_ledger_post__refuses_a_positive_balance_where_forbidden()
returns setof text
language plpgsql
as $$
declare
    v_a bigint := tests.fx_account('USD', true);
    v_b bigint := tests.fx_account('USD', true, false);
begin
    return next throws_ok(format('select dues.ledger_transfer(%s, %s, 1, %L)', v_a, v_b, 'test'),
                          'DU043',
                          format('account %s (%s) may not hold a positive balance (would be 1.00 USD)', v_b,
                                 (select name from dues.ledger_account where id = v_b)),
                          'a transfer into an account that may not be positive is refused');
    return next lives_ok(format('select dues.ledger_transfer(%s, %s, 1, %L)', v_b, v_a, 'test'),
                         'the same account may go negative');
end
$$;

create or replace function tests.test_ledger_post__keeps_no_stored_balance_on_shared_accounts()
returns setof text
language plpgsql
as $$
declare
    v_member    bigint := tests.fx_member();
    v_processor bigint := dues.processor_account('manual', 'USD');
    v_before    numeric := tests.fx_balance(v_processor);
begin
    perform tests.fx_pay(v_member, 12.50);
    return next is((select balance from dues.ledger_account where id = v_processor), null,
                   'a payment leaves the processor account without a stored balance');
    return next is(dues.ledger_balance(v_processor), v_before - 12.50,
                   'the processor account''s balance is the sum of its postings, down by the payment');
    return next is((select balance from dues.ledger_account where member_id = v_member), 12.50::numeric,
                   'the member''s credit account keeps its stored balance');
end
$$;

create or replace function tests.test_ledger_post__refuses_to_take_a_shared_account_below_zero()
returns setof text
language plpgsql
as $$
declare
    v_class   bigint := tests.fx_class();
    v_revenue bigint := dues.class_account(v_class);
    v_bank    bigint := tests.fx_account('USD', true);
    v_member  bigint := tests.fx_account('USD');
    v_before  jsonb;
begin
    perform dues.ledger_transfer(v_bank, v_revenue, 5, 'test');
    v_before := tests.fx_state();
    return next throws_ok(format('select dues.ledger_transfer(%s, %s, 5.01, %L)', v_revenue, v_member, 'test'),
                          'DU030', null,
                          'a class revenue account (shared, never negative) cannot give back more than its postings hold');
    return next is(tests.fx_state(), v_before, 'the refused transfer changed nothing');
    return next lives_ok(format('select dues.ledger_transfer(%s, %s, 5, %L)', v_revenue, v_member, 'test'),
                         'it can give back exactly what it holds');
    return next is(dues.ledger_balance(v_revenue), 0.00::numeric, 'and then holds nothing');
end
$$;

create or replace function tests.test_ledger_post__refuses_to_take_a_shared_account_above_zero()
returns setof text
language plpgsql
as $$
declare
    v_provider bigint := tests.fx_provider();
    v_bad_debt bigint := dues.bad_debt_account(v_provider, 'USD');
    v_bank     bigint := tests.fx_account('USD', true);
begin
    return next throws_ok(format('select dues.ledger_transfer(%s, %s, 1, %L)', v_bank, v_bad_debt, 'test'),
                          'DU043', null,
                          'a bad debt account (shared, never positive) cannot be credited above zero');
    return next lives_ok(format('select dues.ledger_transfer(%s, %s, 3, %L)', v_bad_debt, v_bank, 'test'),
                         'it may go negative');
    return next lives_ok(format('select dues.ledger_transfer(%s, %s, 3, %L)', v_bank, v_bad_debt, 'test'),
                         'and back to zero');
end
$$;

create or replace function tests.test_ledger_post__names_the_first_unknown_account_and_the_first_unfit_amount()
returns setof text
language plpgsql
as $$
declare
    v_a      bigint := tests.fx_account('USD', true);
    v_b      bigint := tests.fx_account('USD');
    v_yen    bigint := tests.fx_account('JPY');
    v_before jsonb  := tests.fx_state();
    v_error  text;
begin
    return next throws_ok(format('select dues.ledger_post(%L, null, array[%s, -1, -2], array[-2, 1, 1]::numeric[])', 'test', v_a),
                          'DU005', null, 'an unknown account is refused');
    begin
        perform dues.ledger_post('test', null, array[v_a, -1, -2], array[-2, 1, 1]::numeric[]);
    exception when sqlstate 'DU005' then
        v_error := sqlerrm;
    end;
    return next ok(v_error ~ '\s-1\M' and v_error !~ '-2', 'the first unknown account (in posting order) is the one named');
    return next throws_ok(format('select dues.ledger_post(%L, null, array[%s, %s], array[-1.001, 1.001]::numeric[])', 'test', v_a, v_b),
                          'DU023', null, 'an amount with more decimals than its currency is refused');
    begin
        perform dues.ledger_post('test', null, array[v_a, v_b], array[-1.001, 1.001]::numeric[]);
    exception when sqlstate 'DU023' then
        v_error := sqlerrm;
    end;
    return next ok(v_error ~ '-1\.001' and v_error ~ 'USD', 'the first such posting is the one named, with its currency');
    return next throws_ok(format('select dues.ledger_post(%L, null, array[%s, %s, %s], array[-1, 1, 0.5]::numeric[])', 'test', v_a, v_b, v_yen),
                          'DU023', null, 'each posting is checked against its own account''s currency (half a yen)');
    return next is(tests.fx_state(), v_before, 'the refused transactions changed nothing');
end
$$;

create or replace function tests.test_ledger_post__checks_before_writing_and_a_posting_added_later_at_commit()
returns setof text
language plpgsql
as $$
declare
    v_a  bigint := tests.fx_account('USD', true);
    v_b  bigint := tests.fx_account('USD');
    v_tx bigint;
begin
    v_tx := dues.ledger_post('test', null, array[v_a, v_b], array[-4, 4]::numeric[]);
    return next is(pg_catalog.current_setting('dues.ledger_post', true), '',
                   'after ledger_post, the rows written are queued for the deferred balance checks again');
    return next lives_ok('set constraints all immediate', 'nothing ledger_post wrote fails the (now immediate) checks');
    set constraints dues.ledger_posting_balanced, dues.ledger_transaction_balanced deferred;
    -- a posting written into that transaction afterwards, bypassing ledger_post, is queued for the check again
    return next throws_ok(
        format('insert into dues.ledger_posting (transaction_id, account_id, amount, currency) values (%s, %s, 1, %L); '
               'set constraints all immediate', v_tx, v_b, 'USD'),
        'DU040', null,
        'a posting added later to a transaction ledger_post made is still checked at commit');
    set constraints dues.ledger_posting_balanced, dues.ledger_transaction_balanced deferred;
end
$$;
