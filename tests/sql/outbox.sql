-- dues.outbox_enqueue, template_fill, outbox_claim, outbox_sent, outbox_failed: the delivery protocol.

create or replace function tests.fx_template(p_name text default 'fx_note', p_kind text default 'email')
returns text
language sql
as $$
    insert into dues.message_template (name, kind, subject, body_text, body_html)
    values (p_name, p_kind, 'Hello {{name}}', 'Dear {{ name }}, you owe {{amount}}.{{missing}}', '<p>{{name}}</p>')
    on conflict (name) do nothing;
    select p_name
$$;

create or replace function tests.test_outbox_enqueue__queues_a_pending_row()
returns setof text language plpgsql as $$
declare
    v_id bigint := dues.outbox_enqueue('email', tests.fx_template(), 'ann@example.org', '{"name":"Ann"}');
begin
    return next is((select state from dues.outbox where id = v_id), 'pending', 'a queued message is pending');
    return next is((select attempts from dues.outbox where id = v_id), 0, 'it has not been tried');
end $$;

create or replace function tests.test_outbox_enqueue__refuses_an_unknown_template()
returns setof text language plpgsql as $$
declare
    v_before jsonb := tests.fx_state();
begin
    perform tests.fx_template();
    v_before := tests.fx_state();
    return next throws_ok($q$select dues.outbox_enqueue('email', 'no_such_template', 'a@example.org')$q$,
                          'DU080', 'no email template named no_such_template', 'an unknown template is refused');
    return next throws_ok($q$select dues.outbox_enqueue('webhook', 'fx_note', 'https://example.org/hook')$q$,
                          'DU080', 'no webhook template named fx_note', 'a template of the other kind is refused');
    return next is(tests.fx_state(), v_before, 'nothing was queued');
end $$;

create or replace function tests.test_template_fill__replaces_keys_and_empties_missing_ones()
returns setof text language sql as $$
    select is(dues.template_fill('Dear {{ name }}, {{amount}} {{gone}}!', '{"name":"A\\1 & B","amount":"10.00"}'),
              'Dear A\1 & B, 10.00 !', 'keys are replaced literally, missing keys become empty');
$$;

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
                          format('outbox row %s is not being sent by w1', v_id), 'and cannot be recorded twice');
end $$;

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

create or replace function tests.test_outbox__rows_are_never_deleted()
returns setof text language plpgsql as $$
declare
    v_id bigint := dues.outbox_enqueue('email', tests.fx_template(), 'ann@example.org');
begin
    return next throws_ok(format('delete from dues.outbox where id = %s', v_id), 'DU042', null,
                          'outbox rows are history');
end $$;
