-- "Not yours" and "does not exist" are one answer: a caller that may not act on a record gets the same 42501, with
-- the same message but for the id, whether the record exists or not, for every kind of record a member names by id
-- (members, orders, invoices, subscriptions, service orders, contacts, storage slots). Staff, who may act on
-- everything, still learn that a record does not exist (the DU code of its kind).

-- Whether the caller may act for a member: staff (or no request at all), the member itself, or a person holding a role
-- on it (an organisation): any role to use, manager to pay or administer. False for a member that does not exist.
-- It reads the caller settings itself (as dues.caller_is_staff and dues.caller_member_id do): every member request
-- passes here, and a call less is a few microseconds less.
create or replace function dues.caller_may_act(p_member_id bigint, p_action text default 'use')
returns boolean
language sql
stable
set search_path = ''
as $$
    select case
        when coalesce(pg_catalog.current_setting('dues.staff', true), '') = ''
             or pg_catalog.current_setting('dues.staff', true)::boolean then true
        else coalesce(c.member_id = p_member_id
                      or exists (select from dues.organization_role r
                                  where r.member_id = c.member_id
                                    and r.organization_id = p_member_id
                                    and r.revoked_at is null
                                    and (r.role = 'manager' or p_action = 'use')), false)
    end
      from (select nullif(pg_catalog.current_setting('dues.member_id', true), '')::bigint as member_id) c
$$;

