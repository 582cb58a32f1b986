-- Tests of dues.outbox_enqueue.

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
                          'DU080', null, 'a template of the other kind is refused');
    return next is(tests.fx_state(), v_before, 'nothing was queued');
end $$;
