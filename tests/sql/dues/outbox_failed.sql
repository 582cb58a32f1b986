-- Tests of dues.outbox_failed.

create or replace function tests.test_outbox_failed__backs_off_then_gives_up()
returns setof text language plpgsql as $$
declare
    v_now timestamptz := '2026-03-01 12:00+00';
    v_id  bigint := dues.outbox_enqueue('email', tests.fx_template(), 'ann@example.org', '{}', v_now);
begin
    update dues.outbox set max_attempts = 2 where id = v_id;
    perform dues.outbox_claim('w1', 1, v_now);
    return next is(dues.outbox_failed(v_id, 'w1', 'connection refused', v_now), 'pending', 'a first failure is retried');
    return next is((select due_at from dues.outbox where id = v_id), v_now + interval '30 seconds', 'after the base backoff');
    return next is((select last_error from dues.outbox where id = v_id), 'connection refused', 'the error is kept');
    perform dues.outbox_claim('w1', 1, v_now + interval '31 seconds');
    return next is(dues.outbox_failed(v_id, 'w1', 'still refused', v_now + interval '31 seconds'), 'dead',
                   'the last attempt marks it dead');
    return next is((select count(*) from dues.outbox_claim('w1', 10, v_now + interval '1 year')), 0::bigint,
                   'a dead row is not claimed');
end $$;
