-- Tests of api.storage_list.

create or replace function tests.test_storage_list__lists_slots_in_use_soonest_expiry_first()
returns setof text
language plpgsql
as $$
declare
    v_later  bigint := tests.fx_slot();
    v_sooner bigint := tests.fx_slot();
    v_free   bigint := tests.fx_slot();
    v_ann    bigint := tests.fx_member('Ann');
    v_bob    bigint := tests.fx_member('Bob');
begin
    perform api.storage_assign(v_later, v_ann, '2026-03-01');
    perform api.storage_assign(v_sooner, v_bob, '2026-02-01');
    return next results_eq(format('select slot_id, member_name, expires_on from api.storage_list() where slot_id in (%s, %s, %s)',
                                  v_later, v_sooner, v_free),
                           format($q$values (%s::bigint, 'Bob'::text, '2026-04-30'::date), (%s, 'Ann', '2026-05-31')$q$, v_sooner, v_later),
                           'the slots in use with their member, soonest expiry first; a free slot is not listed');
    return next is((select count(*) from api.storage_list(true) where slot_id in (v_later, v_sooner)), 0::bigint,
                   'flagged_only: none of them is flagged');
    update dues.storage_assignment set flagged_on = tests.fx_today(), flag_reason = 'member left: not in group members'
     where slot_id = v_later and ended_on is null;
    return next results_eq(format('select slot_id, flag_reason from api.storage_list(true) where slot_id in (%s, %s)', v_later, v_sooner),
                           format($q$values (%s::bigint, 'member left: not in group members'::text)$q$, v_later),
                           'flagged_only: only the flagged one');
end
$$;

create or replace function tests.test_storage_list__refuses_a_null_flag_and_members()
returns setof text
language plpgsql
as $$
begin
    return next throws_ok('select * from api.storage_list(null)', 'DU014', null, 'a null flag');
    perform tests.fx_as_member(tests.fx_member());
    return next throws_ok('select * from api.storage_list()', '42501', null, 'a member cannot list the slots');
end
$$;
