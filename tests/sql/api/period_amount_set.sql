-- Tests of api.period_amount_set.

create or replace function tests.test_period_amount_set__keeps_every_override_as_history()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_recurring_class();
    v_member bigint := tests.fx_member();
    v_row    dues.period_amount_override;
begin
    v_row := api.period_amount_set(v_member, v_class, 15, tests.fx_day(1, 1));
    return next is((v_row.member_id, v_row.class_id, v_row.amount, v_row.effective_from),
                   (v_member, v_class, 15.00::numeric(14,2), tests.fx_day(1, 1)), 'the override is returned');
    perform api.period_amount_set(v_member, v_class, 20, tests.fx_day(6, 1));
    return next is((select count(*)::int from dues.period_amount_override where member_id = v_member), 2, 'both overrides are kept');
    return next throws_ok(format('update dues.period_amount_override set amount = 1 where id = %s', v_row.id), 'DU042', null,
                          'an override is never rewritten');
    perform tests.fx_subscribe(v_member, v_class, tests.fx_day(5, 1));
    perform tests.fx_collect(tests.fx_day(5, 20));
    return next is((select array_agg(l.amount order by l.period_start) from dues.invoice_line l join dues.invoice i on i.id = l.invoice_id
                     where i.member_id = v_member), '{15.00,20.00}'::numeric[], 'May at 15.00, June at 20.00, on one invoice');
end
$$;

create or replace function tests.test_period_amount_set__refuses_bad_arguments()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_recurring_class();
    v_single bigint := tests.fx_class('single_payment', '{"price": 5}');
    v_yen    bigint := tests.fx_recurring_class('{"period": "month", "amount": 3000, "renewal": "auto_renew"}', null, 'JPY');
    v_member bigint := tests.fx_member();
    v_before jsonb  := tests.fx_state();
begin
    return next throws_ok(format('select api.period_amount_set(%s, %s, -1)', v_member, v_class), 'DU020', null,
                          'a negative period amount is refused');
    return next throws_ok(format('select api.period_amount_set(%s, %s, 10.5)', v_member, v_yen), 'DU023', null,
                          'half a yen is refused');
    return next throws_ok(format('select api.period_amount_set(%s, %s, 10)', v_member, v_single), 'DUB16',
                          null, 'a class that is not recurring is refused');
    return next throws_ok(format('select api.period_amount_set(-1, %s, 10)', v_class), 'DU001', null, 'an unknown member is refused');
    return next throws_ok(format('select api.period_amount_set(%s, null, 10)', v_member), 'DU014', null,
                          'a null class is refused');
    perform tests.fx_as_member(v_member);
    return next throws_ok(format('select api.period_amount_set(%s, %s, 0)', v_member, v_class), '42501', null,
                          'a member cannot set its own period amount');
    perform tests.fx_as_staff();
    return next is(tests.fx_state(), v_before, 'nothing changed');
end
$$;
