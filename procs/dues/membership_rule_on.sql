-- The active rule of highest weight that holds for a membership on a day, with its anchor (the start event's date).
create or replace function dues.membership_rule_on(p_membership dues.membership, p_on date)
returns table (rule_id bigint, anchor date)
language sql
stable
set search_path = ''
as $$
    select r.id, e.start_date
      from dues.membership_status_rule r
     cross join lateral (select dues.membership_event_date(p_membership, r.start_event) as start_date,
                                dues.membership_event_date(p_membership, r.end_event) as end_date) e
     where r.active
       and e.start_date is not null
       and (e.start_date + r.start_offset)::date <= p_on
       and (r.end_event is null or (e.end_date is not null and p_on < (e.end_date + r.end_offset)::date))
     order by r.weight desc
     limit 1
$$;
