-- Tests of api.message_template_list: the templates with the placeholders each may use.

create or replace function tests.test_message_template_list__lists_templates_with_their_placeholders()
returns setof text
language plpgsql
as $$
begin
    return next is(array(select name from api.message_template_list()), array(select name from dues.message_template order by name),
                   'every template, by name');
    return next is((select (kind, placeholders) from api.message_template_list() where name = 'welcome'),
                   ('email'::text, '{name,email,member_id}'::text[]), 'each with its kind and the placeholders its event fills in');
    return next is_empty($q$select name from api.message_template_list() where placeholders is null$q$,
                         'every template declares its placeholders');
    return next is_empty($q$select name from api.message_template_list()
                             where not dues.template_placeholders(subject || ' ' || body_text || ' ' || coalesce(body_html, ''))
                                       <@ placeholders$q$,
                         'and uses only those');
    perform tests.fx_as_member(tests.fx_member());
    return next throws_ok('select * from api.message_template_list()', '42501', null, 'staff only');
end
$$;
