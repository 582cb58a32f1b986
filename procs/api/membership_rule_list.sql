create or replace function api.membership_rule_list()
returns setof dues.membership_status_rule
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_staff();
    return query select r.* from dues.membership_status_rule r order by r.active desc, r.weight desc, r.id;
end
$$;

comment on function api.membership_rule_list() is
$$The membership status rules (docs/membership.md), active ones first by weight, highest first: status, the billing standing it
gives (standing; a rule without a status gives only billing's standing, "One standing"), start and end events with their offsets,
weight, whether the status counts as membership, and the actions on entering it (reminder template, groups added and removed). Add
or change one with membership_rule_set. Staff only.$$;

grant execute on function api.membership_rule_list() to dues_staff;
