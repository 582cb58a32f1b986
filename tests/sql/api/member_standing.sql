-- Tests of api.member_standing.

create or replace function tests.test_member_standing__says_whether_the_member_has_paid()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
begin
    return next is((select (standing, paid, amount_due, overdue, oldest_due_date, days_late) from api.member_standing(v_member)),
                   ('good'::text, true, 0.00::numeric(14,2), 0.00::numeric(14,2), null::date, 0),
                   'a new member owes nothing and has paid');
    perform tests.fx_subscribe(v_member, tests.fx_recurring_class(), tests.fx_day(1, 1));
    perform tests.fx_collect(tests.fx_day(12, 18, -1));
    perform tests.fx_collect(tests.fx_day(1, 18));
    perform tests.fx_pay(v_member, 40);
    return next is((select (paid, amount_due, overdue, currency, oldest_due_date, days_late, available)
                      from api.member_standing(v_member, tests.fx_day(2, 20))),
                   (false, 20.00::numeric(14,2), 20.00::numeric(14,2), 'USD'::char(3), tests.fx_day(2, 1), 19, 0.00::numeric(14,2)),
                   'January and February invoiced, 40.00 paid: 20.00 left, due since 1 February');
    return next is((select (paid, overdue, days_late) from api.member_standing(v_member, tests.fx_day(1, 20))),
                   (true, 0.00::numeric(14,2), 0), 'on 20 January nothing was overdue yet');
    perform tests.fx_pay(v_member, 25);
    return next is((select (paid, amount_due, available, amounts_due) from api.member_standing(v_member, tests.fx_day(2, 20))),
                   (true, 0.00::numeric(14,2), 5.00::numeric(14,2), '{}'::jsonb), 'paid up with 5.00 of credit');
end
$$;

create or replace function tests.test_member_standing__refuses_unknown_and_others()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_other  bigint := tests.fx_member();
begin
    return next throws_ok('select * from api.member_standing(-1)', 'DU001', null, 'an unknown member is refused');
    return next throws_ok(format('select * from api.member_standing(%s, null)', v_member), 'DU014', null,
                          'a null day is refused');
    perform tests.fx_as_member(v_other);
    return next throws_ok(format('select * from api.member_standing(%s)', v_member), '42501', null, 'another member is not shown');
    return next is((select standing from api.member_standing(v_other)), 'good', 'a member sees its own');
end
$$;
