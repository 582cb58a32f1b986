-- Adds a one-off charge to a member's next invoice.
create or replace function api.charge_add(member_id bigint, class_id bigint, amount numeric, description text,
                                          due_date date default dues.local_date(now()))
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
            using errcode = 'DU017';
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
DU017 blank description, DUB12 the member is linked (its master is billed), 42501 not staff.$$;

grant execute on function api.charge_add(bigint, bigint, numeric, text, date) to dues_staff;
