-- Refuses list arguments outside the convention of every api list (README, "Lists"): limit from 1 to 500 (DU300),
-- after (the last id seen) at least 1 (DU301). Both are 400s.
create or replace function dues.list_check(p_limit int, p_after bigint)
returns void
language plpgsql
immutable
set search_path = ''
as $$
begin
    if p_limit is null or p_limit < 1 or p_limit > 500 then
        raise exception 'limit must be from 1 to 500, got %', coalesce(p_limit::text, 'null')
            using errcode = 'DU300',
                  hint = 'leave it out for 50; page on with after (the last id seen)';
    end if;
    if p_after < 1 then
        raise exception 'after must be the id of the last row seen (1 or more), got %', p_after
            using errcode = 'DU301';
    end if;
end
$$;
