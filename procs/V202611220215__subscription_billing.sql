-- The api of recurring subscriptions: start one in one call, cancel it (crediting invoiced days it no longer covers),
-- change its class mid-period (prorated by days), set a member's dues, add a one-off charge, list them.

-- Refuses unless the caller may act on a service order: as the member that holds it (dues.authorize_member), or through
-- a role on it (any role to use, manager to pay or administer). The refusal is the same whether or not it exists.
create function dues.authorize_service_order(p_service_order_id bigint, p_action text default 'use')
returns void
language plpgsql
stable
set search_path = ''
as $$
declare
    v_member_id bigint;
begin
    if dues.caller_is_staff() then
        return;
    end if;
    select so.member_id into v_member_id from dues.service_order so where so.id = p_service_order_id;
    if v_member_id is not null and exists (
        select from dues.service_order_role r
         where r.member_id = dues.caller_member_id()
           and r.service_order_id = p_service_order_id
           and r.revoked_at is null
           and (r.role = 'manager' or p_action = 'use')
    ) then
        return;
    end if;
    if v_member_id is null then
        raise exception 'not allowed to act on service order %', p_service_order_id
            using errcode = '42501',
                  detail = 'this needs the right to ' || p_action || ' for the service order';
    end if;
    perform dues.authorize_member(v_member_id, p_action);
end
$$;

-- The recurring subscription with this id, locked with its member's billing lock; DU014 null, DUB02 unknown.
-- The caller must be allowed p_action on its service order (or on its member when it has none).
create function dues.recurring_subscription_lock(p_subscription_id bigint, p_action text)
returns dues.recurring_subscription
language plpgsql
set search_path = ''
as $$
declare
    v_sub dues.recurring_subscription;
begin
    perform dues.require_argument('subscription_id', p_subscription_id is null);
    select r.* into v_sub from dues.recurring_subscription r where r.class_subscription_id = p_subscription_id;
    if not found then
        if not dues.caller_is_staff() then
            raise exception 'not allowed to act on subscription %', p_subscription_id
                using errcode = '42501';
        end if;
        raise exception 'recurring subscription % not found', p_subscription_id
            using errcode = 'DUB02';
    end if;
    if v_sub.service_order_id is not null then
        perform dues.authorize_service_order(v_sub.service_order_id, p_action);
    else
        perform dues.authorize_member(v_sub.member_id, p_action);
    end if;
    perform dues.member_lock(v_sub.member_id);
    select r.* into strict v_sub from dues.recurring_subscription r where r.class_subscription_id = p_subscription_id for update;
    return v_sub;
end
$$;

