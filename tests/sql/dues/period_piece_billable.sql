-- Tests of dues.period_piece_billable (a piece of a period with the subscription's paused days left out) and
-- dues.recurring_subscription_paused_days (those days, for an invoice line).

create or replace function tests.test_period_piece_billable__leaves_out_exactly_the_paused_days()
returns setof text
language plpgsql
as $$
declare
    v_sub bigint := tests.fx_subscribe(tests.fx_member(), tests.fx_recurring_class(), tests.fx_day(1, 1));
begin
    return next is(dues.period_piece_billable(v_sub, 9.99, 'USD', tests.fx_day(1, 1), tests.fx_day(1, 31), tests.fx_day(1, 1), tests.fx_day(1, 31)),
                   9.99::numeric, 'without a pause a piece costs what dues.period_piece says');
    perform api.recurring_subscription_pause(v_sub, tests.fx_day(1, 5), tests.fx_day(1, 9));
    perform api.recurring_subscription_pause(v_sub, tests.fx_day(1, 20), tests.fx_day(2, 3));
    return next is(dues.period_piece_billable(v_sub, 9.99, 'USD', tests.fx_day(1, 1), tests.fx_day(1, 31), tests.fx_day(1, 1), tests.fx_day(1, 31))
                   + dues.period_piece(9.99, 'USD', tests.fx_day(1, 1), tests.fx_day(1, 31), tests.fx_day(1, 5), tests.fx_day(1, 9))
                   + dues.period_piece(9.99, 'USD', tests.fx_day(1, 1), tests.fx_day(1, 31), tests.fx_day(1, 20), tests.fx_day(1, 31)),
                   9.99::numeric, 'the days not paused and the two paused stretches of January add up to exactly 9.99');
    return next is(dues.period_piece_billable(v_sub, 9.99, 'USD', tests.fx_day(1, 1), tests.fx_day(1, 31), tests.fx_day(1, 5), tests.fx_day(1, 9)),
                   0::numeric, 'a piece paused whole costs nothing');
    return next is(dues.recurring_subscription_paused_days(v_sub, tests.fx_day(1, 1), tests.fx_day(1, 31)),
                   format(' (paused %s to %s, %s to %s)', tests.fx_day(1, 5), tests.fx_day(1, 9), tests.fx_day(1, 20), tests.fx_day(1, 31)),
                   'the line of January names both stretches, cut at its end');
    return next is(dues.recurring_subscription_paused_days(v_sub, tests.fx_day(1, 10), tests.fx_day(1, 19)), '',
                   'a piece without paused days names none');
end
$$;
