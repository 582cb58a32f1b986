-- One standing: billing's standing becomes rules of the same model as the membership status. A membership status rule may
-- give a billing standing (column standing: good, at_risk or suspended) as well as, or instead of, a membership status
-- (status, now null for a rule that gives only a standing). The collector's standing is the standing of the active rule of
-- highest weight that holds among those that give one (none: good); the membership status is, as before, the status of the
-- active rule of highest weight that holds among those that give one. A rule that gives both feeds both answers, so that a
-- DBA changes one set of rows and both agree (docs/membership.md, "One standing").
alter table dues.membership_status_rule
    alter column status drop not null,
    add column standing text check (standing in ('good', 'at_risk', 'suspended'));
comment on column dues.membership_status_rule.status is
    'The membership status the rule gives (null: the rule gives billing''s standing only)';
comment on column dues.membership_status_rule.standing is
    'The billing standing the rule gives (good, at_risk or suspended; null: the rule gives a membership status only). '
    'The collector''s standing is that of the active rule of highest weight that holds among those with one (none: good).';
comment on table dues.membership_status_rule is
    'Membership status rules, and billing''s standing rules (docs/membership.md, "One standing"). A rule holds from start_event + '
    'start_offset until end_event + end_offset (exclusive; no end_event: open-ended; an event date a member lacks: the rule does '
    'not hold). Of the active rules that hold and give a status, the one of highest weight gives the membership status; of those '
    'that give a standing, the one of highest weight gives billing''s standing (none: good). On entering a status (once per '
    'start-event date): reminder_template is queued to the member, add_groups and remove_groups (group keys) are applied to the '
    'member and its linked members. is_membership: whether the status counts as being a member.';

-- The thresholds that were the only source of billing's standing become two rows, at the settings' values (a site that
-- changed them keeps its thresholds): more than standing_at_risk_days late, at risk; more than standing_suspend_days late,
-- suspended. The settings stay: setting one sets the start offset of its row (procs/dues/standing_setting_apply.sql).
-- Their weights are 900 and 910, or, on a site whose rules reach 890 or more (one active rule per weight), the next two tens
-- above its highest weight (active or not), so that the upgrade never meets a weight in use. They give no status, so their
-- weights only order them between themselves (suspended above at_risk).
insert into dues.membership_status_rule
    (status, standing, description, start_event, start_offset, end_event, end_offset, weight, is_membership)
select null, v.standing, v.description, 'oldest_unpaid_due_date', pg_catalog.make_interval(days => v.days + 1), null, '0 days',
       w.base + v.step, false
  from (values ('at_risk', 'more than standing_at_risk_days late',
                coalesce((select s.value::int from dues.setting s where s.name = 'standing_at_risk_days'), 60), 10),
               ('suspended', 'more than standing_suspend_days late',
                coalesce((select s.value::int from dues.setting s where s.name = 'standing_suspend_days'), 90), 20))
       as v (standing, description, days, step),
       (select greatest(890, pg_catalog.max(r.weight)) as base from dues.membership_status_rule r) as w
 order by v.step;

-- api.membership_rule_set gains the parameter standing (its procs/ file makes the new one).
drop function if exists api.membership_rule_set(bigint, text, text, int, boolean, text, interval, text, interval, text, text[], text[],
                                      boolean, text);

insert into dues.error_code (sqlstate, http_status, title) values
    ('DU730', 422, 'status rule gives neither a status nor a standing'),
    ('DU731', 422, 'standing rule with membership actions'),
    ('DU732', 422, 'unknown standing');
