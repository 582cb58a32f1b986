-- Tests of dues.job_claim.

create or replace function tests.test_job_claim__claims_due_jobs_once_at_their_time_of_day()
returns setof text language plpgsql as $$
begin
    perform tests.fx_jobs_alone();
    perform tests.fx_job();
    update dues.job_schedule set enabled = false where job <> 'fx_count';
    return next is((select count(*) from dues.job_claim('2026-01-01 02:59+00')), 0::bigint, 'not due before its time');
    return next is((select array_agg(j) from dues.job_claim('2026-01-05 10:00+00') j), array['fx_count'], 'due: claimed');
    return next is((select next_run_at from dues.job_schedule where job = 'fx_count'), '2026-01-06 03:00+00'::timestamptz,
                   'the next run is the next 03:00 after now, days missed are not run one by one');
    return next is((select count(*) from dues.job_claim('2026-01-05 10:00+00')), 0::bigint, 'claimed once');
end $$;

create or replace function tests.test_job_claim__skips_jobs_without_a_function()
returns setof text language plpgsql as $$
begin
    perform tests.fx_jobs_alone();
    update dues.job_schedule set enabled = false;
    insert into dues.job_schedule (job, every, next_run_at) values ('not_written_yet', interval '1 hour', '2026-01-01');
    return next is((select count(*) from dues.job_claim('2027-01-01')), 0::bigint, 'a schedule row without its job is skipped');
end $$;

create or replace function tests.test_job_claim__a_cron_schedule_moves_to_its_next_time()
returns setof text language plpgsql as $$
begin
    perform tests.fx_jobs_alone();
    update dues.setting set value = 'UTC' where name = 'local_timezone';
    update dues.job_schedule set enabled = false where job <> 'collect';
    update dues.job_schedule set every = null, cron = '0 3 * * mon', next_run_at = '2026-01-05 03:00+00' where job = 'collect';
    return next is((select array_agg(j) from dues.job_claim('2026-01-07 10:00+00') j), array['collect'], 'due: claimed');
    return next is((select next_run_at from dues.job_schedule where job = 'collect'), '2026-01-12 03:00+00'::timestamptz,
                   'the next run is the cron''s next time after now');
end $$;
