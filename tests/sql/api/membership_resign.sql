-- Tests of api.membership_resign.

create or replace function tests.test_membership_resign__records_the_end_date_a_member_gives()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_joined_member();
    v_today  date := tests.fx_today();
begin
    perform tests.fx_pay(v_member, 25);
    perform jobs.expire(now());
    perform tests.fx_as_member(v_member);
    return next is((api.membership_resign(v_member, v_today + 10, 'moving abroad')).end_date, v_today + 10,
                   'a member resigns itself, from a day it gives');
    return next is((api.membership_resign(v_member, v_today + 20)).end_date, v_today + 20, 'resigning again moves the date');
    perform tests.fx_as_staff();
    return next is((api.membership_resign(v_member)).end_date, v_today, 'staff may resign a member, today by default');
    return next is((select why from dues.audit_log where table_name = 'membership' and member_id = v_member and action = 'update'
                     order by id limit 1), 'moving abroad', 'why is in the audit log');
end
$$;

create or replace function tests.test_membership_resign__refuses_nulls_unknowns_and_others()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_joined_member();
    v_other  bigint := tests.fx_joined_member();
    v_plain  bigint := tests.fx_member();
    v_before jsonb := tests.fx_state();
begin
    return next throws_ok(format('select api.membership_resign(%s, null)', v_member), 'DU014', null,
                          'a null day');
    return next throws_ok('select api.membership_resign(-1)', 'DU001', null, 'an unknown member');
    return next throws_ok(format('select api.membership_resign(%s)', v_plain), 'DU113', null, 'a member without a membership');
    perform tests.fx_as_member(v_other);
    return next throws_ok(format('select api.membership_resign(%s)', v_member), '42501',
                          null, 'a member cannot resign another');
    perform tests.fx_as_anonymous();
    return next throws_ok(format('select api.membership_resign(%s)', v_member), '42501', null, 'nor can a request without a token');
    perform tests.fx_as_staff();
    return next is(tests.fx_state(), v_before, 'nothing changed');
end
$$;
