-- Adds a membership status rule (id left out) or sets every field of one.
create or replace function api.membership_rule_set(
    id                bigint   default null,
    status            text     default null,
    start_event       text     default null,
    weight            int      default null,
    is_membership     boolean  default null,
    description       text     default '',
    start_offset      interval default '0 days',
    end_event         text     default null,
    end_offset        interval default '0 days',
    reminder_template text     default null,
    add_groups        text[]   default '{}',
    remove_groups     text[]   default '{}',
    active            boolean  default true,
    why               text     default null,
    standing          text     default null
)
returns dues.membership_status_rule
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_rule  dues.membership_status_rule;
    v_other bigint;
begin
    perform dues.authorize_staff();
    perform dues.require_argument('start_event', membership_rule_set.start_event is null);
    perform dues.require_argument('weight', membership_rule_set.weight is null);
    perform dues.require_argument('is_membership', membership_rule_set.is_membership is null);
    perform dues.require_argument('start_offset', membership_rule_set.start_offset is null);
    perform dues.require_argument('end_offset', membership_rule_set.end_offset is null);
    perform dues.require_argument('active', membership_rule_set.active is null);
    if membership_rule_set.id is not null then
        select r.* into v_rule from dues.membership_status_rule r where r.id = membership_rule_set.id for update;
        if not found then
            raise exception 'membership status rule % not found', membership_rule_set.id
                using errcode = 'DU307',
                      hint = 'membership_rule_list lists them; leave id out to add a rule';
        end if;
    end if;
    if membership_rule_set.status !~ '^[a-z][a-z0-9_]*$' then
        raise exception 'status % must be a lower-case identifier', membership_rule_set.status
            using errcode = 'DU01A';
    end if;
    if membership_rule_set.standing not in ('good', 'at_risk', 'suspended') then
        raise exception 'standing is good, at_risk or suspended, got %', membership_rule_set.standing
            using errcode = 'DU732';
    end if;
    if membership_rule_set.start_event not in ('join_date', 'start_date', 'end_date', 'last_payment_date', 'oldest_unpaid_due_date')
       or membership_rule_set.end_event not in ('join_date', 'start_date', 'end_date', 'last_payment_date',
                                                'oldest_unpaid_due_date') then
        raise exception 'events are join_date, start_date, end_date, last_payment_date or oldest_unpaid_due_date, got % and %',
                        membership_rule_set.start_event, coalesce(membership_rule_set.end_event, 'none')
            using errcode = 'DU019';
    end if;
    if membership_rule_set.active then
        -- one active rule per weight: the weight decides which of the rules that hold gives the status
        select r.id into v_other
          from dues.membership_status_rule r
         where r.active and r.weight = membership_rule_set.weight and r.id is distinct from membership_rule_set.id
           for update;
        if v_other is not null then
            raise exception 'active membership status rule % has weight % already', v_other, membership_rule_set.weight
                using errcode = 'DU308',
                      hint = 'choose another weight, or make that rule inactive';
        end if;
    end if;

    perform dues.audit_why(membership_rule_set.why);
    -- dues.membership_status_rule_check refuses unknown groups and templates, and a rule ending before it starts (DU112)
    if membership_rule_set.id is null then
        insert into dues.membership_status_rule as r
            (status, standing, description, start_event, start_offset, end_event, end_offset, weight, is_membership, reminder_template,
             add_groups, remove_groups, active)
        values (membership_rule_set.status, membership_rule_set.standing, coalesce(membership_rule_set.description, ''),
                membership_rule_set.start_event,
                membership_rule_set.start_offset, membership_rule_set.end_event, membership_rule_set.end_offset,
                membership_rule_set.weight, membership_rule_set.is_membership, membership_rule_set.reminder_template,
                coalesce(membership_rule_set.add_groups, '{}'), coalesce(membership_rule_set.remove_groups, '{}'),
                membership_rule_set.active)
        returning r.* into v_rule;
    else
        update dues.membership_status_rule r
           set status = membership_rule_set.status, standing = membership_rule_set.standing,
               description = coalesce(membership_rule_set.description, ''),
               start_event = membership_rule_set.start_event, start_offset = membership_rule_set.start_offset,
               end_event = membership_rule_set.end_event, end_offset = membership_rule_set.end_offset,
               weight = membership_rule_set.weight, is_membership = membership_rule_set.is_membership,
               reminder_template = membership_rule_set.reminder_template,
               add_groups = coalesce(membership_rule_set.add_groups, '{}'),
               remove_groups = coalesce(membership_rule_set.remove_groups, '{}'), active = membership_rule_set.active
         where r.id = membership_rule_set.id
        returning r.* into v_rule;
    end if;
    perform dues.audit_why(null);
    return v_rule;
end
$$;

comment on function api.membership_rule_set(bigint, text, text, int, boolean, text, interval, text, interval, text, text[], text[],
                                            boolean, text, text) is
$$Adds a membership status rule (docs/membership.md), or, given the id of one (membership_rule_list lists them), sets every one of
its fields to the values given (those left out take their defaults, as for a new rule). The status holds from start_event +
start_offset until end_event + end_offset (exclusive; no end_event: open-ended); events are join_date, start_date, end_date,
last_payment_date and oldest_unpaid_due_date (the due date of the member's oldest open invoice: billing's lateness). Of the active rules that hold on a day, the one of highest weight gives the status (one active rule per weight).
is_membership: whether the status counts as being a member. On entering it, reminder_template (an e-mail template) is sent and the
groups of add_groups and remove_groups (group keys) are joined and left. active false keeps the rule without applying it. Members'
statuses follow at the next run of jobs.expire. standing (good, at_risk or suspended) makes the rule give billing's standing too
(docs/membership.md, "One standing": of the active rules that hold and give one, the one of highest weight gives the standing the
collector records; none: good); a rule with a standing and no status gives only the standing and may have no actions. Recorded in
the audit log with why. Returns the rule. Staff only.
Errors: DU014 start_event, weight or is_membership is null, DU730 neither status nor standing, DU731 a reminder or groups on a rule
without a status, DU732 an unknown standing, DU307 unknown id, DU01A a status that is not a lower-case
identifier, DU019 an unknown event, DU308 another active rule has the weight, DU112 an unknown group key or template, a group added
and removed, or a rule ending before it starts, 42501 not staff.$$;

grant execute on function api.membership_rule_set(bigint, text, text, int, boolean, text, interval, text, interval, text, text[],
                                                   text[], boolean, text, text) to dues_staff;
