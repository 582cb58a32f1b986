-- Tests of api.setting_set: a value must fit its setting's declared type and range; a secret is write-only.

create or replace function tests.test_setting_set__changes_a_setting_with_why()
returns setof text
language plpgsql
as $$
declare
    v_view dues.setting_view;
begin
    v_view := api.setting_set('invoice_lead_days', ' 21 ', 'invoice three weeks ahead');
    return next is((v_view.name, v_view.value), ('invoice_lead_days'::text, '21'::text), 'the value changes (spaces dropped)');
    return next is(dues.setting_int('invoice_lead_days', 14), 21, 'and is what billing reads');
    return next is((select (old ->> 'value', new ->> 'value', why) from dues.audit_log where table_name = 'setting'
                     and new ->> 'name' = 'invoice_lead_days'), ('14'::text, '21'::text, 'invoice three weeks ahead'::text),
                   'audited with why');
    return next is((api.setting_set('paypal_currency', 'eur')).value, 'EUR', 'a currency code is kept in capitals');
    return next is((api.setting_set('board_email', '')).is_set, false, 'an optional setting is unset with empty text');
    return next is((api.setting_set('local_timezone', 'Europe/Paris')).value, 'Europe/Paris', 'a time zone');
    return next is((api.setting_set('reminder_days', '7, 30,60')).value, '7, 30,60', 'a list of days');
    return next is((api.setting_set('mail_from', 'Hive13 <treasurer@hive13.org>')).value, 'Hive13 <treasurer@hive13.org>',
                   'a mailbox with a display name');
    return next is((api.setting_set('max_amount_jpy', '50000')).value, '50000', 'one currency''s largest amount');
    return next is(dues.max_amount('JPY'), 50000::numeric, 'which billing reads');
end
$$;

create or replace function tests.test_setting_set__refuses_a_value_that_does_not_fit_and_changes_nothing()
returns setof text
language plpgsql
as $$
declare
    v_before jsonb := tests.fx_state();
begin
    return next throws_ok('select api.setting_set(''standing_suspend_days'', ''soon'')', 'DU303',
                          'setting standing_suspend_days expects a whole number (from 1 to 3650); got ''soon''',
                          'a number that is not one is refused, naming the setting and what it expects');
    return next throws_ok('select api.setting_set(''invoice_lead_days'', ''400'')', 'DU303', null, 'a number out of its range');
    return next throws_ok('select api.setting_set(''paypal_receiver_email'', ''payments'')', 'DU303', null, 'an e-mail that is not one');
    return next throws_ok('select api.setting_set(''paypal_receiver_email'', '''')', 'DU303', null, 'a required setting left empty');
    return next throws_ok('select api.setting_set(''paypal_verify_url'', ''ftp://paypal.com'')', 'DU303', null, 'a URL that is not http');
    return next throws_ok('select api.setting_set(''local_timezone'', ''Mars/Olympus'')', 'DU303', null, 'an unknown time zone');
    return next throws_ok('select api.setting_set(''default_currency'', ''XXX'')', 'DU303', null, 'an unknown currency');
    return next throws_ok('select api.setting_set(''reminder_days'', ''7,0'')', 'DU303', null, 'a day out of range in a list');
    return next throws_ok('select api.setting_set(''reminder_days'', ''weekly'')', 'DU303', null, 'a list that is not one');
    return next throws_ok('select api.setting_set(''max_amount'', ''10.005'')', 'DU303', null, 'an amount with three decimals');
    return next throws_ok('select api.setting_set(''mail_from'', ''dues'')', 'DU303', null, 'a mailbox without an address');
    return next throws_ok('select api.setting_set(''nope'', ''1'')', 'DU302', 'setting nope not found', 'an unknown setting');
    return next throws_ok('select api.setting_set(''invoice_lead_days'', null)', 'DU014', null, 'value is required');
    return next is(tests.fx_state(), v_before, 'and nothing changed');
    perform tests.fx_as_member(tests.fx_member());
    return next throws_ok('select api.setting_set(''invoice_lead_days'', ''7'')', '42501', null, 'staff only');
end
$$;

create or replace function tests.test_setting_set__a_secret_is_write_only()
returns setof text
language plpgsql
as $$
declare
    v_view    dues.setting_view;
    v_message text;
begin
    insert into dues.setting (name, value, type, optional, description)
    values ('fx_webhook_secret', '', 'url', true, 'where a processor''s webhooks are signed');
    v_view := api.setting_set('fx_webhook_secret', 'https://hooks.example.org/s3cr3t');
    return next is((v_view.value, v_view.is_set), (null::text, true), 'a secret is set, and not shown back');
    return next is((select value from dues.setting where name = 'fx_webhook_secret'), 'https://hooks.example.org/s3cr3t', 'it is kept');
    return next is((select new ->> 'value' from dues.audit_log where table_name = 'setting' and new ->> 'name' = 'fx_webhook_secret'
                     order by id desc limit 1), 'set', 'the audit log records that it was set, not its value');
    return next throws_ok('select api.setting_set(''fx_webhook_secret'', ''s3cr3t-but-no-url'')', 'DU303', null,
                          'a value that does not fit is refused');
    begin
        perform api.setting_set('fx_webhook_secret', 's3cr3t-but-no-url');
    exception when others then
        v_message := sqlerrm;
    end;
    return next is(v_message, 'setting fx_webhook_secret expects an http or https URL, or empty (unset); got another value',
                   'without echoing the value it refused');
end
$$;

create or replace function tests.test_setting_set__every_change_is_checked_and_undeclared_ones_are_refused()
returns setof text
language plpgsql
as $$
begin
    return next throws_ok('update dues.setting set value = ''-3'' where name = ''collect_batch_size''', 'DU303', null,
                          'a value that does not fit is refused whoever writes it (psql too)');
    insert into dues.setting (name, value) values ('fx_undeclared', 'x');
    return next throws_ok('select api.setting_set(''fx_undeclared'', ''y'')', 'DU304',
                          'setting fx_undeclared has no declared type: nothing checks its values', 'a setting without a type');
end
$$;
