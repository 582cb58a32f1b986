-- Tests of dues.site_member_sync: the site's organization follows the settings site_name and site_email.

create or replace function tests.test_site_member_sync__the_broker_takes_its_name_and_email_from_the_settings()
returns setof text
language plpgsql
as $$
declare
    v_site bigint := (select member_id from dues.provider where broker);
begin
    return next is((select (kind, name, email) from dues.member where id = v_site),
                   ('organization'::text, dues.setting_text('site_name'), dues.setting_text('site_email')),
                   'the broker is the site''s organization, named by the settings');
    perform api.setting_set('site_name', 'Hive13', 'our name');
    perform api.setting_set('site_email', 'treasurer@hive13.example.org', 'our address');
    return next is((select (name, email) from dues.member where id = v_site), ('Hive13'::text, 'treasurer@hive13.example.org'::text),
                   'a new name and e-mail are the organization''s at once');
    return next is((select count(*)::int from dues.member where email = 'treasurer@hive13.example.org'), 1, 'no other member was made');
end
$$;
