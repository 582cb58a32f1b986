-- Tests of api.job_list: the jobs with their schedules and last runs.

create or replace function tests.test_job_list__lists_every_job_with_its_schedule()
returns setof text
language plpgsql
as $$
begin
    perform tests.fx_jobs_alone();
    perform dues.job_run('cleanup', now());
    return next is(array(select job from api.job_list()), array(select proname::text from pg_proc where pronamespace = 'jobs'::regnamespace
                                                                 order by 1),
                   'every function of schema jobs, by name');
    return next is((select (scheduled, every, cron, enabled) from api.job_list() where job = 'collect'),
                   (true, interval '1 day', null::text, true), 'with its schedule');
    return next is((select (last_finished_at is not null, last_result is not null, last_error) from api.job_list() where job = 'cleanup'),
                   (true, true, null::text), 'and its last run');
    perform tests.fx_as_member(tests.fx_member());
    return next throws_ok('select * from api.job_list()', '42501', null, 'staff only');
end
$$;
