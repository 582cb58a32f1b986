-- Tests of api.job_schedule_set: a job runs every interval or at a cron expression's times, enabled or not.

create or replace function tests.test_job_schedule_set__schedules_a_job_by_interval_or_cron()
returns setof text
language plpgsql
as $$
declare
    v_row dues.job_schedule;
begin
    perform tests.fx_jobs_alone();
    update dues.setting set value = 'UTC' where name = 'local_timezone';
    v_row := api.job_schedule_set('collect', '30 2 * * *', why => 'before the backup');
    return next is((v_row.cron, v_row.every, v_row.enabled), ('30 2 * * *'::text, null::interval, true), 'a cron expression');
    return next is(v_row.next_run_at, dues.cron_next('30 2 * * *', now()), 'the next run is its next time');
    return next is((select why from dues.audit_log where table_name = 'job_schedule' and new ->> 'job' = 'collect'), 'before the backup',
                   'audited with why');
    v_row := api.job_schedule_set('collect', '12 hours');
    return next is((v_row.cron, v_row.every, v_row.next_run_at), (null::text, interval '12 hours', now() + interval '12 hours'),
                   'an interval: the first run one interval from now');
    update dues.job_schedule set next_run_at = now() + interval '1 hour' where job = 'collect';
    v_row := api.job_schedule_set('collect', '1 day');
    return next is(v_row.next_run_at, now() + interval '1 hour', 'a next run within one interval stays (its time of day with it)');
    v_row := api.job_schedule_set('collect', enabled => false);
    return next is((v_row.enabled, v_row.every), (false, interval '1 day'), 'disabled, the schedule kept');
    return next is((select count(*)::int from dues.job_claim(now() + interval '2 days') j where j = 'collect'), 0,
                   'a disabled job is not run');
    v_row := api.job_schedule_set('collect', enabled => true, next_run_at => now() + interval '5 minutes');
    return next is((v_row.enabled, v_row.next_run_at), (true, now() + interval '5 minutes'), 'enabled again, at a chosen next run');
    v_row := api.job_schedule_set('collect', '@daily');
    return next is(v_row.cron, '@daily', 'a cron shorthand');
end
$$;

create or replace function tests.test_job_schedule_set__a_job_without_a_schedule_gets_one()
returns setof text
language plpgsql
as $$
begin
    perform tests.fx_jobs_alone();
    delete from dues.job_schedule where job = 'storage_remind';
    return next throws_ok('select api.job_schedule_set(''storage_remind'', enabled => true)', 'DU014', null,
                          'a job without a schedule needs one');
    return next is((api.job_schedule_set('storage_remind', '0 6 * * mon')).enabled, true, 'it gets one, enabled');
    return next is((select scheduled from api.job_list() where job = 'storage_remind'), true, 'and is scheduled');
end
$$;

create or replace function tests.test_job_schedule_set__refuses_what_is_no_schedule()
returns setof text
language plpgsql
as $$
declare
    v_before jsonb := tests.fx_state();
begin
    perform tests.fx_jobs_alone();
    return next throws_ok('select api.job_schedule_set(''collect'', ''soon'')', 'DU30J',
                          '"soon" is neither an interval (1 day, 15 minutes) nor a cron expression (0 3 * * *)',
                          'text that is neither an interval nor a cron expression');
    return next throws_ok('select api.job_schedule_set(''collect'', ''0 25 * * *'')', 'DU30J', null, 'an hour out of range');
    return next throws_ok('select api.job_schedule_set(''collect'', ''0 0 31 2 *'')', 'DU30J', null, 'a day that never comes');
    return next throws_ok('select api.job_schedule_set(''collect'', ''10 seconds'')', 'DU30J', null, 'an interval under a minute');
    return next throws_ok('select api.job_schedule_set(''collect'', ''-1 day'')', 'DU30J', null, 'a negative interval');
    return next throws_ok('select api.job_schedule_set(''payroll'', ''1 day'')', 'DU090', null, 'an unknown job');
    return next throws_ok('select api.job_schedule_set(null, ''1 day'')', 'DU014', null, 'job is required');
    return next is(tests.fx_state(), v_before, 'and nothing changed');
    perform tests.fx_as_member(tests.fx_member());
    return next throws_ok('select api.job_schedule_set(''collect'', ''1 day'')', '42501', null, 'staff only');
end
$$;
