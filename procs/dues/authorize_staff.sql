-- Refuses unless the caller is staff.
create or replace function dues.authorize_staff()
returns void
language plpgsql
stable
set search_path = ''
as $$
begin
    if not dues.caller_is_staff() then
        raise exception 'only staff may do this' using errcode = '42501';
    end if;
end
$$;