-- Ends a recurring subscription on a day (its last day covered): invoiced days after it are credited back to the member
-- (exactly the part of each period's amount they cost), the credit settles open invoices, and the memberships the
-- subscription gave end with it. Returns the subscription.
create function dues.recurring_subscription_end(p_sub dues.recurring_subscription, p_end date, p_on date)
returns dues.recurring_subscription
language plpgsql
set search_path = ''
as $$
declare
    v_sub      dues.recurring_subscription;
    v_line     record;
    v_credit   numeric;
    v_tx       bigint;
    v_currency char(3);
begin
    select c.currency into strict v_currency from dues.class c where c.id = p_sub.class_id;
    for v_line in
        select l.*, i.member_id
          from dues.invoice_line l
          join dues.invoice i on i.id = l.invoice_id
         where l.subscription_id = p_sub.class_subscription_id and l.kind = 'period' and not l.void
           and l.period_end > p_end
         order by l.period_start
    loop
        v_credit := case
            when v_line.period_start > p_end then v_line.amount
            else dues.period_piece(v_line.period_amount, v_currency, v_line.period_of,
                                   dues.period_start(v_line.period_of, (dues.recurring_terms(p_sub.class_id)).period,
                                                     (dues.recurring_terms(p_sub.class_id)).period_count, 1) - 1,
                                   p_end + 1, v_line.period_end)
        end;
        continue when v_credit <= 0;
        v_tx := dues.ledger_transfer(dues.class_account(v_line.class_id), dues.member_account(v_line.member_id, v_currency),
                                     v_credit, 'proration_credit',
                                     pg_catalog.format('subscription %s ends on %s: %s to %s credited',
                                                       p_sub.class_subscription_id, p_end,
                                                       greatest(p_end + 1, v_line.period_start), v_line.period_end));
        perform dues.ledger_book(v_tx, p_on, v_line.member_id, v_line.invoice_id);
        insert into dues.proration_credit (invoice_line_id, member_id, amount, unused_from, credited_on, ledger_transaction_id)
        values (v_line.id, v_line.member_id, v_credit, greatest(p_end + 1, v_line.period_start), p_on, v_tx);
    end loop;

    update dues.recurring_subscription r
       set end_date = p_end,
           billed_until = case when r.billed_until > p_end then p_end else r.billed_until end,
           ended_at = pg_catalog.now(),
           ended_by = dues.actor()
     where r.class_subscription_id = p_sub.class_subscription_id
    returning r.* into v_sub;

    -- the memberships it gave (directly or by a reinstatement) end after its last day
    update dues.group_membership gm
       set during = pg_catalog.daterange(pg_catalog.lower(gm.during), p_end + 1)
     where gm.member_id = p_sub.member_id
       and (gm.class_subscription_id = p_sub.class_subscription_id
            or gm.id in (select sm.group_membership_id from dues.standing_membership sm
                          where sm.action = 'restored' and sm.class_subscription_id = p_sub.class_subscription_id))
       and pg_catalog.lower(gm.during) <= p_end
       and (pg_catalog.upper_inf(gm.during) or pg_catalog.upper(gm.during) > p_end + 1);

    perform dues.member_settle(p_sub.member_id, v_currency, p_on);
    return v_sub;
end
$$;

-- api.subscription_start --------------------------------------------------------------------------------------------

-- Starts a recurring subscription in one call: subscription_request, order_confirm and class_subscription_confirm.
create function api.subscription_start(member_id bigint, class_id bigint, params jsonb default '{}')
returns dues.recurring_subscription
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_class dues.class;
    v_order dues.subscription_order;
    v_cs    dues.class_subscription;
    v_sub   dues.recurring_subscription;
begin
    perform dues.authorize_member(subscription_start.member_id, 'pay');
    perform dues.member_get(subscription_start.member_id);
    v_class := dues.class_get(subscription_start.class_id);
    if v_class.rule <> 'recurring' then
        raise exception 'class % has rule %, not recurring: subscribe with subscription_request', v_class.id, v_class.rule
            using errcode = 'DUB16';
    end if;
    v_order := api.subscription_request(subscription_start.member_id, v_class.id, subscription_start.params);
    perform api.order_confirm(v_order.id);
    v_cs := api.class_subscription_confirm(v_order.id);
    select r.* into strict v_sub from dues.recurring_subscription r where r.class_subscription_id = v_cs.id;
    return v_sub;
end
$$;

comment on function api.subscription_start(bigint, bigint, jsonb) is
$$Subscribes a member to a recurring class (rule "recurring") in one call: the same as subscription_request, order_confirm and
class_subscription_confirm (the order costs nothing: the collector invoices the setup fee and every period). params are the rule's
request parameters: {"start_date": "YYYY-MM-DD"} (default today, not in the past) and {"service_order_id": N} (one of the member's
open service orders). Returns the recurring subscription (class_subscription_id, member_id, class_id, service_order_id, start_date,
anchor_date, end_date: last day of a one_time or fixed term, null when it renews until cancelled, billed_until, …).
Errors: DU014 member_id or class_id is null, DU001 unknown member, DU002 unknown class, DUB16 the class is not recurring,
DU012 a start date in the past, DUB03 unknown service order, DUB18 closed service order, DUB12 the member is linked (its master is billed),
DUB10 it would overlap another subscription of the member to the class in the same service order, 42501 not allowed.$$;

-- api.subscription_cancel -------------------------------------------------------------------------------------------

-- Ends a recurring subscription after a last day (default today), crediting invoiced days it no longer covers.
create function api.subscription_cancel(subscription_id bigint, end_date date default current_date)
returns dues.recurring_subscription
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_sub dues.recurring_subscription := dues.recurring_subscription_lock(subscription_cancel.subscription_id, 'pay');
begin
    perform dues.require_argument('end_date', subscription_cancel.end_date is null);
    if v_sub.ended_at is not null then
        raise exception 'subscription % was already cancelled: its last day is %', v_sub.class_subscription_id, v_sub.end_date
            using errcode = 'DUB15';
    end if;
    if subscription_cancel.end_date < v_sub.start_date or subscription_cancel.end_date > v_sub.end_date then
        raise exception 'subscription % runs from % to %: it cannot end on %', v_sub.class_subscription_id, v_sub.start_date,
                        coalesce(v_sub.end_date::text, 'open end'), subscription_cancel.end_date
            using errcode = 'DUB15';
    end if;
    return dues.recurring_subscription_end(v_sub, subscription_cancel.end_date, dues.local_date(pg_catalog.now()));
end
$$;

comment on function api.subscription_cancel(bigint, date) is
$$Cancels a recurring subscription: end_date (default today) becomes its last day covered. Periods are no longer billed after it; the
period it falls in is billed only up to it; a period already invoiced is credited back for the days after it (the exact part of the
period's amount those days cost, by days) to the member's credit, which then settles open invoices. The memberships the subscription
gave end after end_date. Returns the subscription. A subscription is cancelled once.
Errors: DU014 subscription_id or end_date is null, DUB02 unknown subscription, DUB15 already cancelled, or end_date before its start
or after the end of its term, 42501 not allowed (it needs the right to pay for the member, or the manager role on its service order).$$;

-- api.subscription_change_class -------------------------------------------------------------------------------------

-- Moves a recurring subscription to another recurring class from a day on, prorating the period it happens in.
create function api.subscription_change_class(subscription_id bigint, class_id bigint, on_date date)
returns dues.recurring_subscription
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_old    dues.recurring_subscription := dues.recurring_subscription_lock(subscription_change_class.subscription_id, 'pay');
    v_class  dues.class;
    v_terms  dues.recurring_terms;
    v_new_t  dues.recurring_terms;
    v_anchor date;
    v_params jsonb;
    v_new    dues.recurring_subscription;
begin
    perform dues.require_argument('class_id', subscription_change_class.class_id is null);
    perform dues.require_argument('on_date', subscription_change_class.on_date is null);
    v_class := dues.class_get(subscription_change_class.class_id);
    v_new_t := dues.recurring_terms(v_class.id);
    v_terms := dues.recurring_terms(v_old.class_id);
    if v_old.ended_at is not null then
        raise exception 'subscription % was cancelled: its last day is %', v_old.class_subscription_id, v_old.end_date
            using errcode = 'DUB15';
    end if;
    if subscription_change_class.on_date <= v_old.start_date or subscription_change_class.on_date > v_old.end_date then
        raise exception 'subscription % runs from % to %: it cannot change class on %', v_old.class_subscription_id,
                        v_old.start_date, coalesce(v_old.end_date::text, 'open end'), subscription_change_class.on_date
            using errcode = 'DUB15',
                  hint = 'a change takes effect after the first day; to change on the first day, cancel and start anew';
    end if;

    perform dues.recurring_subscription_end(v_old, subscription_change_class.on_date - 1, dues.local_date(pg_catalog.now()));

    -- the new subscription's periods line up with the old one's: its first piece runs to the end of the old period
    v_anchor := dues.period_start(v_old.anchor_date, v_terms.period, v_terms.period_count,
                                  dues.period_index(v_old.anchor_date, v_terms.period, v_terms.period_count,
                                                    subscription_change_class.on_date) + 1);
    if dues.period_start(v_anchor, v_new_t.period, v_new_t.period_count, -1) > subscription_change_class.on_date
       or subscription_change_class.on_date = dues.period_start(v_anchor, v_terms.period, v_terms.period_count, -1) then
        -- on the first day of an old period, or when the rest of the old period is longer than a new one
        v_anchor := subscription_change_class.on_date;
    end if;

    v_params := pg_catalog.jsonb_build_object('start_date', subscription_change_class.on_date);
    if v_old.service_order_id is not null then
        v_params := v_params || pg_catalog.jsonb_build_object('service_order_id', v_old.service_order_id);
    end if;
    v_new := api.subscription_start(v_old.member_id, v_class.id, v_params);
    update dues.recurring_subscription r
       set anchor_date = v_anchor
     where r.class_subscription_id = v_new.class_subscription_id
    returning r.* into v_new;
    update dues.recurring_subscription r
       set replaced_by = v_new.class_subscription_id
     where r.class_subscription_id = v_old.class_subscription_id;
    return v_new;
end
$$;

comment on function api.subscription_change_class(bigint, bigint, date) is
$$Changes a recurring subscription to another recurring class from on_date: the old subscription ends on the day before (its invoiced
days from on_date on are credited back, by days, exactly), and a new subscription to the class starts on on_date in the same service
order. The new one's first piece runs to the end of the old period and is charged for those days only (prorated by days from the new
class's amount); its later periods line up with the old ones. When the rest of the old period is longer than a period of the new class,
the new periods simply start on on_date. The new class's setup fee, if any, is charged. Returns the new subscription; the old one's
replaced_by names it.
Errors: DU014 an argument is null, DUB02 unknown subscription, DU002 unknown class, DUB16 a class that is not recurring,
DUB15 the subscription was cancelled, or on_date is not after its first day or is after its last, DU012 on_date in the past, 42501 not allowed.$$;

-- api.dues_set ------------------------------------------------------------------------------------------------------

-- Sets a member's own dues per period of a recurring class (sliding scale), from a day on.
create function api.dues_set(member_id bigint, class_id bigint, amount numeric, effective_from date default current_date)
returns dues.dues_override
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_terms    dues.recurring_terms;
    v_override dues.dues_override;
begin
    perform dues.authorize_staff();
    perform dues.member_lock(dues_set.member_id);
    perform dues.require_argument('class_id', dues_set.class_id is null);
    perform dues.require_argument('effective_from', dues_set.effective_from is null);
    v_terms := dues.recurring_terms(dues_set.class_id);
    if dues_set.amount < 0 then
        raise exception 'dues must not be negative, got %', dues_set.amount
            using errcode = 'DU020';
    end if;
    if dues_set.amount is not null then
        perform dues.money_check(dues_set.amount, v_terms.currency);
    end if;
    insert into dues.dues_override as o (member_id, class_id, amount, effective_from)
    values (dues_set.member_id, dues_set.class_id, dues_set.amount, dues_set.effective_from)
    returning o.* into v_override;
    return v_override;
end
$$;

comment on function api.dues_set(bigint, bigint, numeric, date) is
$$Sets what a member pays per period of a recurring class instead of the class amount (a sliding scale), for the periods starting on or
after effective_from (default today); periods already invoiced keep their amount. amount 0: the member is invoiced nothing for the class
(not even its setup fee, when set before the subscription starts); amount null: back to the class amount. Each call is kept as history.
Staff only. Returns the override row.
Errors: DU014 member_id, class_id or effective_from is null, DU001 unknown member, DU002 unknown class, DUB16 the class is not recurring,
DU020 a negative amount, DU023 too many decimals for the class currency, 42501 not staff.$$;

-- api.charge_add ----------------------------------------------------------------------------------------------------

-- Adds a one-off charge to a member's next invoice.
create function api.charge_add(member_id bigint, class_id bigint, amount numeric, description text,
                               due_date date default current_date)
returns dues.charge
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_class  dues.class;
    v_charge dues.charge;
begin
    perform dues.authorize_staff();
    perform dues.member_lock(charge_add.member_id);
    v_class := dues.class_get(charge_add.class_id);
    perform dues.require_argument('amount', charge_add.amount is null);
    perform dues.require_argument('description', charge_add.description is null);
    perform dues.require_argument('due_date', charge_add.due_date is null);
    if charge_add.amount <= 0 then
        raise exception 'charge amount must be positive, got %', charge_add.amount
            using errcode = 'DU020';
    end if;
    perform dues.money_check(charge_add.amount, v_class.currency);
    if pg_catalog.btrim(charge_add.description) = '' then
        raise exception 'description must not be blank'
            using errcode = 'DU013';
    end if;
    if dues.member_master(charge_add.member_id) is not null then
        raise exception 'member % is linked to member %: linked members are billed through their master',
                        charge_add.member_id, dues.member_master(charge_add.member_id)
            using errcode = 'DUB12';
    end if;
    insert into dues.charge as c (member_id, class_id, kind, description, amount, currency, due_date)
    values (charge_add.member_id, v_class.id, 'charge', pg_catalog.btrim(charge_add.description), charge_add.amount,
            v_class.currency, charge_add.due_date)
    returning c.* into v_charge;
    return v_charge;
end
$$;

comment on function api.charge_add(bigint, bigint, numeric, text, date) is
$$Adds a one-off charge (a late fee, an extra service) for a member: the collector puts it on the member's invoice once due_date
(default today) is within the invoicing lead time; its revenue goes to the class (any class, in the class's currency). Staff only.
Returns the charge.
Errors: DU014 an argument is null, DU001 unknown member, DU002 unknown class, DU020 amount not positive, DU023 too many decimals,
DU013 blank description, DUB12 the member is linked (its master is billed), 42501 not staff.$$;

-- api.recurring_subscription_list -----------------------------------------------------------------------------------

-- A member's recurring subscriptions with their billing state.
create function api.recurring_subscription_list(member_id bigint)
returns table (subscription_id bigint, class_id bigint, class_title text, service_order_id bigint, start_date date,
               end_date date, billed_until date, renewal text, period text, dues numeric(14,2), currency char(3),
               replaced_by bigint, cancelled_at timestamptz)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
    perform dues.authorize_member(recurring_subscription_list.member_id, 'use');
    perform dues.member_get(recurring_subscription_list.member_id);
    return query
        select r.class_subscription_id, c.id, c.title, r.service_order_id, r.start_date, r.end_date, r.billed_until,
               (dues.recurring_terms(c.id)).renewal,
               (dues.recurring_terms(c.id)).period_count || ' ' || (dues.recurring_terms(c.id)).period,
               dues.dues_amount(r.member_id, c.id, greatest(coalesce(r.billed_until + 1, r.start_date), current_date))::numeric(14,2),
               c.currency, r.replaced_by, r.ended_at
          from dues.recurring_subscription r
          join dues.class c on c.id = r.class_id
         where r.member_id = recurring_subscription_list.member_id
         order by r.start_date, r.class_subscription_id;
end
$$;

comment on function api.recurring_subscription_list(bigint) is
$$Lists a member's recurring subscriptions, oldest first: subscription id, class, service order, start_date and end_date (last day;
null while it renews), billed_until (every day up to it is invoiced: the renewal horizon), renewal, period ("1 month"), the dues of its
next period (the member's override or the class amount), currency, replaced_by (after a class change) and cancelled_at.
Errors: DU014 member_id is null, DU001 unknown member, 42501 not allowed.$$;
