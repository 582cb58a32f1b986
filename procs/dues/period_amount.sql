-- What a member pays for the period of a recurring class starting on a day: its newest period amount override in effect,
-- else the class's household_amount when the member is a master with linked members on that day (the household is
-- billed once, to the master), else the class amount.
create or replace function dues.period_amount(p_member_id bigint, p_class_id bigint, p_on date)
returns numeric
language plpgsql
stable
set search_path = ''
as $$
declare
    v_override  dues.period_amount_override;
    v_household numeric := (dues.class_params(p_class_id) ->> 'household_amount')::numeric;
begin
    select o.* into v_override
      from dues.period_amount_override o
     where o.member_id = p_member_id and o.class_id = p_class_id and o.effective_from <= p_on
     order by o.effective_from desc, o.id desc
     limit 1;
    if found and v_override.amount is not null then
        return v_override.amount;
    end if;
    if v_household is not null and dues.member_household(p_member_id, p_on) then
        return v_household;
    end if;
    return (dues.recurring_terms(p_class_id)).amount;
end
$$;
