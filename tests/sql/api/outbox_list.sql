-- Tests of api.outbox_list: outgoing messages by state, newest first, without their data.

create or replace function tests.test_outbox_list__lists_messages_by_state_without_their_data()
returns setof text
language plpgsql
as $$
declare
    v_sent bigint := dues.outbox_enqueue('email', 'welcome', 'sent@example.org', '{"name": "A"}');
    v_dead bigint := dues.outbox_enqueue('email', 'welcome', 'dead@example.org', '{"name": "B"}');
    v_new  bigint := dues.outbox_enqueue('email', 'paypal_email_confirm', 'new@example.org', '{"code": "SECRET123"}');
begin
    update dues.outbox set state = 'sent', sent_at = now() where id = v_sent;
    update dues.outbox set state = 'dead', attempts = 8, last_error = 'smtp: 550 no such user' where id = v_dead;
    return next is(array(select id from api.outbox_list() where id in (v_sent, v_dead, v_new)), array[v_new, v_dead, v_sent],
                   'every message, newest first');
    return next is(array(select id from api.outbox_list('dead') where id in (v_sent, v_dead, v_new)), array[v_dead], 'the dead ones');
    return next is(array(select id from api.outbox_list('pending') where id in (v_sent, v_dead, v_new)), array[v_new],
                   'the pending ones');
    return next is((select (recipient, attempts, last_error) from api.outbox_list('dead') where id = v_dead),
                   ('dead@example.org'::text, 8, 'smtp: 550 no such user'::text), 'each with its recipient, attempts and last error');
    return next ok((select bool_and(to_jsonb(o)::text not like '%SECRET123%') from api.outbox_list() o),
                   'never the data (a confirmation code)');
    return next is(array(select id from api.outbox_list("limit" => 1, after => v_new) where id in (v_sent, v_dead, v_new)), array[v_dead],
                   'a page at a time');
end
$$;

create or replace function tests.test_outbox_list__refuses_bad_arguments_and_members()
returns setof text
language plpgsql
as $$
begin
    return next throws_ok('select * from api.outbox_list(''lost'')', 'DU019', null, 'an unknown state');
    return next throws_ok('select * from api.outbox_list("limit" => 0)', 'DU300', null, 'a limit of 0');
    perform tests.fx_as_member(tests.fx_member());
    return next throws_ok('select * from api.outbox_list()', '42501', null, 'staff only');
end
$$;
