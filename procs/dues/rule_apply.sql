-- Calls a class's rule method on checked request parameters and checks what it returns.
create or replace function dues.rule_apply(p_class_id bigint, p_member_id bigint, p_request_params jsonb, p_today date)
returns dues.rule_result
language plpgsql
set search_path = ''
as $$
declare
    v_class  dues.class;
    v_method regproc;
    v_result dues.rule_result;
begin
    select c.* into strict v_class from dues.class c where c.id = p_class_id;
    select r.method into strict v_method from dues.subscription_rule r where r.name = v_class.rule;

    execute pg_catalog.format('select r.amount, r.start_date, r.end_date from %s($1, $2, $3, $4, $5) as r', v_method)
       into v_result.amount, v_result.start_date, v_result.end_date
      using p_class_id, p_member_id, dues.class_params(p_class_id), p_request_params, p_today;

    if v_result.amount is null or v_result.amount < 0 or v_result.start_date is null
       or v_result.end_date < v_result.start_date then
        raise exception 'rule % returned an invalid result %', v_class.rule, v_result
            using errcode = 'DU061',
                  detail = 'amount must be >= 0, start_date set, end_date null or not before start_date';
    end if;
    perform dues.money_check(v_result.amount, v_class.currency);
    return v_result;
end
$$;
