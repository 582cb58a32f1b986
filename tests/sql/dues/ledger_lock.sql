-- Tests of dues.ledger_lock.

create or replace function tests.test_ledger_lock__locks_accounts_in_ascending_id_order()
returns setof text
language plpgsql
as $$
declare
    v_a bigint := tests.fx_account('USD');
    v_b bigint := tests.fx_account('USD');
    v_c bigint := tests.fx_account('USD');
begin
    return next is(
        (select array_agg(l.id) from dues.ledger_lock(array[v_c, v_a, v_b]) with ordinality as l(id) ),
        array[v_a, v_b, v_c],
        'accounts are locked and returned in ascending id order');
    return next is(
        (select count(*) from dues.ledger_account where id in (v_a, v_b, v_c) and xmax::text <> '0'),
        3::bigint,
        'every account asked for now carries a row lock');
    return next is(
        (select count(*) from dues.ledger_lock(array[v_a, -1])),
        1::bigint,
        'unknown ids lock nothing (callers check for them)');
end
$$;
