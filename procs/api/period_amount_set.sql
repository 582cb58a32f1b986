-- Sets a member's own period amount for a recurring class (a sliding scale), from a day on.
create or replace function api.period_amount_set(member_id bigint, class_id bigint, amount numeric,
                                                 effective_from date default dues.local_date(now()))
returns dues.period_amount_override
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_terms    dues.recurring_terms;
    v_override dues.period_amount_override;
begin
    perform dues.authorize_staff();
    perform dues.member_lock(period_amount_set.member_id);
    perform dues.require_argument('class_id', period_amount_set.class_id is null);
    perform dues.require_argument('effective_from', period_amount_set.effective_from is null);
    v_terms := dues.recurring_terms(period_amount_set.class_id);
    if period_amount_set.amount < 0 then
        raise exception 'a period amount must not be negative, got %', period_amount_set.amount
            using errcode = 'DU020';
    end if;
    if period_amount_set.amount is not null then
        perform dues.money_check(period_amount_set.amount, v_terms.currency);
    end if;
    insert into dues.period_amount_override as o (member_id, class_id, amount, effective_from)
    values (period_amount_set.member_id, period_amount_set.class_id, period_amount_set.amount, period_amount_set.effective_from)
    returning o.* into v_override;
    return v_override;
end
$$;

comment on function api.period_amount_set(bigint, bigint, numeric, date) is
$$Sets what a member pays per period of a recurring class instead of the class amount (a sliding scale), for the periods starting on or
after effective_from (default today); periods already invoiced keep their amount. amount 0: the member is invoiced nothing for the class
(not even its setup fee, when set before the subscription starts); amount null: back to the class amount. Each call is kept as history.
Staff only. Returns the period amount override (id, member_id, class_id, amount, effective_from, created_at, created_by).
Errors: DU014 member_id, class_id or effective_from is null, DU001 unknown member, DU002 unknown class, DUB16 the class is not recurring,
DU020 a negative amount, DU023 too many decimals for the class currency, 42501 not staff.$$;

grant execute on function api.period_amount_set(bigint, bigint, numeric, date) to dues_staff;
