-- Tests of api.bank_line_list.

create or replace function tests.test_bank_line_list__lists_lines_newest_first_by_state()
returns setof text
language plpgsql
as $$
declare
    v_r1 text := tests.fx_ref('STMT');
    v_r2 text := tests.fx_ref('STMT');
    v_ids bigint[];
begin
    perform api.import_payments(pg_catalog.format(E'booked_on,amount,currency,reference,payer\n2026-11-02,5,USD,%s,Nobody A\n2026-11-03,6,USD,%s,Nobody B\n', v_r1, v_r2));
    v_ids := array(select l.id from api.bank_line_list('unmatched', 2) l);
    return next is(v_ids, array(select l.id from dues.bank_line l where l.state = 'unmatched' order by l.id desc limit 2),
                   'unmatched lines, newest first, a page of limit');
    return next is((select l.reference from api.bank_line_list('unmatched', 1) l), v_r2, 'the newest first');
    return next is((select l.reference from api.bank_line_list('unmatched', 1, v_ids[1]) l), v_r1, 'the next page is after the last id seen');
    return next throws_ok('select api.bank_line_list(''lost'')', 'DU019', null, 'an unknown state');
    return next throws_ok('select api.bank_line_list(null, 0)', 'DU300', null, 'a limit below 1');
    return next throws_ok('select api.bank_line_list(null, 10, 0)', 'DU301', null, 'after below 1');
    perform tests.fx_as_member(tests.fx_member());
    return next throws_ok('select api.bank_line_list()', '42501', null, 'staff only');
end
$$;
