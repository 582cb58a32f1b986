-- Membership status: the rules (rows of dues.membership_status_rule) applied
-- to each member, their actions, jobs.expire, and the membership api.

-- Trigger: a status rule names known groups and an e-mail template, and ends after it starts when both events are one.
create function dues.membership_status_rule_check()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
    v_key text;
begin
    foreach v_key in array new.add_groups || new.remove_groups loop
        if not exists (select from dues."group" g where g.key = v_key) then
            raise exception 'membership status rule %: no group has key %', new.status, v_key
                using errcode = 'DU112',
                      hint = 'add_groups and remove_groups hold keys of dues."group"';
        end if;
    end loop;
    if new.add_groups && new.remove_groups then
        raise exception 'membership status rule %: a group is both added and removed', new.status
            using errcode = 'DU112';
    end if;
    if new.reminder_template is not null
       and not exists (select from dues.message_template t where t.name = new.reminder_template and t.kind = 'email') then
        raise exception 'membership status rule %: % is not an e-mail template', new.status, new.reminder_template
            using errcode = 'DU112';
    end if;
    if new.end_event = new.start_event and new.end_offset <= new.start_offset then
        raise exception 'membership status rule %: it ends (% + %) before it starts (% + %)',
                        new.status, new.end_event, new.end_offset, new.start_event, new.start_offset
            using errcode = 'DU112';
    end if;
    return new;
end
$$;

create trigger membership_status_rule_check
    before insert or update on dues.membership_status_rule
    for each row execute function dues.membership_status_rule_check();

-- The day of a member's last payment (payments refunded in full do not count), or null.
create function dues.member_last_payment_date(p_member_id bigint)
returns date
language sql
stable
set search_path = ''
as $$
    select dues.local_date(pg_catalog.max(p.created_at))
      from dues.payment p
     where p.member_id = p_member_id
       and p.amount > coalesce((select pg_catalog.sum(r.amount) from dues.refund r where r.payment_id = p.id), 0)
$$;

-- The date of one event of a membership: join_date, start_date, end_date or last_payment_date.
create function dues.membership_event_date(p_membership dues.membership, p_event text)
returns date
language sql
stable
set search_path = ''
as $$
    select case p_event
               when 'join_date' then p_membership.join_date
               when 'start_date' then p_membership.start_date
               when 'end_date' then p_membership.end_date
               when 'last_payment_date' then dues.member_last_payment_date(p_membership.member_id)
           end
$$;

