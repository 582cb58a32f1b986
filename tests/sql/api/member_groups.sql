-- Tests of api.member_groups.

create or replace function tests.test_member_groups__a_member_sees_only_its_own()
returns setof text
language plpgsql
as $$
declare
    v_ann bigint := tests.fx_member('Ann');
    v_bob bigint := tests.fx_member('Bob');
begin
    perform tests.fx_as_member(v_ann);
    return next lives_ok(format('select * from api.member_groups(%s)', v_ann), 'a member may list its own groups');
    return next throws_ok(format('select * from api.member_groups(%s)', v_bob), '42501', null,
                          'not another member''s');
end
$$;
