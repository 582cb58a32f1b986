-- Changes the subject and text of a message template; its placeholders must be those its event fills in.
create or replace function api.message_template_set(name text, subject text default null, body_text text default null,
                                                    why text default null)
returns dues.message_template
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_template dues.message_template;
begin
    perform dues.authorize_staff();
    perform dues.require_argument('name', message_template_set.name is null);
    select t.* into v_template from dues.message_template t where t.name = message_template_set.name for update;
    if not found then
        raise exception 'message template % not found', message_template_set.name
            using errcode = 'DU305',
                  hint = 'message_template_list lists them';
    end if;
    if v_template.kind = 'email' and pg_catalog.btrim(coalesce(message_template_set.subject, v_template.subject)) = '' then
        raise exception 'the subject of e-mail template % must not be blank', v_template.name
            using errcode = 'DU017';
    end if;
    if pg_catalog.btrim(coalesce(message_template_set.body_text, v_template.body_text)) = '' then
        raise exception 'the text of template % must not be blank', v_template.name
            using errcode = 'DU017';
    end if;
    perform dues.audit_why(message_template_set.why);
    -- dues.message_template_check refuses a placeholder the template's event does not fill in (DU306)
    update dues.message_template t
       set subject = coalesce(message_template_set.subject, t.subject),
           body_text = coalesce(message_template_set.body_text, t.body_text),
           updated_at = pg_catalog.now(), updated_by = dues.actor()
     where t.name = v_template.name
    returning t.* into v_template;
    perform dues.audit_why(null);
    return v_template;
end
$$;

comment on function api.message_template_set(text, text, text, text) is
$$Changes the subject and the text (body_text) of a template of the messages dues sends (message_template_list lists them); an
argument left out keeps its value. {{key}} placeholders are filled in from the event that sends the message: a template may use only
the placeholders its event provides (placeholders), and one using another is refused, naming it, with nothing changed. Messages
still waiting in the outbox are sent with the new text. Recorded in the audit log with why. Returns the template. Staff only.
Errors: DU014 name is null, DU305 unknown template, DU017 a blank subject (of an e-mail) or text, DU306 a placeholder its event does
not fill in, 42501 not staff.$$;

grant execute on function api.message_template_set(text, text, text, text) to dues_staff;
