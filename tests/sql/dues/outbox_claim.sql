-- Tests of dues.outbox_claim.

create or replace function tests.test_outbox_claim__renders_and_leases_due_rows_once()
returns setof text language plpgsql as $$
declare
    v_now    timestamptz := '2026-03-01 12:00+00';
    v_due    bigint := dues.outbox_enqueue('email', tests.fx_template(), 'ann@example.org', '{"name":"Ann","amount":"5.00"}', '2026-03-01 11:00+00');
    v_later  bigint := dues.outbox_enqueue('email', 'fx_note', 'bob@example.org', '{}', '2026-03-02 00:00+00');
    v_claim  record;
begin
    select * into v_claim from dues.outbox_claim('w1', 10, v_now);
    return next is(v_claim.id, v_due, 'the due row is claimed');
    return next is(v_claim.subject, 'Hello Ann', 'the subject is rendered');
    return next is(v_claim.body_text, 'Dear Ann, you owe 5.00.', 'the body is rendered');
    return next is((select count(*) from dues.outbox_claim('w1', 10, v_now)), 0::bigint, 'a leased row is not claimed again');
    return next is((select count(*) from dues.outbox_claim('w2', 10, v_now + interval '119 seconds')), 0::bigint,
                   'not even by another worker while the lease runs');
    return next is((select id from dues.outbox_claim('w2', 10, v_now + interval '121 seconds')), v_due,
                   'a lease that ran out (a worker died) is claimed again');
    return next is((select attempts from dues.outbox where id = v_due), 2, 'each claim counts as an attempt');
    return next is((select state from dues.outbox where id = v_later), 'pending', 'a row not yet due is left alone');
end $$;
