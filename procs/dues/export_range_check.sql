-- Refuses an export range whose from_date is after its to_date (DU01C); either may be null (no bound).
create or replace function dues.export_range_check(p_from date, p_to date)
returns void
language plpgsql
immutable
set search_path = ''
as $$
begin
    if p_from > p_to then
        raise exception 'from_date % is after to_date %', p_from, p_to
            using errcode = 'DU01C';
    end if;
end
$$;
