-- Tests of api.member_provider_ref_list.

create or replace function tests.test_member_provider_ref_list__current_ids_first_then_ended()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_a      text := tests.fx_ref('cus_');
    v_b      text := tests.fx_ref('MD');
begin
    perform api.member_provider_ref_add(v_member, 'stripe', v_a);
    perform api.member_provider_ref_add(v_member, 'gocardless', v_b);
    perform api.member_provider_ref_remove(v_member, 'stripe', v_a);
    return next results_eq(format('select provider, ref, ended_at is null from api.member_provider_ref_list(%s)', v_member),
                           format($q$values ('gocardless'::text, %L::text, true), ('stripe', %L, false)$q$, v_b, v_a),
                           'the current id first, the ended one after');
    return next throws_ok('select * from api.member_provider_ref_list(-1)', 'DU001', null, 'an unknown member');
    return next throws_ok('select * from api.member_provider_ref_list(null)', 'DU014', null, 'a null member');
    perform tests.fx_as_member(v_member);
    return next throws_ok(format('select * from api.member_provider_ref_list(%s)', v_member), '42501', null, 'staff only');
end
$$;