-- The one refusal of a record the caller may not act on, or that does not exist: 42501 naming only the kind and the id.
create or replace function dues.refuse_record(p_what text, p_id bigint, p_action text)
returns void
language plpgsql
stable
set search_path = ''
as $$
begin
    raise exception 'not allowed to act on % %', p_what, p_id
        using errcode = '42501',
              detail = 'this needs the right to ' || p_action || ' for the ' || p_what || '''s member';
end
$$;

-- Refuses unless the caller is staff, is the member, or holds a role on the
-- member (an organisation): any role to use, manager to pay or administer.
-- The refusal is the same whether or not the member exists.
create or replace function dues.authorize_member(p_member_id bigint, p_action text default 'use')
returns void
language plpgsql
stable
set search_path = ''
as $$
begin
    perform dues.require_argument('member_id', p_member_id is null);
    if dues.caller_may_act(p_member_id, p_action) then
        return;
    end if;
    raise exception 'not allowed to act for member %', p_member_id
        using errcode = '42501',
              detail = 'this needs the right to ' || p_action || ' for the member';
end
$$;

-- Refuses unless the caller may act (dues.caller_may_act) for the member
-- of the order; the refusal is the same whether or not the order exists.
create or replace function dues.authorize_order(p_order_id bigint, p_action text default 'use')
returns void
language plpgsql
stable
set search_path = ''
as $$
begin
    if dues.caller_is_staff() then
        return;
    end if;
    if not coalesce(dues.caller_may_act((select o.member_id from dues.subscription_order o where o.id = p_order_id), p_action),
                    false) then
        perform dues.refuse_record('order', p_order_id, p_action);
    end if;
end
$$;

-- Refuses unless the caller may act on a service order: as one who may act for the member that holds it
-- (dues.caller_may_act), or through a role on the service order itself (any role to use, manager to pay or
-- administer). The refusal is the same whether or not it exists.
create or replace function dues.authorize_service_order(p_service_order_id bigint, p_action text default 'use')
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
    if v_member_id is not null and (
        dues.caller_may_act(v_member_id, p_action)
        or exists (select from dues.service_order_role r
                    where r.member_id = dues.caller_member_id()
                      and r.service_order_id = p_service_order_id
                      and r.revoked_at is null
                      and (r.role = 'manager' or p_action = 'use'))
    ) then
        return;
    end if;
    perform dues.refuse_record('service order', p_service_order_id, p_action);
end
$$;

-- The invoice with this id after checking the caller may act for its member (the refusal is the same whether or not
-- it exists); DU014 null, DUB01 unknown (to staff).
create or replace function dues.invoice_authorized(p_invoice_id bigint, p_action text)
returns dues.invoice
language plpgsql
stable
set search_path = ''
as $$
declare
    v_invoice dues.invoice;
begin
    perform dues.require_argument('invoice_id', p_invoice_id is null);
    select i.* into v_invoice from dues.invoice i where i.id = p_invoice_id;
    if not coalesce(dues.caller_may_act(v_invoice.member_id, p_action), false) then
        perform dues.refuse_record('invoice', p_invoice_id, p_action);
    end if;
    if v_invoice.id is null then
        raise exception 'invoice % not found', p_invoice_id
            using errcode = 'DUB01';
    end if;
    return v_invoice;
end
$$;

-- The recurring subscription with this id, locked with its member's billing lock; DU014 null, DUB02 unknown (to staff).
-- The caller must be allowed p_action on its service order (or on its member when it has none); the refusal is the
-- same whether or not the subscription exists.
create or replace function dues.recurring_subscription_lock(p_subscription_id bigint, p_action text)
returns dues.recurring_subscription
language plpgsql
set search_path = ''
as $$
declare
    v_sub dues.recurring_subscription;
begin
    perform dues.require_argument('subscription_id', p_subscription_id is null);
    select r.* into v_sub from dues.recurring_subscription r where r.class_subscription_id = p_subscription_id;
    if not dues.caller_is_staff() and not coalesce(
        case when v_sub.service_order_id is not null
             then dues.caller_may_act(v_sub.member_id, p_action)
                  or exists (select from dues.service_order_role r
                              where r.member_id = dues.caller_member_id()
                                and r.service_order_id = v_sub.service_order_id
                                and r.revoked_at is null
                                and (r.role = 'manager' or p_action = 'use'))
             else dues.caller_may_act(v_sub.member_id, p_action)
        end, false) then
        perform dues.refuse_record('subscription', p_subscription_id, p_action);
    end if;
    if v_sub.class_subscription_id is null then
        raise exception 'recurring subscription % not found', p_subscription_id
            using errcode = 'DUB02';
    end if;
    perform dues.member_lock(v_sub.member_id);
    select r.* into strict v_sub from dues.recurring_subscription r where r.class_subscription_id = p_subscription_id for update;
    return v_sub;
end
$$;

-- Removes a member's contact (kept as history).
create or replace function api.contact_remove(contact_id bigint)
returns dues.member_contact
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_contact dues.member_contact;
begin
    perform dues.require_argument('contact_id', contact_remove.contact_id is null);
    select c.* into v_contact from dues.member_contact c where c.id = contact_remove.contact_id;
    if not coalesce(dues.caller_may_act(v_contact.member_id, 'pay'), false) then
        perform dues.refuse_record('contact', contact_remove.contact_id, 'pay');
    end if;
    if v_contact.id is null then
        raise exception 'contact % not found', contact_remove.contact_id
            using errcode = 'DUB04';
    end if;
    update dues.member_contact c
       set removed_at = pg_catalog.now(), removed_by = dues.actor()
     where c.id = v_contact.id and c.removed_at is null
    returning c.* into v_contact;
    if not found then
        select c.* into strict v_contact from dues.member_contact c where c.id = contact_remove.contact_id;
    end if;
    return v_contact;
end
$$;

-- Asks to renew the current assignment of a storage slot: only its holder (or whoever may act for it) may, and anyone
-- else is refused alike whether the slot exists, is free, or is another member's.
create or replace function api.storage_renewal_request(slot_id bigint, note text default null)
returns dues.storage_renewal
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_assignment dues.storage_assignment;
    v_request    dues.storage_renewal;
begin
    perform dues.require_argument('slot_id', storage_renewal_request.slot_id is null);
    select a.* into v_assignment
      from dues.storage_assignment a
     where a.slot_id = storage_renewal_request.slot_id and a.ended_on is null;
    if not dues.caller_is_staff() and not coalesce(dues.caller_may_act(v_assignment.member_id, 'use'), false) then
        perform dues.refuse_record('storage slot', storage_renewal_request.slot_id, 'use');
    end if;
    perform dues.storage_slot_get(storage_renewal_request.slot_id);
    v_assignment := dues.storage_assignment_lock(storage_renewal_request.slot_id);
    select r.* into v_request from dues.storage_renewal r where r.assignment_id = v_assignment.id and r.decided_at is null;
    if not found then
        insert into dues.storage_renewal as r (assignment_id, note)
        values (v_assignment.id, storage_renewal_request.note)
        returning r.* into v_request;
    end if;
    return v_request;
end
$$;
comment on function api.storage_renewal_request(bigint, text) is
$$Asks to renew the current assignment of a storage slot, with a note for the admin. Asking again while a request is open returns
that request. The member holding the slot may ask. Returns the request.
Errors: DU014 slot_id is null, DU016 a note too long, 42501 not allowed (the slot is not the caller's: it is another member's, free,
or does not exist, all answered alike); to staff: DU131 unknown slot, DU132 the slot is not assigned.$$;
