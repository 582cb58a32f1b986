-- Tests of api.member_provider_ref_remove.

create or replace function tests.test_member_provider_ref_remove__ends_an_id_that_then_matches_nobody()
returns setof text
language plpgsql
as $$
declare
    v_ann      bigint := tests.fx_member('Ann');
    v_bob      bigint := tests.fx_member('Bob');
    v_customer text := tests.fx_ref('cus_');
    v_removed  dues.member_provider_ref_view;
begin
    perform api.member_provider_ref_add(v_ann, 'stripe', v_customer);
    v_removed := api.member_provider_ref_remove(v_ann, 'stripe', v_customer);
    return next ok(v_removed.ended_at is not null and v_removed.ended_by is not null, 'ended, with who and when');
    return next is((tests.fx_stripe_paid('nobody' || v_ann || '@example.org', 100, null, v_customer)).state, 'unmatched',
                   'an event naming it no longer goes to the member');
    return next is((api.member_provider_ref_add(v_bob, 'stripe', v_customer)).member_id, v_bob, 'another member may be given it');
    return next throws_ok(format('select api.member_provider_ref_remove(%s, %L, %L)', v_ann, 'stripe', v_customer), 'DU607',
                          format('member %s has no stripe id %s', v_ann, v_customer), 'removing it twice');
    return next throws_ok(format('select api.member_provider_ref_remove(%s, %L, null)', v_ann, 'stripe'), 'DU014', null, 'a null id');
    return next throws_ok(format('select api.member_provider_ref_remove(-1, %L, %L)', 'stripe', v_customer), 'DU001', null, 'an unknown member');
end
$$;
