-- Trigger: the site's organization (the broker member) takes its name and e-mail from the settings site_name and
-- site_email, whoever changes them.
create or replace function dues.site_member_sync()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
    update dues.member m
       set name = case when new.name = 'site_name' then pg_catalog.btrim(new.value) else m.name end,
           email = case when new.name = 'site_email' then pg_catalog.btrim(new.value) else m.email end
     where m.id = (select p.member_id from dues.provider p where p.broker);
    return null;
end
$$;

create or replace trigger site_member_sync after update of value on dues.setting
    for each row when (new.name in ('site_name', 'site_email') and new.value is distinct from old.value)
    execute function dues.site_member_sync();
