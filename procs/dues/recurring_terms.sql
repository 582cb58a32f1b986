-- The terms of a class of rule recurring; DU002 unknown class, DUB16 when the class is not recurring.
create or replace function dues.recurring_terms(p_class_id bigint)
returns dues.recurring_terms
language plpgsql
stable
set search_path = ''
as $$
declare
    v_class  dues.class := dues.class_get(p_class_id);
    v_params jsonb;
    v_terms  dues.recurring_terms;
begin
    if v_class.rule <> 'recurring' then
        raise exception 'class % has rule %, not recurring', v_class.id, v_class.rule
            using errcode = 'DUB16';
    end if;
    v_params := dues.class_params(v_class.id);
    v_terms.class_id := v_class.id;
    v_terms.currency := v_class.currency;
    v_terms.period := v_params ->> 'period';
    v_terms.period_count := coalesce((v_params ->> 'period_count')::int, 1);
    v_terms.amount := (v_params ->> 'amount')::numeric;
    v_terms.setup_fee := coalesce((v_params ->> 'setup_fee')::numeric, 0);
    v_terms.renewal := v_params ->> 'renewal';
    v_terms.periods := (v_params ->> 'periods')::int;
    return v_terms;
end
$$;
