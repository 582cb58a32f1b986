-- Tests of api.site_get.

create or replace function tests.test_site_get__answers_the_settings_it_shows()
returns setof text
language plpgsql
as $$
declare
    v record;
begin
    perform api.setting_set('site_name', 'Hackerspace', 'test');
    perform api.setting_set('bank_transfer_account', 'IBAN DE00 1234', 'test');
    perform api.setting_set('paypal_payment_url', '', 'test');
    perform tests.fx_as_member(tests.fx_member());
    select * into v from api.site_get();
    return next is(v.name, 'Hackerspace', 'the site name');
    return next is(v.bank_transfer_account, 'IBAN DE00 1234', 'the bank account');
    return next is(v.paypal_payment_url, null, 'an empty setting is null');
    return next is(v.time_zone, (select value from dues.setting where name = 'local_timezone'), 'the time zone');
    return next is(v.currency::text, (select value from dues.setting where name = 'default_currency'), 'the currency');
end
$$;

create or replace function tests.test_site_get__anyone_may_read_it_and_nothing_else()
returns setof text
language plpgsql
as $$
begin
    return next ok(has_function_privilege('dues_anonymous', 'api.site_get()', 'execute'), 'anonymous callers may read it');
    return next throws_ok($q$select api.setting_set('paypal_payment_url', 'not a url', 'test')$q$, 'DU303', null,
                          'the PayPal page is a URL');
    perform tests.fx_as_anonymous();
    return next is((select name from api.site_get()), 'dues', 'an anonymous caller reads the site name');
    return next throws_ok('select * from api.setting_list()', '42501', null, 'site_get opens no other setting');
end
$$;
