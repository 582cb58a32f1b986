-- Tests of dues.job_failed.

create or replace function tests.test_job_failed__records_the_error()
returns setof text language plpgsql as $$
begin
    perform tests.fx_jobs_alone();
    perform tests.fx_job();
    perform dues.job_failed('fx_count', 'boom', '2026-01-01 03:00:05+00');
    return next is((select last_error from dues.job_schedule where job = 'fx_count'), 'boom', 'the error is kept');
end $$;
