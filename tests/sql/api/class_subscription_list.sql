-- Tests of api.class_subscription_list.

create or replace function tests.test_class_subscription_list__lists_subscriptions_oldest_first()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_yoga   bigint := tests.fx_class('fixed_term', '{"price": 10, "months": 1}');
    v_chess  bigint := tests.fx_class('free');
    v_later  bigint := tests.fx_confirmed_order(v_member, v_yoga, jsonb_build_object('start_date', tests.fx_today() + 40));
    v_now    bigint := tests.fx_confirmed_order(v_member, v_chess);
begin
    perform api.class_subscription_confirm(v_later);
    perform api.class_subscription_confirm(v_now);
    return next results_eq(
        format('select class_id, start_date, end_date, order_id, amount from api.class_subscription_list(%s)', v_member),
        format('values (%s::bigint, tests.fx_today(), null::date, %s::bigint, 0::numeric(14,2)),
                       (%s, tests.fx_today() + 40, (tests.fx_today() + 40 + interval ''1 month'')::date - 1, %s, 10)',
               v_chess, v_now, v_yoga, v_later),
        'both subscriptions, by start date, with their orders and amounts');
end
$$;

create or replace function tests.test_class_subscription_list__is_empty_without_subscriptions()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
begin
    perform tests.fx_order(v_member, tests.fx_class());
    return next is_empty(format('select * from api.class_subscription_list(%s)', v_member),
                         'an opened order is not a subscription');
end
$$;

create or replace function tests.test_class_subscription_list__refuses_an_unknown_member()
returns setof text
language plpgsql
as $$
begin
    return next throws_ok('select * from api.class_subscription_list(-1)', 'DU001', null,
                          'an unknown member is refused');
end
$$;
