-- Tests of api.storage_slot_list.

create or replace function tests.test_storage_slot_list__every_slot_with_its_holder_or_free_ones()
returns setof text
language plpgsql
as $$
declare
    v_held bigint := tests.fx_slot('3 months');
    v_free bigint := tests.fx_slot();
    v_back bigint := tests.fx_slot();
    v_ann  bigint := tests.fx_member('Ann');
begin
    perform api.storage_assign(v_held, v_ann, '2026-01-01');
    perform api.storage_assign(v_back, v_ann, '2026-01-01');
    perform api.storage_release(v_back);
    return next results_eq(
        format('select slot_id, member_name, expires_on from api.storage_slot_list() where slot_id in (%s, %s, %s)', v_held, v_free, v_back),
        format($q$values (%s::bigint, 'Ann'::text, '2026-03-31'::date), (%s, null, null), (%s, null, null)$q$, v_held, v_free, v_back),
        'every slot by label, the held one with its holder and expiry, a released one free again');
    return next results_eq(
        format('select slot_id from api.storage_slot_list(true) where slot_id in (%s, %s, %s)', v_held, v_free, v_back),
        format('values (%s::bigint), (%s)', v_free, v_back),
        'free_only: the slots storage_assign may give');
    return next is((select type_title from api.storage_slot_list() where slot_id = v_held),
                   (select t.title from dues.storage_slot s join dues.storage_slot_type t on t.id = s.type_id where s.id = v_held),
                   'with its type''s title');
end
$$;

create or replace function tests.test_storage_slot_list__refuses_a_null_flag_members_and_anonymous()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
begin
    perform api.storage_assign(tests.fx_slot(), v_member);
    return next throws_ok('select * from api.storage_slot_list(null)', 'DU014', null, 'a null flag');
    perform tests.fx_as_member(v_member);
    return next throws_ok('select * from api.storage_slot_list()', '42501', null,
                          'a member cannot list the slots, not even to find its own (member_storage_list does)');
    perform tests.fx_as_anonymous();
    return next throws_ok('select * from api.storage_slot_list()', '42501', null, 'nor can a request without a token');
end
$$;
