-- Lookups shared by the api: members, classes, orders (locked), their ledger accounts and reserved credit.

-- The member with this id; DU014 when null, DU001 when unknown.
create function dues.member_get(p_member_id bigint)
returns dues.member
language plpgsql
stable
set search_path = ''
as $$
declare
    v_member dues.member;
begin
    perform dues.require_argument('member_id', p_member_id is null);
    select m.* into v_member from dues.member m where m.id = p_member_id;
    if not found then
        raise exception 'member % not found', p_member_id
            using errcode = 'DU001';
    end if;
    return v_member;
end
$$;

-- The class with this id; DU014 when null, DU002 when unknown.
create function dues.class_get(p_class_id bigint)
returns dues.class
language plpgsql
stable
set search_path = ''
as $$
declare
    v_class dues.class;
begin
    perform dues.require_argument('class_id', p_class_id is null);
    select c.* into v_class from dues.class c where c.id = p_class_id;
    if not found then
        raise exception 'class % not found', p_class_id
            using errcode = 'DU002';
    end if;
    return v_class;
end
$$;

-- The order with this id, locked FOR UPDATE until the end of the transaction; DU014 when null, DU003 when unknown.
-- A caller who may not pay for the order's member gets 42501 whether or not the order exists.
create function dues.order_lock(p_order_id bigint)
returns dues.subscription_order
language plpgsql
set search_path = ''
as $$
declare
    v_order dues.subscription_order;
begin
    perform dues.require_argument('order_id', p_order_id is null);
    perform dues.authorize_order(p_order_id, 'pay');
    select o.* into v_order from dues.subscription_order o where o.id = p_order_id for update;
    if not found then
        raise exception 'order % not found', p_order_id
            using errcode = 'DU003';
    end if;
    return v_order;
end
$$;

-- The member's credit account in a currency, or null when the member never had money in it.
create function dues.member_account_find(p_member_id bigint, p_currency char(3))
returns bigint
language sql
stable
set search_path = ''
as $$
    select a.id from dues.ledger_account a where a.member_id = p_member_id and a.currency = p_currency
$$;

-- The member's credit account in a currency, created (never negative) on first use.
create function dues.member_account(p_member_id bigint, p_currency char(3))
returns bigint
language plpgsql
set search_path = ''
as $$
declare
    v_account_id bigint := dues.member_account_find(p_member_id, p_currency);
begin
    if v_account_id is null then
        insert into dues.ledger_account (name, currency, allow_negative, member_id)
        values (pg_catalog.format('member %s credit %s', p_member_id, p_currency), p_currency, false, p_member_id)
        on conflict (member_id, currency) where member_id is not null do nothing;
        v_account_id := dues.member_account_find(p_member_id, p_currency);
    end if;
    return v_account_id;
end
$$;

-- The clearing account of a payment method in a currency (may go negative), created on first use.
create function dues.processor_account(p_method text, p_currency char(3))
returns bigint
language plpgsql
set search_path = ''
as $$
declare
    v_account_id bigint;
begin
    select a.id into v_account_id from dues.ledger_account a where a.payment_method = p_method and a.currency = p_currency;
    if v_account_id is null then
        insert into dues.ledger_account (name, currency, allow_negative, payment_method)
        values (pg_catalog.format('processor %s %s', p_method, p_currency), p_currency, true, p_method)
        on conflict (payment_method, currency) where payment_method is not null do nothing;
        select a.id into strict v_account_id from dues.ledger_account a where a.payment_method = p_method and a.currency = p_currency;
    end if;
    return v_account_id;
end
$$;

-- The revenue account of a class (made by api.class_create).
create function dues.class_account(p_class_id bigint)
returns bigint
language sql
stable
set search_path = ''
as $$
    select a.id from dues.ledger_account a where a.class_id = p_class_id
$$;

-- What the member's confirmed, not yet closed orders in a currency hold back from the balance.
create function dues.member_reserved(p_member_id bigint, p_currency char(3))
returns numeric
language sql
stable
set search_path = ''
as $$
    select coalesce(pg_catalog.sum(o.amount), 0)
      from dues.subscription_order o
     where o.member_id = p_member_id and o.currency = p_currency and o.state = 'confirmed'
$$;

-- Trigger: an order only moves opened -> confirmed -> closed, or to cancelled, and records who and when.
create function dues.subscription_order_guard()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
    c_stamps constant text[] := array['state', 'confirmed_at', 'confirmed_by', 'closed_at', 'closed_by',
                                      'cancelled_at', 'cancelled_by'];
begin
    if (pg_catalog.to_jsonb(new) - c_stamps) <> (pg_catalog.to_jsonb(old) - c_stamps) then
        raise exception 'order % cannot be rewritten: only its state changes', old.id
            using errcode = 'DU042';
    end if;
    if new.state = old.state then
        if (pg_catalog.to_jsonb(new) <> pg_catalog.to_jsonb(old)) then
            raise exception 'order % cannot be rewritten: its state stamps are recorded by the database', old.id
                using errcode = 'DU042';
        end if;
        return new;
    end if;
    if (old.state, new.state) not in (('opened', 'confirmed'), ('opened', 'cancelled'),
                                      ('confirmed', 'closed'), ('confirmed', 'cancelled')) then
        raise exception 'order % is %, it cannot become %', old.id, old.state, new.state
            using errcode = 'DU031';
    end if;
    case new.state
        when 'confirmed' then
            new.confirmed_at := pg_catalog.now();
            new.confirmed_by := dues.actor();
        when 'closed' then
            new.closed_at := pg_catalog.now();
            new.closed_by := dues.actor();
        when 'cancelled' then
            new.cancelled_at := pg_catalog.now();
            new.cancelled_by := dues.actor();
        else
            null;
    end case;
    return new;
end
$$;

create trigger subscription_order_guard
    before update on dues.subscription_order
    for each row execute function dues.subscription_order_guard();
