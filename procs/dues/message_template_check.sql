-- Trigger: refuses (DU306) a template whose subject or bodies use a {{key}} that the event sending it does not fill in
-- (its placeholders), whoever changes it.
create or replace function dues.message_template_check()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
    v_unknown text[];
begin
    if new.placeholders is null then
        return new;
    end if;
    select pg_catalog.array_agg(k order by k) into v_unknown
      from pg_catalog.unnest(dues.template_placeholders(new.subject || ' ' || new.body_text || ' ' || coalesce(new.body_html, ''))) k
     where not (k = any (new.placeholders));
    if v_unknown is not null then
        raise exception 'template % uses {{%}}, which its event does not fill in', new.name,
                        pg_catalog.array_to_string(v_unknown, '}}, {{')
            using errcode = 'DU306',
                  hint = 'it may use {{' || pg_catalog.array_to_string(new.placeholders, '}}, {{') || '}}';
    end if;
    return new;
end
$$;

create or replace trigger message_template_check before insert or update on dues.message_template
    for each row execute function dues.message_template_check();
