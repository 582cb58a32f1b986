-- Tests of the period arithmetic of recurring billing: dues.period_start, dues.period_index, dues.period_piece
-- (exact proration by days) and dues.period_amount.

create or replace function tests.test_recurring_periods__count_from_the_anchor_without_drift()
returns setof text
language plpgsql
as $$
begin
    return next is(array(select dues.period_start('2027-01-31', 'month', 1, k) from generate_series(0, 3) k),
                   '{2027-01-31,2027-02-28,2027-03-31,2027-04-30}'::date[],
                   'monthly from 31 January: the end of each month, never drifting to the 28th');
    return next is(array(select dues.period_start('2027-01-01', 'week', 2, k) from generate_series(-1, 1) k),
                   '{2026-12-18,2027-01-01,2027-01-15}'::date[], 'every two weeks, and the period before the anchor');
    return next is(dues.period_start('2028-02-29', 'year', 1, 1), '2029-02-28'::date, 'a year from 29 February ends on 28 February');
    return next is(dues.period_start('2027-03-10', 'day', 3, 2), '2027-03-16'::date, 'every three days');
    return next is(dues.period_start('2027-01-01', 'month', 3, 2), '2027-07-01'::date, 'quarterly');
end
$$;

create or replace function tests.test_recurring_periods__finds_the_period_holding_a_day()
returns setof text
language plpgsql
as $$
begin
    return next is(dues.period_index('2027-01-31', 'month', 1, '2027-02-27'), 0, '27 February is in the period from 31 January');
    return next is(dues.period_index('2027-01-31', 'month', 1, '2027-02-28'), 1, '28 February starts the next one');
    return next is(dues.period_index('2027-01-15', 'month', 1, '2027-01-14'), -1, 'the day before the anchor is in period -1');
    return next is(dues.period_index('2027-01-01', 'year', 1, '2031-12-31'), 4, 'the last day of the fifth year');
    return next is(dues.period_index('2027-01-01', 'week', 1, '2027-01-15'), 2, 'the third week');
    return next is(dues.period_index('2027-01-01', 'day', 7, '2026-12-25'), -1, 'seven-day periods before the anchor');
end
$$;

create or replace function tests.test_recurring_periods__pieces_add_up_to_the_period_amount()
returns setof text
language plpgsql
as $$
begin
    -- 100.00 over April (30 days): 10 days cost 33.33, the other 20 cost 66.67; together exactly 100.00
    return next is(dues.period_piece(100, 'USD', '2027-04-01', '2027-04-30', '2027-04-01', '2027-04-10'), 33.33::numeric,
                   'the first ten days of April cost 33.33 of 100.00');
    return next is(dues.period_piece(100, 'USD', '2027-04-01', '2027-04-30', '2027-04-11', '2027-04-30'), 66.67::numeric,
                   'the other twenty cost 66.67: together exactly 100.00');
    return next is(dues.period_piece(100, 'USD', '2027-04-01', '2027-04-30', '2027-04-01', '2027-04-30'), 100.00::numeric,
                   'the whole period costs its amount');
    return next is_empty($q$
        with split as (select d::date as cut from generate_series('2027-01-02'::date, '2027-01-31', interval '1 day') d)
        select cut from split
         where dues.period_piece(9.99, 'USD', '2027-01-01', '2027-01-31', '2027-01-01', cut - 1)
             + dues.period_piece(9.99, 'USD', '2027-01-01', '2027-01-31', cut, '2027-01-31') <> 9.99$q$,
        'cut on any day of January, the two pieces of 9.99 add up to 9.99');
    return next is((select sum(dues.period_piece(10, 'USD', '2027-01-01', '2027-01-31', d::date, d::date))
                      from generate_series('2027-01-01'::date, '2027-01-31', interval '1 day') d), 10.00::numeric,
                   'thirty-one one-day pieces of 10.00 add up to 10.00, no rounding drift');
    return next is(dues.period_piece(1000, 'JPY', '2027-04-01', '2027-04-30', '2027-04-01', '2027-04-10'), 333::numeric,
                   'in yen the pieces are whole yen');
    return next is(dues.period_piece(100, 'USD', '2027-04-01', '2027-04-30', '2027-03-31', '2027-04-10'), null::numeric,
                   'a piece outside its period has no amount');
end
$$;

create or replace function tests.test_recurring_periods__the_period_amount_is_the_newest_override()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_recurring_class();
    v_member bigint := tests.fx_member();
begin
    return next is(dues.period_amount(v_member, v_class, '2027-01-01'), 30.00::numeric, 'without override: the class amount');
    perform api.period_amount_set(v_member, v_class, 12, '2027-03-01');
    perform api.period_amount_set(v_member, v_class, null, '2027-06-01');
    return next is(dues.period_amount(v_member, v_class, '2027-02-28'), 30.00::numeric, 'before the override takes effect');
    return next is(dues.period_amount(v_member, v_class, '2027-03-01'), 12.00::numeric, 'from its first day');
    return next is(dues.period_amount(v_member, v_class, '2027-06-01'), 30.00::numeric, 'an override of null returns to the class amount');
    return next is(dues.period_amount(tests.fx_member(), v_class, '2027-03-01'), 30.00::numeric, 'another member pays the class amount');
end
$$;
