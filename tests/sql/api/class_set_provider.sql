-- Tests of api.class_set_provider.

create or replace function tests.test_class_set_provider__names_who_invoices_a_class()
returns setof text
language plpgsql
as $$
declare
    v_class    bigint := tests.fx_class('recurring', '{"period": "month", "amount": 5, "renewal": "auto_renew"}');
    v_provider bigint := tests.fx_provider();
    v_org      bigint := tests.fx_member('Not a provider', 'organization');
begin
    return next is((api.class_set_provider(v_class, v_provider)).provider_id, v_provider, 'the class is provided by the provider');
    return next is((api.class_set_provider(v_class, null)).provider_id, null::bigint, 'null: back to the broker');
    return next throws_ok(format('select api.class_set_provider(%s, %s)', v_class, v_org), 'DUB05',
                          format('member %s is not a provider', v_org), 'a member that is not a provider is refused');
    return next throws_ok(format('select api.class_set_provider(-1, %s)', v_provider), 'DU002', null,
                          'an unknown class is refused');
end
$$;

create or replace function tests.test_class_set_provider__back_to_no_broker_is_refused()
returns setof text
language plpgsql
as $$
declare
    v_provider bigint := tests.fx_provider();
    v_class    bigint := tests.fx_recurring_class(p_provider => v_provider);
begin
    update dues.provider set broker = false where broker;
    return next throws_ok(format('select api.class_set_provider(%s, null)', v_class), 'DUB14',
                          format('class %s names no provider and no broker is registered', v_class),
                          'back to the broker while there is none is refused');
    return next is((select provider_id from dues.class where id = v_class), v_provider, 'the class keeps its provider');
end
$$;
