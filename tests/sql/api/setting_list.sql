-- Tests of api.setting_list: every setting with its type and what it expects; a secret's value never.

create or replace function tests.test_setting_list__lists_settings_with_type_and_what_they_expect()
returns setof text
language plpgsql
as $$
begin
    return next is((select (type, value, is_set, secret) from api.setting_list() where name = 'invoice_lead_days'),
                   ('integer'::text, (select value from dues.setting where name = 'invoice_lead_days'), true, false),
                   'a setting with its type and value');
    return next is((select expects from api.setting_list() where name = 'invoice_lead_days'), 'a whole number (from 0 to 366)',
                   'and what it expects, in words');
    return next is((select expects from api.setting_list() where name = 'board_email'),
                   'an e-mail address, e.g. name@example.org, or empty (unset)', 'an optional one may be empty');
    return next ok((select bool_and(description is not null) from api.setting_list()), 'each says what it is for');
    return next is(array(select name from api.setting_list()), array(select name from dues.setting order by name), 'all of them, by name');
    perform tests.fx_as_member(tests.fx_member());
    return next throws_ok('select * from api.setting_list()', '42501', null, 'staff only');
end
$$;

create or replace function tests.test_setting_list__never_shows_a_secrets_value()
returns setof text
language plpgsql
as $$
begin
    insert into dues.setting (name, value, type, description)
    values ('fx_api_key', 'sk_live_123', 'text', 'a key of a payment processor');
    return next is((select (value, is_set, secret) from api.setting_list() where name = 'fx_api_key'), (null::text, true, true),
                   'a setting whose name says key is listed as set, without its value');
    return next ok((select bool_and(to_jsonb(s)::text not like '%sk_live_123%') from api.setting_list() s), 'nowhere');
end
$$;

create or replace function tests.test_setting_list__every_setting_declares_its_type_and_fits_it()
returns setof text
language plpgsql
as $$
begin
    return next is_empty($q$select name from dues.setting where type is null or coalesce(btrim(description), '') = ''$q$,
                         'every setting has a declared type and says what it is for (a migration adding one declares it)');
    return next is_empty($q$select name from dues.setting s where not dues.setting_valid(s)$q$,
                         'and every value fits its type');
    return next is_empty($q$select t.name from dues.setting_type t
                             where not exists (select from dues.setting s where s.type = t.name)
                               and t.name not in ('text')$q$,
                         'every type but text is used by a setting');
end
$$;

create or replace function tests.test_setting_list__never_shows_the_webhook_secrets()
returns setof text
language plpgsql
as $$
begin
    update dues.setting set value = 'whsec_never_shown' where name = 'stripe_webhook_secret';
    update dues.setting set value = 'gc_never_shown' where name = 'gocardless_webhook_secret';
    update dues.setting set value = 'live_never_shown' where name = 'gocardless_api_key';
    update dues.setting set value = 'WH-never-shown' where name = 'paypal_webhook_key';
    return next results_eq($q$select name, value, is_set, secret from api.setting_list()
                               where name in ('stripe_webhook_secret', 'gocardless_webhook_secret', 'gocardless_api_key',
                                              'paypal_webhook_key') order by name$q$,
                           $q$values ('gocardless_api_key'::text, null::text, true, true),
                                     ('gocardless_webhook_secret', null, true, true),
                                     ('paypal_webhook_key', null, true, true),
                                     ('stripe_webhook_secret', null, true, true)$q$,
                           'the webhook secrets are write-only: set, never shown');
end
$$;
