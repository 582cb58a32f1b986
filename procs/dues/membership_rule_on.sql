-- The active rule of highest weight that holds for a membership on a day among those that give a status (rules that give
-- only billing's standing are dues.member_standing_rule's), with its anchor (the start event's date).
create or replace function dues.membership_rule_on(p_membership dues.membership, p_on date)
returns table (rule_id bigint, anchor date)
language sql
stable
set search_path = ''
as $$
    select r.id, dues.membership_event_date(p_membership, r.start_event)
      from dues.membership_status_rule r
     where r.status is not null
       and dues.membership_rule_holds(r, p_membership, p_on)
     order by r.weight desc
     limit 1
$$;
