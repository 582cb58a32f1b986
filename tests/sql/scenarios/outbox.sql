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

create or replace function tests.test_outbox__rows_are_never_deleted()
returns setof text language plpgsql as $$
declare
    v_id bigint := dues.outbox_enqueue('email', tests.fx_template(), 'ann@example.org');
begin
    return next throws_ok(format('delete from dues.outbox where id = %s', v_id), 'DU042', null,
                          'outbox rows are history');
end $$;
