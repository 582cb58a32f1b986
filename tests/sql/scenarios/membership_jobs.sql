-- The membership jobs are what the worker's schedule names: jobs.expire, ipn_rematch, storage_remind and cleanup run through dues.job_run.

create or replace function tests.test_membership_jobs__are_scheduled_and_run_through_job_run()
returns setof text
language plpgsql
as $$
declare
    v_job text;
begin
    perform tests.fx_jobs_alone();
    return next set_eq($q$select job from dues.job_list() where scheduled and job in ('expire', 'ipn_rematch', 'storage_remind', 'cleanup')$q$,
                       $q$values ('expire'), ('ipn_rematch'), ('storage_remind'), ('cleanup')$q$,
                       'each membership job is a jobs.<name>(timestamptz) returning jsonb that the schedule names');
    foreach v_job in array array['expire', 'ipn_rematch', 'storage_remind', 'cleanup'] loop
        return next is(dues.job_run(v_job, '2026-05-01 04:00+00') ->> 'now', '2026-05-01T04:00:00+00:00',
                       format('dues.job_run runs %s at the given now', v_job));
    end loop;
    return next throws_ok($q$select jobs.expire(null)$q$, 'DU014', null, 'a job needs its now');
end
$$;
