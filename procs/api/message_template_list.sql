-- The templates of outgoing e-mails and webhooks, with the placeholders each may use.
create or replace function api.message_template_list()
returns setof dues.message_template
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_staff();
    return query select t.* from dues.message_template t order by t.name;
end
$$;

comment on function api.message_template_list() is
$$Lists the templates of the e-mails and webhooks dues sends, by name: name, kind (email, webhook), subject, body_text, body_html,
placeholders (the {{keys}} the event that sends it fills in, which subject and bodies may use), updated_at, updated_by. Change one
with message_template_set. Staff only.
Errors: 42501 not staff.$$;

grant execute on function api.message_template_list() to dues_staff;
