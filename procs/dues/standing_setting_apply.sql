-- Trigger: the settings standing_at_risk_days and standing_suspend_days set the thresholds of billing's standing rules.
-- Setting one (api.setting_set, or any change of its row) moves the start offset of the active rules that give only that
-- standing (status null; at_risk, or suspended) on the event oldest_unpaid_due_date to the setting's days plus one: more
-- than that many days late. Rules that also give a membership status are the DBA's, and left alone.
create or replace function dues.standing_setting_apply()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
    update dues.membership_status_rule r
       set start_offset = pg_catalog.make_interval(days => new.value::int + 1)
     where r.active
       and r.status is null
       and r.standing = case new.name when 'standing_at_risk_days' then 'at_risk' else 'suspended' end
       and r.start_event = 'oldest_unpaid_due_date'
       and r.start_offset <> pg_catalog.make_interval(days => new.value::int + 1);
    return null;
end
$$;

create or replace trigger standing_setting_apply after insert or update of value on dues.setting
    for each row when (new.name in ('standing_at_risk_days', 'standing_suspend_days'))
    execute function dues.standing_setting_apply();