-- The active rule of highest weight that holds for a membership on a day, with its anchor (the start event's date).
create function dues.membership_rule_on(p_membership dues.membership, p_on date)
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

-- Where a status's messages go: the e-mail of every board member on a day, and setting board_email when set.
create function dues.board_recipients(p_on date)
returns setof text
language sql
stable
set search_path = ''
as $$
    select distinct pg_catalog.lower(r.email)
      from (select m.email
              from dues.group_membership gm
              join dues."group" g on g.id = gm.group_id and g.key = 'board'
              join dues.member m on m.id = gm.member_id
             where gm.during @> p_on
            union all
            select nullif(pg_catalog.btrim(s.value), '') from dues.setting s where s.name = 'board_email') r
     where r.email is not null
     order by 1
$$;

-- Applies the status rules to one member at a moment: when the rule that
-- holds (or its anchor) changed, records the new status and, the first time
-- the member enters that rule for that anchor, runs its actions. Waived
-- members, linked members (they follow their master) and members without a
-- membership are left alone. Returns the status entered ('none' when no rule holds any more), or null when nothing changed.
create function dues.membership_apply(p_member_id bigint, p_now timestamptz)
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

-- The membership of a member, created (joined on p_on) when it has none; locked until the end of the transaction.
create function dues.membership_ensure(p_member_id bigint, p_on date)
returns dues.membership
language plpgsql
set search_path = ''
as $$
declare
    v_membership dues.membership;
begin
    insert into dues.membership (member_id, join_date)
    values (p_member_id, p_on)
    on conflict (member_id) do nothing;
    select ms.* into v_membership from dues.membership ms where ms.member_id = p_member_id for update;
    return v_membership;
end
$$;

-- jobs ---------------------------------------------------------------------------------------------

-- Applies the membership status rules to every membership at p_now: reminders,
-- removals, and back to current after a payment. Idempotent for a given now;
-- two runs at once take each membership in id order, the second finds it done.
create function jobs.expire(p_now timestamptz)
returns jsonb
language plpgsql
set search_path = ''
as $$
declare
    v_member   bigint;
    v_status   text;
    v_examined int := 0;
    v_changed  jsonb := '{}'::jsonb;
begin
    perform dues.require_argument('now', p_now is null);
    for v_member in
        select ms.member_id from dues.membership ms where not ms.waived order by ms.member_id
    loop
        v_examined := v_examined + 1;
        v_status := dues.membership_apply(v_member, p_now);
        if v_status is not null then
            v_changed := v_changed || pg_catalog.jsonb_build_object(
                v_status, coalesce((v_changed ->> v_status)::int, 0) + 1);
        end if;
    end loop;
    return pg_catalog.jsonb_build_object('now', p_now, 'examined', v_examined, 'entered', v_changed);
end
$$;

-- api ----------------------------------------------------------------------------------------------

-- What the api answers about a membership.
create type dues.membership_view as (
    member_id         bigint,
    status            text,
    is_membership     boolean,
    status_since      timestamptz,
    join_date         date,
    start_date        date,
    end_date          date,
    last_payment_date date,
    waived            boolean,
    master_id         bigint
);

-- A member's membership as the api shows it: a linked member shows its master's status.
create function dues.membership_view(p_member_id bigint)
returns dues.membership_view
language sql
stable
set search_path = ''
as $$
    select p_member_id, s.status, r.is_membership, s.status_since,
           ms.join_date, ms.start_date, ms.end_date, dues.member_last_payment_date(p_member_id), ms.waived,
           dues.member_master(p_member_id)
      from (select p_member_id as id) x
      left join dues.membership ms on ms.member_id = x.id
      left join dues.membership s on s.member_id = coalesce(dues.member_master(p_member_id), p_member_id)
      left join dues.membership_status_rule r on r.id = s.status_rule_id
$$;

create function api.membership_join(member_id bigint, why text default null)
returns dues.membership_view
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_on         date := dues.local_date(pg_catalog.now());
    v_membership dues.membership;
begin
    perform dues.authorize_staff();
    perform dues.member_get(membership_join.member_id);
    perform dues.audit_why(membership_join.why);
    v_membership := dues.membership_ensure(membership_join.member_id, v_on);
    if v_membership.end_date is not null then
        -- coming back: a new membership from today
        update dues.membership ms
           set join_date = v_on, start_date = null, end_date = null
         where ms.member_id = membership_join.member_id;
    end if;
    if not dues.member_in_group(membership_join.member_id, (dues.group_by_key('members')).id, v_on) then
        perform dues.group_join(membership_join.member_id, (dues.group_by_key('pending_payments')).id, v_on);
    end if;
    perform dues.membership_apply(membership_join.member_id, pg_catalog.now());
    return dues.membership_view(membership_join.member_id);
end
$$;
comment on function api.membership_join(bigint, text) is
$$A member asks to join the organisation: it gets a membership (joined today) and waits in group pending_payments until its first
payment (a PayPal payment notification, or a payment the status rules see) moves it to group members. A member that resigned
joins again from today. Joining twice changes nothing. Returns the membership (status, dates, waived, master_id). Staff only.
Errors: DU014 member_id is null, DU001 unknown member.$$;

create function api.membership_resign(member_id bigint, on_date date default current_date, why text default null)
returns dues.membership_view
language plpgsql
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_member(membership_resign.member_id, 'administer');
    perform dues.member_get(membership_resign.member_id);
    perform dues.require_argument('on_date', membership_resign.on_date is null);
    if not exists (select from dues.membership ms where ms.member_id = membership_resign.member_id) then
        raise exception 'member % has no membership', membership_resign.member_id
            using errcode = 'DU113';
    end if;
    perform dues.audit_why(membership_resign.why);
    update dues.membership ms
       set end_date = membership_resign.on_date
     where ms.member_id = membership_resign.member_id;
    perform dues.membership_apply(membership_resign.member_id, pg_catalog.now());
    return dues.membership_view(membership_resign.member_id);
end
$$;
comment on function api.membership_resign(bigint, date, text) is
$$Records that a member resigns on on_date (today by default): its membership's end date. The status rules then decide what
follows (by default: it keeps access until 31 days after its last payment, then leaves group members). Resigning again moves
the date. Returns the membership. A member may resign itself.
Errors: DU014 an argument is null, DU001 unknown member, DU113 the member has no membership.$$;

create function api.membership_waive(member_id bigint, waived boolean, why text default null)
returns dues.membership_view
language plpgsql
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_staff();
    perform dues.member_get(membership_waive.member_id);
    perform dues.require_argument('waived', membership_waive.waived is null);
    if not exists (select from dues.membership ms where ms.member_id = membership_waive.member_id) then
        raise exception 'member % has no membership', membership_waive.member_id
            using errcode = 'DU113';
    end if;
    perform dues.audit_why(membership_waive.why);
    update dues.membership ms
       set waived = membership_waive.waived
     where ms.member_id = membership_waive.member_id;
    if not membership_waive.waived then
        perform dues.membership_apply(membership_waive.member_id, pg_catalog.now());
    end if;
    return dues.membership_view(membership_waive.member_id);
end
$$;
comment on function api.membership_waive(bigint, boolean, text) is
$$Waives (waived true) or no longer waives (false) a member's dues: a waived member is exempt from the membership status rules
(no reminders, never removed from its groups). Recorded in the audit log with why. Returns the membership. Staff only.
Errors: DU014 an argument is null, DU001 unknown member, DU113 the member has no membership.$$;

create function api.membership_status(member_id bigint)
returns dues.membership_view
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_member(membership_status.member_id);
    perform dues.member_get(membership_status.member_id);
    return dues.membership_view(membership_status.member_id);
end
$$;
comment on function api.membership_status(bigint) is
$$A member's membership: the status the rules last gave it (null without a membership), whether it counts as membership, since
when, the join, start (first payment) and end (resignation) dates, the last payment date, whether dues are waived, and its master
when it is linked (a linked member shows its master's status). A member may read its own.
Errors: DU014 member_id is null, DU001 unknown member.$$;

create function api.membership_rule_list()
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
$$The membership status rules (docs/membership.md), active ones first by weight, highest first: status, start and end events with
their offsets, weight, whether the status counts as membership, and the actions on entering it (reminder template, groups added
and removed). A DBA changes them by editing dues.membership_status_rule. Staff only.$$;

grant execute on function
    api.membership_join(bigint, text),
    api.membership_resign(bigint, date, text),
    api.membership_waive(bigint, boolean, text),
    api.membership_status(bigint),
    api.membership_rule_list()
to dues_staff;
