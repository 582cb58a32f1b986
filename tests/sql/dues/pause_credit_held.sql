-- Tests of dues.pause_credit_held (what of a pause credit still holds as its pause is resumed).

create or replace function tests.test_pause_credit_held__shrinks_with_the_days_still_paused()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_sub    bigint := tests.fx_subscribe(v_member, tests.fx_recurring_class(), tests.fx_day(4, 1));
    v_pause  dues.recurring_subscription_pause;
    v_credit bigint;
begin
    -- April (30 days, 30.00) invoiced and paid; days 11 to 20 paused: 10.00 credited
    perform tests.fx_collect(tests.fx_day(3, 18));
    perform tests.fx_pay(v_member, 30);
    v_pause := api.recurring_subscription_pause(v_sub, tests.fx_day(4, 11), tests.fx_day(4, 20));
    select id into v_credit from dues.pause_credit where recurring_subscription_pause_id = v_pause.id;
    return next is(dues.pause_credit_held(v_credit), 10.00::numeric, 'while every day it credited is paused, all of it holds');
    perform api.recurring_subscription_resume(v_sub, tests.fx_day(4, 14));
    return next is(dues.pause_credit_held(v_credit), 3.00::numeric, 'resumed on the 14th, the three days still paused hold 3.00');
    return next is((select amount from dues.charge where class_subscription_id = v_sub), 7.00::numeric(14,2),
                   'and the resumption charged back the 7.00 that stopped holding');
    perform api.recurring_subscription_resume(v_sub, tests.fx_day(4, 11));
    return next is(dues.pause_credit_held(v_credit), 0::numeric, 'once the pause is removed, nothing holds');
    return next is(dues.pause_credit_held(-1), null::numeric, 'an unknown pause credit holds nothing it can say');
end
$$;
