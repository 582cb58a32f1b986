-- Tests of api.provider_register and api.class_set_provider.

create or replace function tests.test_provider_register__makes_providers_and_one_broker()
returns setof text
language plpgsql
as $$
declare
    v_org    bigint := tests.fx_member('Host Co-op', 'organization');
    v_other  bigint := tests.fx_member('Other Org', 'organization');
    v_row    dues.provider;
begin
    -- the site's organization is the broker from the first migration on: in this test's view, none is
    update dues.provider set broker = false where broker;
    v_row := api.provider_register(v_org);
    return next is((v_row.member_id, v_row.broker), (v_org, false), 'an organization becomes a provider');
    return next is((api.provider_register(v_org, true)).broker, true, 'registering it again can make it the broker');
    return next is((api.provider_register(v_org)).broker, true, 'and registering it once more keeps it the broker');
    return next throws_ok(format('select api.provider_register(%s, true)', v_other), 'DUB17', format('member %s is already the broker', v_org),
                          'there is one broker');
    return next is((select count(*)::int from dues.provider where member_id in (v_org, v_other)), 1, 'the refused one was not registered');
end
$$;

create or replace function tests.test_provider_register__refuses_people_and_callers()
returns setof text
language plpgsql
as $$
declare
    v_person bigint := tests.fx_member('Ada');
    v_org    bigint := tests.fx_member('Org', 'organization');
    v_before jsonb  := tests.fx_state();
begin
    return next throws_ok(format('select api.provider_register(%s)', v_person), 'DU01G',
                          format('member %s is a person, only an organization can be a provider', v_person), 'a person cannot be a provider');
    return next throws_ok('select api.provider_register(-1)', 'DU001', null, 'an unknown member is refused');
    return next throws_ok(format('select api.provider_register(%s, null)', v_org), 'DU014', null,
                          'a null broker flag is refused');
    perform tests.fx_as_member(v_person);
    return next throws_ok(format('select api.provider_register(%s)', v_org), '42501', null, 'only staff register providers');
    perform tests.fx_as_staff();
    return next is(tests.fx_state(), v_before, 'nothing changed');
end
$$;
