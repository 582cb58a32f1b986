-- Tests of api.import_subscriptions.

create or replace function tests.test_import_subscriptions__brings_running_subscriptions_once()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_email  text := tests.fx_email(v_member);
    v_class  bigint := tests.fx_recurring_class('{"period": "month", "amount": "30.00", "renewal": "auto_renew", "setup_fee": "10.00"}');
    v_csv    text := pg_catalog.format(E'member_email,class,start_date,period_amount,billed_until\n%s,%s,2025-01-01,20.00,2026-11-30\n',
                                       v_email, v_class);
    v_sub    dues.recurring_subscription;
    v_before jsonb;
begin
    return next is(api.import_subscriptions(v_csv) ->> 'imported', '1', 'the line is imported');
    select r.* into v_sub from dues.recurring_subscription r where r.member_id = v_member;
    return next is((v_sub.class_id, v_sub.start_date, v_sub.billed_until, v_sub.end_date),
                   (v_class, '2025-01-01'::date, '2026-11-30'::date, null::date), 'a subscription billed until billed_until, renewing');
    return next is(dues.period_amount(v_member, v_class, '2026-12-01'), 20.00::numeric, 'the member''s own period amount');
    return next ok(not exists (select from dues.charge c where c.class_subscription_id = v_sub.class_subscription_id
                                and not exists (select from dues.charge_cancellation k where k.charge_id = c.id)),
                   'its setup fee, paid before dues, is cancelled');
    v_before := tests.fx_state();
    return next is(api.import_subscriptions(v_csv) ->> 'unchanged', '1', 'imported again, unchanged');
    return next is(tests.fx_state(), v_before, 'and nothing changes');
end
$$;

create or replace function tests.test_import_subscriptions__refuses_bad_lines()
returns setof text
language plpgsql
as $$
declare
    v_email  text := tests.fx_email(tests.fx_member());
    v_free   bigint := tests.fx_class('free');
    v_before jsonb := tests.fx_state();
    v_error  jsonb;
begin
    v_error := tests.fx_error(pg_catalog.format('select api.import_subscriptions(%L)', pg_catalog.format(
        E'member_email,class,start_date\nnobody-%s@example.org,1,2025-01-01\n%s,%s,2025-01-01\n%s,no such class %s,2025-01-01\n%s,%s,yesterday\n',
        tests.fx_ref('x'), v_email, v_free, v_email, tests.fx_ref('x'), v_email, v_free)));
    return next is(v_error ->> 'sqlstate', 'DU650', 'the file is refused');
    return next is((select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_array(e -> 'line', e -> 'column', e -> 'code'))
                      from pg_catalog.jsonb_array_elements((v_error ->> 'detail')::jsonb -> 'errors') e),
                   '[[2, "member_email", "DU001"], [3, "class", "DUB16"], [4, "class", "DU002"], [5, "start_date", "DU650"]]'::jsonb,
                   'an unknown member, a class that is not recurring, an unknown class and a bad date, each named');
    return next is(tests.fx_state(), v_before, 'nothing changes');
    return next throws_ok($q$select api.import_subscriptions(E'member_email,class\n')$q$, 'DU650', null, 'a header without start_date');
    perform tests.fx_as_member(tests.fx_member());
    return next throws_ok($q$select api.import_subscriptions(E'member_email,class,start_date\n')$q$, '42501', null, 'staff only');
end
$$;
