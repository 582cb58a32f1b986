-- Trigger: an order only moves opened -> confirmed -> closed, or to cancelled, and records who and when.
create or replace function dues.subscription_order_guard()
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

create or replace trigger subscription_order_guard
    before update on dues.subscription_order
    for each row execute function dues.subscription_order_guard();
