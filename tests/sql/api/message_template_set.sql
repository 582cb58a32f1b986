-- Tests of api.message_template_set: subject and text change; a placeholder the event does not fill in is refused.

create or replace function tests.test_message_template_set__changes_subject_and_text()
returns setof text
language plpgsql
as $$
declare
    v_member   bigint := tests.fx_member('Ada');
    v_template dues.message_template;
    v_outbox   bigint;
begin
    v_outbox := dues.outbox_enqueue('email', 'welcome', tests.fx_email(v_member),
                                    jsonb_build_object('name', 'Ada', 'email', tests.fx_email(v_member), 'member_id', v_member));
    v_template := api.message_template_set('welcome', 'Welcome to the Hive, {{ name }}',
                                           E'Hi {{name}},\nyour member number is {{member_id}}.\n', 'friendlier');
    return next is((v_template.subject, v_template.updated_by), ('Welcome to the Hive, {{ name }}'::text, dues.actor()),
                   'the subject and text change');
    return next is((select (c.subject, c.body_text) from dues.outbox_claim('fx-worker', 1000, now()) c where c.id = v_outbox),
                   ('Welcome to the Hive, Ada'::text, E'Hi Ada,\nyour member number is ' || v_member || E'.\n'),
                   'a message waiting in the outbox is sent with them');
    return next is((select why from dues.audit_log where table_name = 'message_template' and new ->> 'name' = 'welcome'), 'friendlier',
                   'audited with why');
    return next is((api.message_template_set('welcome', body_text => 'Hello {{name}}')).subject, 'Welcome to the Hive, {{ name }}',
                   'what is left out keeps its value');
end
$$;

create or replace function tests.test_message_template_set__refuses_placeholders_the_event_does_not_fill_in()
returns setof text
language plpgsql
as $$
declare
    v_before jsonb := tests.fx_state();
begin
    return next throws_ok('select api.message_template_set(''welcome'', body_text => ''Hi {{name}}, you owe {{amount_due}} {{ currency }}'')',
                          'DU306', 'template welcome uses {{amount_due}}, {{currency}}, which its event does not fill in',
                          'placeholders its event does not fill in are refused, named');
    return next throws_ok('select api.message_template_set(''invoice_issued'', ''{{code}}'')', 'DU306', null, 'in the subject too');
    return next throws_ok('select api.message_template_set(''welcome'', '' '')', 'DU017', null, 'an e-mail''s subject is not blank');
    return next throws_ok('select api.message_template_set(''welcome'', body_text => '''')', 'DU017', null, 'nor its text');
    return next throws_ok('select api.message_template_set(''farewell'', ''Bye'')', 'DU305', 'message template farewell not found',
                          'an unknown template');
    return next throws_ok('select api.message_template_set(null)', 'DU014', null, 'name is required');
    return next throws_ok('update dues.message_template set body_text = ''{{secret}}'' where name = ''welcome''', 'DU306', null,
                          'whoever changes a template');
    return next is(tests.fx_state(), v_before, 'and nothing changed');
    perform tests.fx_as_member(tests.fx_member());
    return next throws_ok('select api.message_template_set(''welcome'', ''Hi'')', '42501', null, 'staff only');
end
$$;
