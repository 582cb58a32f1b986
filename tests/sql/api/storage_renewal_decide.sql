-- Tests of api.storage_renewal_decide.

create or replace function tests.test_storage_renewal__accepted_extends_by_one_term()
returns setof text
language plpgsql
as $$
declare
    v_slot    bigint := tests.fx_slot();
    v_member  bigint := tests.fx_member();
    v_view    dues.storage_view := api.storage_assign(v_slot, v_member, '2026-03-01');
    v_request dues.storage_renewal;
    v_again   dues.storage_renewal;
begin
    perform tests.fx_as_member(v_member);
    v_request := api.storage_renewal_request(v_slot, 'still building the robot');
    v_again := api.storage_renewal_request(v_slot);
    perform tests.fx_as_staff();
    return next is(v_again.id, v_request.id, 'asking again returns the open request');
    v_request := api.storage_renewal_decide(v_request.id, true, 'fine');
    return next is((v_request.decision, v_request.new_expires_on), ('accepted'::text, '2026-08-31'::date),
                   'an accepted renewal extends the slot by one term from its expiry');
    return next is((select expires_on from dues.storage_assignment where id = v_view.assignment_id), '2026-08-31'::date,
                   'the assignment now expires then');
    return next results_eq(format($q$select data ->> 'decision', data ->> 'expires_on' from tests.fx_outbox('storage_renewal_decided', %L)$q$,
                                  tests.fx_email(v_member)),
                           $q$values ('accepted'::text, '2026-08-31'::text)$q$, 'the member is told');
    return next throws_ok(format('select api.storage_renewal_decide(%s, false)', v_request.id), 'DU134',
                          format('storage renewal request %s was accepted already', v_request.id), 'a request is decided once');
end
$$;

create or replace function tests.test_storage_renewal__rejected_changes_nothing_else()
returns setof text
language plpgsql
as $$
declare
    v_slot    bigint := tests.fx_slot();
    v_member  bigint := tests.fx_member();
    v_view    dues.storage_view := api.storage_assign(v_slot, v_member, '2026-03-01');
    v_request dues.storage_renewal := api.storage_renewal_request(v_slot);
begin
    v_request := api.storage_renewal_decide(v_request.id, false, 'others are waiting');
    return next is((v_request.decision, v_request.new_expires_on), ('rejected'::text, null::date), 'a rejected request');
    return next is((select expires_on from dues.storage_assignment where id = v_view.assignment_id), '2026-05-31'::date,
                   'leaves the expiry as it was');
    return next throws_ok('select api.storage_renewal_decide(-1, true)', 'DU133', 'storage renewal request -1 not found', 'an unknown request');
end
$$;
