-- Tests of api.member_provider_ref_add.

create or replace function tests.test_member_provider_ref_add__gives_an_id_to_one_member()
returns setof text
language plpgsql
as $$
declare
    v_ann    bigint := tests.fx_member('Ann');
    v_bob    bigint := tests.fx_member('Bob');
    v_ref    text := tests.fx_ref('MD');
    v_added  dues.member_provider_ref_view;
    v_before jsonb;
begin
    v_added := api.member_provider_ref_add(v_ann, 'gocardless', ' ' || v_ref || ' ');
    return next is((v_added.member_id, v_added.provider, v_added.ref, v_added.source),
                   (v_ann, 'gocardless'::text, v_ref, 'staff'::text), 'the id is the member''s, trimmed');
    return next is((api.member_provider_ref_add(v_ann, 'gocardless', v_ref)).id, v_added.id, 'giving it again changes nothing');
    v_before := tests.fx_state();
    return next throws_ok(format('select api.member_provider_ref_add(%s, %L, %L)', v_bob, 'gocardless', v_ref), 'DU606',
                          format('gocardless id %s is member %s''s', v_ref, v_ann), 'one member per id');
    return next ok((api.member_provider_ref_add(v_bob, 'stripe', v_ref)).id is not null, 'another provider''s id of the same text is another id');
    return next throws_ok(format('select api.member_provider_ref_add(%s, %L, %L)', v_bob, 'square', 'x'), 'DU019', null, 'an unknown provider');
    return next throws_ok(format('select api.member_provider_ref_add(%s, %L, %L)', v_bob, 'stripe', ' '), 'DU017', null, 'a blank id');
    return next throws_ok(format('select api.member_provider_ref_add(%s, %L, %L)', v_bob, 'stripe', 'cus 1; drop'), 'DU01A', null,
                          'an id of other characters');
    return next throws_ok(format('select api.member_provider_ref_add(%s, null, %L)', v_bob, 'x'), 'DU014', null, 'a null provider');
    return next throws_ok(format('select api.member_provider_ref_add(-1, %L, %L)', 'stripe', 'cus_1'), 'DU001', null, 'an unknown member');
    perform tests.fx_as_member(v_bob);
    return next throws_ok(format('select api.member_provider_ref_add(%s, %L, %L)', v_bob, 'stripe', tests.fx_ref('cus_')), '42501', null,
                          'a member may not give itself an id (and so take another''s payments)');
end
$$;
