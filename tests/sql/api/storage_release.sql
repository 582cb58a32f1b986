-- Tests of api.storage_release.

create or replace function tests.test_storage_release__frees_the_slot_and_keeps_history()
returns setof text
language plpgsql
as $$
declare
    v_slot   bigint := tests.fx_slot();
    v_ann    bigint := tests.fx_member('Ann');
    v_bob    bigint := tests.fx_member('Bob');
    v_first  dues.storage_view := api.storage_assign(v_slot, v_ann);
begin
    perform api.storage_renewal_request(v_slot, 'more please');
    perform api.storage_release(v_slot, 'emptied');
    return next is((select (ended_on, end_reason) from dues.storage_assignment where id = v_first.assignment_id),
                   (tests.fx_today(), 'emptied'::text), 'the assignment ends today, with the reason');
    return next is((select decision from dues.storage_renewal where assignment_id = v_first.assignment_id), 'rejected',
                   'its open renewal request ends with it');
    return next is((api.storage_assign(v_slot, v_bob)).member_id, v_bob, 'the slot can be given again');
    perform api.storage_release(v_slot);
    return next throws_ok(format('select api.storage_release(%s)', v_slot), 'DU132', null,
                          'a free slot cannot be released');
end
$$;
