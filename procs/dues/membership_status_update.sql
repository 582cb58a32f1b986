-- Applies the status rules to one member at a moment: when the rule that
-- holds (or its anchor) changed, records the new status and, the first time
-- the member enters that rule for that anchor, runs its actions. Waived
-- members, linked members (they follow their master) and members without a
-- membership are left alone. Returns the status entered ('none' when no rule holds any more), or null when nothing changed.
create or replace function dues.membership_status_update(p_member_id bigint, p_now timestamptz)
returns text
language plpgsql
set search_path = ''
as $$
declare
    v_on         date := dues.local_date(p_now);
    v_membership dues.membership;
    v_rule_id    bigint;
    v_rule       dues.membership_status_rule;
    v_anchor     date;
    v_first      boolean;
    v_key        text;
    v_member     dues.member;
begin
    select ms.* into v_membership from dues.membership ms where ms.member_id = p_member_id for update;
    if not found or v_membership.waived or dues.member_master(p_member_id) is not null then
        return null;
    end if;
    select o.rule_id, o.anchor into v_rule_id, v_anchor from dues.membership_rule_on(v_membership, v_on) o;
    select r.* into v_rule from dues.membership_status_rule r where r.id = v_rule_id;
    if (v_rule.id, v_anchor) is not distinct from (v_membership.status_rule_id, v_membership.status_anchor) then
        return null;
    end if;

    v_first := v_rule.id is null or not exists (
        select from dues.membership_status_change c
         where c.member_id = p_member_id and c.rule_id = v_rule.id and c.anchor_date = v_anchor);
    insert into dues.membership_status_change
        (member_id, rule_id, status, previous_status, anchor_date, effective_at, actions_run)
    values (p_member_id, v_rule.id, v_rule.status, v_membership.status, v_anchor, p_now, v_first and v_rule.id is not null)
    on conflict (member_id, rule_id, anchor_date) do nothing;
    update dues.membership ms
       set status = v_rule.status, status_rule_id = v_rule.id, status_anchor = v_anchor, status_since = p_now
     where ms.member_id = p_member_id;

    if v_first and v_rule.id is not null then
        perform dues.audit_why(pg_catalog.format('membership status %s (rule %s)', v_rule.status, v_rule.id));
        foreach v_key in array v_rule.remove_groups loop
            perform dues.group_leave(p_member_id, (dues.group_by_key(v_key)).id, v_on);
        end loop;
        foreach v_key in array v_rule.add_groups loop
            perform dues.group_join(p_member_id, (dues.group_by_key(v_key)).id, v_on);
        end loop;
        if v_rule.reminder_template is not null then
            v_member := dues.member_get(p_member_id);
            perform dues.outbox_enqueue('email', v_rule.reminder_template, v_member.email,
                pg_catalog.jsonb_build_object(
                    'name', v_member.name, 'email', v_member.email, 'member_id', v_member.id, 'status', v_rule.status,
                    'last_payment_date', dues.member_last_payment_date(p_member_id),
                    'days', v_on - dues.member_last_payment_date(p_member_id)),
                p_now);
        end if;
        perform dues.audit_why(null);
    end if;
    return coalesce(v_rule.status, 'none');
end
$$;
