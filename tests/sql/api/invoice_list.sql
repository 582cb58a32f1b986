-- Tests of api.invoice_list.

create or replace function tests.test_invoice_list__filters_by_member_status_and_dates()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_ids    bigint[];
begin
    perform tests.fx_subscribe(v_member, tests.fx_recurring_class(), tests.fx_day(1, 1));
    perform tests.fx_collect(tests.fx_day(1, 1));
    perform tests.fx_collect(tests.fx_day(1, 20));
    perform tests.fx_collect(tests.fx_day(2, 20));
    perform tests.fx_pay(v_member, 30);
    v_ids := tests.fx_invoice_ids(v_member);
    return next is(array(select id from api.invoice_list(v_member)), array[v_ids[3], v_ids[2], v_ids[1]], 'newest first');
    return next is(array(select id from api.invoice_list(v_member, 'open')), array[v_ids[3], v_ids[2]], 'the open ones');
    return next is(array(select id from api.invoice_list(v_member, from_date => tests.fx_day(1, 2), to_date => tests.fx_day(1, 31))),
                   array[v_ids[2]], 'those issued in a period');
    return next is(array(select amount_due from api.invoice_list(v_member)), '{30.00,30.00,0.00}'::numeric[],
                   'with what is left to pay');
    return next throws_ok(format('select * from api.invoice_list(%s, %L)', v_member, 'late'), 'DU019', null, 'an unknown status is refused');
    return next throws_ok(format('select * from api.invoice_list(%s, null, %L, %L)', v_member, tests.fx_day(2, 1), tests.fx_day(1, 1)),
                          'DU01C', null, 'reversed dates are refused');
    perform tests.fx_as_member(v_member);
    return next throws_ok('select * from api.invoice_list()', '42501', null, 'only staff list everyone''s invoices');
    return next is((select count(*)::int from api.invoice_list(v_member)), 3, 'a member lists its own');
end
$$;
