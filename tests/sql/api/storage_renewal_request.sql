-- Tests of api.storage_renewal_request.

create or replace function tests.test_storage_renewal_request__only_by_the_holder_or_staff()
returns setof text
language plpgsql
as $$
declare
    v_slot   bigint := tests.fx_slot();
    v_member bigint := tests.fx_member();
    v_other  bigint := tests.fx_member();
    v_free   bigint := tests.fx_slot();
    v_before jsonb;
begin
    perform api.storage_assign(v_slot, v_member);
    v_before := tests.fx_state();
    perform tests.fx_as_member(v_other);
    return next throws_ok(format('select api.storage_renewal_request(%s)', v_slot), '42501', format('not allowed to act on storage slot %s', v_slot),
                          'another member cannot renew a slot (and learns nothing of who holds it)');
    return next is(tests.fx_error(format('select api.storage_renewal_request(%s)', v_free)),
                   tests.fx_error(format('select api.storage_renewal_request(%s)', v_slot)),
                   'a free slot is refused alike');
    return next throws_ok('select api.storage_renewal_request(-7)', '42501', null,
                          'and so is one that does not exist');
    return next throws_ok(format('select api.storage_renewal_decide(1, true)'), '42501', null,
                          'nor decide a renewal');
    return next throws_ok(format('select api.storage_assign(%s, %s)', v_free, v_other), '42501', null,
                          'nor take a slot');
    perform tests.fx_as_staff();
    return next throws_ok(format('select api.storage_renewal_request(%s)', v_free), 'DU132', null,
                          'a free slot has nothing to renew');
    return next is(tests.fx_state(), v_before, 'nothing changed');
end
$$;
