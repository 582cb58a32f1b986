-- Tests of api.member_balance.

create or replace function tests.test_member_balance__is_zero_in_the_default_currency_at_first()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
begin
    return next results_eq(format('select * from api.member_balance(%s)', v_member),
                           $q$values ('USD'::char(3), 0::numeric(14,2), 0::numeric(14,2), 0::numeric(14,2))$q$,
                           'a new member has one row of zeros in the default currency');
end
$$;

create or replace function tests.test_member_balance__reports_balance_reserved_and_available()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_class  bigint := tests.fx_class('single_payment', '{"price": 30}');
    v_order  bigint := tests.fx_order(v_member, v_class);
begin
    perform tests.fx_pay(v_member, 20, 'EUR');
    perform tests.fx_pay(v_member, 50, 'USD');
    perform api.order_confirm(v_order);
    return next results_eq(format('select * from api.member_balance(%s)', v_member),
                           $q$values ('EUR'::char(3), 20::numeric(14,2), 0::numeric(14,2), 20::numeric(14,2)),
                                    ('USD', 50, 30, 20)$q$,
                           'one row per currency; the confirmed order reserves 30 USD');
    perform api.class_subscription_confirm(v_order);
    return next results_eq(format('select * from api.member_balance(%s) where currency = %L', v_member, 'USD'),
                           $q$values ('USD'::char(3), 20::numeric(14,2), 0::numeric(14,2), 20::numeric(14,2))$q$,
                           'once the subscription is paid the reservation becomes spent money');
end
$$;

create or replace function tests.test_member_balance__refuses_an_unknown_member()
returns setof text
language plpgsql
as $$
begin
    return next throws_ok('select * from api.member_balance(-1)', 'DU001', null, 'an unknown member is refused');
    return next throws_ok('select * from api.member_balance(null)', 'DU014', null, 'a null member is refused');
end
$$;
