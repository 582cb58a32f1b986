-- Tests of api.storage_assign.

-- Tests of storage slots: types, slots, assignment, renewals, release, and jobs.storage_remind.

create or replace function tests.test_storage_assign__gives_a_free_slot_for_its_term()
returns setof text
language plpgsql
as $$
declare
    v_slot   bigint := tests.fx_slot();
    v_member bigint := tests.fx_member();
    v_view   dues.storage_view := api.storage_assign(v_slot, v_member, '2026-03-01', null, 'asked at the meeting');
    v_other  bigint := tests.fx_member();
    v_slot2  bigint := tests.fx_slot();
    v_before jsonb;
begin
    return next is((v_view.member_id, v_view.starts_on, v_view.expires_on), (v_member, '2026-03-01'::date, '2026-05-31'::date),
                   'the slot is the member''s for the type''s term (3 months, last day inclusive)');
    return next is((select why from dues.audit_log where table_name = 'storage_assignment' and member_id = v_member),
                   'asked at the meeting', 'the assignment is audited');
    v_before := tests.fx_state();
    return next throws_ok(format('select api.storage_assign(%s, %s)', v_slot, v_other), 'DU132',
                          format('storage slot %s is assigned already', (select label from dues.storage_slot where id = v_slot)),
                          'a slot in use cannot be given to another member');
    return next throws_ok(format('select api.storage_assign(-1, %s)', v_member), 'DU131', 'storage slot -1 not found', 'an unknown slot');
    return next throws_ok(format('select api.storage_assign(%s, -1)', v_slot), 'DU001', null, 'an unknown member');
    return next throws_ok(format('select api.storage_assign(%s, %s, %L, %L)', v_slot2, v_member, '2026-03-01', '2026-02-01'),
                          'DU01C', 'expires_on 2026-02-01 is before starts_on 2026-03-01', 'an expiry before the start');
    return next is(tests.fx_state(), v_before, 'nothing was assigned');
end
$$;
