-- Refuses a report range that is missing an end (DU014), reversed (DU01C) or over a century (DU01D).
create or replace function dues.report_range_check(p_from date, p_to date)
returns void
language plpgsql
immutable
set search_path = ''
as $$
begin
    perform dues.require_argument('from_month', p_from is null);
    perform dues.require_argument('to_month', p_to is null);
    if p_from > p_to then
        raise exception 'from_month % is after to_month %', p_from, p_to
            using errcode = 'DU01C';
    end if;
    if p_to - p_from > 36600 then
        raise exception 'a report covers at most 100 years, not % to %', p_from, p_to
            using errcode = 'DU01D';
    end if;
end
$$;
