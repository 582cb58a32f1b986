-- Sets a member's own dues per period of a recurring class (sliding scale), from a day on.
create or replace function api.dues_set(member_id bigint, class_id bigint, amount numeric, effective_from date default dues.local_date(now()))
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

grant execute on function api.dues_set(bigint, bigint, numeric, date) to dues_staff;
