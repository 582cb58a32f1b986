-- dues.job_list, job_run, job_claim, job_failed: the one path every background job runs through.

create or replace function tests.fx_job()
returns text
language plpgsql
as $$
begin
    perform tests.fx_jobs_alone();
    execute $f$create or replace function jobs.fx_count(p_now timestamptz) returns jsonb language sql
                as $b$ select jsonb_build_object('now', p_now, 'members', (select count(*) from dues.member)) $b$ $f$;
    insert into dues.job_schedule (job, every, next_run_at)
    values ('fx_count', interval '1 day', '2026-01-01 03:00+00') on conflict do nothing;
    return 'fx_count';
end
$$;

create or replace function tests.test_job_run__runs_the_job_at_the_given_time_and_records_it()
returns setof text language plpgsql as $$
declare
    v_result jsonb := dues.job_run(tests.fx_job(), '2026-02-03 04:05+00');
begin
    perform tests.fx_jobs_alone();
    return next is(v_result ->> 'now', '2026-02-03T04:05:00+00:00', 'the job saw the given now');
    return next is((select last_result from dues.job_schedule where job = 'fx_count'), v_result, 'the run is recorded');
    return next ok((select job from dues.job_list() where job = 'fx_count') is not null, 'the job is listed');
end $$;

create or replace function tests.test_job_run__refuses_an_unknown_job()
returns setof text language plpgsql as $$
begin
    perform tests.fx_jobs_alone();
    perform tests.fx_job();
    return next throws_ok($q$select dues.job_run('no_such_job', now())$q$, 'DU090', 'no job named no_such_job',
                          'an unknown job is refused');
    return next throws_ok($q$select dues.job_run('job_run; drop table dues.member', now())$q$, 'DU090', null,
                          'a name is never SQL');
end $$;
