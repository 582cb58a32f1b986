-- Whether a status rule holds for a membership on a day: active, from its start event + start offset until its end event
-- + end offset (exclusive; no end event: open-ended); an event date the membership lacks: it does not hold. The one
-- definition that both the membership status (dues.membership_rule_on) and billing's standing (dues.member_standing_rule)
-- use.
create or replace function dues.membership_rule_holds(p_rule dues.membership_status_rule, p_membership dues.membership, p_on date)
returns boolean
language sql
stable
set search_path = ''
as $$
    select coalesce(p_rule.active
                    and (dues.membership_event_date(p_membership, p_rule.start_event) + p_rule.start_offset)::date <= p_on
                    and (p_rule.end_event is null
                         or p_on < (dues.membership_event_date(p_membership, p_rule.end_event) + p_rule.end_offset)::date),
                    false)
$$;
