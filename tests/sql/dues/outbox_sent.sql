-- Tests of dues.outbox_sent.

create or replace function tests.test_outbox_sent__is_final_and_only_for_the_lease_holder()
returns setof text language plpgsql as $$
declare
    v_now timestamptz := '2026-03-01 12:00+00';
    v_id  bigint := dues.outbox_enqueue('email', tests.fx_template(), 'ann@example.org', '{}', v_now);
begin
    perform dues.outbox_claim('w1', 1, v_now);
    return next throws_ok(format($q$select dues.outbox_sent(%s, 'w2', now())$q$, v_id), 'DU081',
                          format('outbox row %s is not being sent by w2', v_id), 'another worker cannot record it');
    perform dues.outbox_sent(v_id, 'w1', v_now);
    return next is((select state from dues.outbox where id = v_id), 'sent', 'recorded as sent');
    return next is((select count(*) from dues.outbox_claim('w1', 10, v_now + interval '1 day')), 0::bigint,
                   'a sent row is never claimed again');
    return next throws_ok(format($q$select dues.outbox_sent(%s, 'w1', now())$q$, v_id), 'DU081',
                          null, 'and cannot be recorded twice');
end $$;
