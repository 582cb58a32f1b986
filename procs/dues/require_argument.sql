-- Raises DU014 naming the argument when a required argument is null.
create or replace function dues.require_argument(p_name text, p_missing boolean)
returns void
language plpgsql
immutable
set search_path = ''
as $$
begin
    if p_missing then
        raise exception 'argument % is required', p_name
            using errcode = 'DU014';
    end if;
end
$$;
