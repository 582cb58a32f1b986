-- Tests of api.outbox_retry: a dead message is due again with a fresh set of attempts.

create or replace function tests.test_outbox_retry__a_dead_message_is_sent_again()
returns setof text
language plpgsql
as $$
declare
    v_dead bigint := dues.outbox_enqueue('email', 'paypal_email_confirm', 'dead@example.org', '{"code": "SECRET123"}');
    v_view dues.outbox_view;
begin
    update dues.outbox set state = 'dead', attempts = 8, due_at = now() - interval '1 day', last_error = 'smtp down' where id = v_dead;
    v_view := api.outbox_retry(v_dead, 'the mail server is back');
    return next is((v_view.state, v_view.attempts, v_view.due_at, v_view.last_error), ('pending'::text, 0, now(), 'smtp down'::text),
                   'it is pending, due now, attempts counted anew, the last error kept');
    return next is((select array_agg(c.id) from dues.outbox_claim('fx-worker', 1000, now()) c where c.id = v_dead), array[v_dead],
                   'a worker claims it');
    return next is((select (why, old ->> 'state', new ->> 'state') from dues.audit_log where table_name = 'outbox' and row_id = v_dead),
                   ('the mail server is back'::text, 'dead'::text, 'pending'::text), 'the retry is audited with why');
    return next ok((select old::text || new::text from dues.audit_log where table_name = 'outbox' and row_id = v_dead) not like '%SECRET123%',
                   'without the message''s data');
end
$$;

create or replace function tests.test_outbox_retry__refuses_what_is_not_dead()
returns setof text
language plpgsql
as $$
declare
    v_pending bigint := dues.outbox_enqueue('email', 'welcome', 'p@example.org', '{"name": "P"}');
    v_sent    bigint := dues.outbox_enqueue('email', 'welcome', 's@example.org', '{"name": "S"}');
begin
    update dues.outbox set state = 'sent', sent_at = now() where id = v_sent;
    return next throws_ok(format('select api.outbox_retry(%s)', v_sent), 'DU30G',
                          format('outbox message %s is sent: only a dead message is retried', v_sent), 'a sent message is never sent again');
    return next throws_ok(format('select api.outbox_retry(%s)', v_pending), 'DU30G', null, 'a pending one waits for its time');
    return next throws_ok('select api.outbox_retry(987654321)', 'DU30F', 'outbox message 987654321 not found', 'an unknown message');
    return next throws_ok('select api.outbox_retry(null)', 'DU014', null, 'outbox_id is required');
    perform tests.fx_as_member(tests.fx_member());
    return next throws_ok(format('select api.outbox_retry(%s)', v_pending), '42501', null, 'staff only');
end
$$;
