-- Tests of dues.cron_next: the next time a cron expression names, in the site's time zone.

create or replace function tests.test_cron_next__finds_the_next_time_as_cron_does()
returns setof text
language plpgsql
as $$
begin
    update dues.setting set value = 'UTC' where name = 'local_timezone';
    return next is(dues.cron_next('0 3 * * *', '2026-03-10 02:59:30+00'), '2026-03-10 03:00+00'::timestamptz, 'later the same day');
    return next is(dues.cron_next('0 3 * * *', '2026-03-10 03:00+00'), '2026-03-11 03:00+00'::timestamptz,
                   'never the moment itself: the next day');
    return next is(dues.cron_next('*/15 * * * *', '2026-03-10 10:07+00'), '2026-03-10 10:15+00'::timestamptz, 'steps');
    return next is(dues.cron_next('5-10/5 8,20 * * *', '2026-03-10 08:06+00'), '2026-03-10 08:10+00'::timestamptz, 'ranges and lists');
    return next is(dues.cron_next('0 9 * * mon-fri', '2026-03-13 09:30+00'), '2026-03-16 09:00+00'::timestamptz,
                   'day names: from a Friday to the Monday');
    return next is(dues.cron_next('0 0 * * 7', '2026-03-10 00:00+00'), '2026-03-15 00:00+00'::timestamptz, '7 is Sunday');
    return next is(dues.cron_next('0 0 1 jan *', '2026-03-10 00:00+00'), '2027-01-01 00:00+00'::timestamptz, 'month names');
    return next is(dues.cron_next('0 0 13 * fri', '2026-03-10 00:00+00'), '2026-03-13 00:00+00'::timestamptz,
                   'both day fields given: either matches (Friday the 13th is also a Friday)');
    return next is(dues.cron_next('0 0 29 2 *', '2026-03-10 00:00+00'), '2028-02-29 00:00+00'::timestamptz, 'the next 29 February');
    return next is(dues.cron_next('@monthly', '2026-03-10 00:00+00'), '2026-04-01 00:00+00'::timestamptz, 'shorthands');
    update dues.setting set value = 'Europe/Paris' where name = 'local_timezone';
    return next is(dues.cron_next('0 3 * * *', '2026-03-10 12:00+00'), '2026-03-11 02:00+00'::timestamptz,
                   'read on the site''s clock (03:00 in Paris is 02:00 UTC in winter)');
    return next is(dues.cron_next('0 3 * * *', '2026-07-10 12:00+00'), '2026-07-11 01:00+00'::timestamptz, 'and in summer');
    return next is(dues.cron_next('30 2 * * *', '2026-03-28 12:00+00'), '2026-03-29 01:30+00'::timestamptz,
                   'a time the clock change skips (02:30 on 29 March) still runs, once');
    return next is(dues.cron_next('30 2 * * *', '2026-03-29 01:30+00'), '2026-03-30 00:30+00'::timestamptz, 'then the next day');
end
$$;

create or replace function tests.test_cron_next__refuses_what_is_no_cron_expression()
returns setof text
language plpgsql
as $$
begin
    return next throws_ok('select dues.cron_next(''0 3 * *'', now())', 'DU30J', null, 'four fields');
    return next throws_ok('select dues.cron_next(''60 * * * *'', now())', 'DU30J', null, 'a minute out of range');
    return next throws_ok('select dues.cron_next(''0 0 0 * *'', now())', 'DU30J', null, 'day 0');
    return next throws_ok('select dues.cron_next(''0 0 * 13 *'', now())', 'DU30J', null, 'month 13');
    return next throws_ok('select dues.cron_next(''0 0 * * 8'', now())', 'DU30J', null, 'weekday 8');
    return next throws_ok('select dues.cron_next(''5-1 * * * *'', now())', 'DU30J', null, 'a range backwards');
    return next throws_ok('select dues.cron_next(''*/0 * * * *'', now())', 'DU30J', null, 'a step of 0');
    return next throws_ok('select dues.cron_next(''0 0 * * funday'', now())', 'DU30J', null, 'an unknown name');
    return next throws_ok('select dues.cron_next(''@sometimes'', now())', 'DU30J', null, 'an unknown shorthand');
end
$$;
