-- Rule single_payment: one payment of the class's price; the subscription starts today and is open-ended.

-- Subscription method of rule single_payment.
create function rules.class_subscribe_single_payment(p_class_id bigint, p_member_id bigint, p_class_params jsonb,
                                                     p_request_params jsonb, p_today date)
returns dues.rule_result
language plpgsql
stable
set search_path = ''
as $$
-- @plpgsql_check_options: extra_warnings = off
-- (every rule method shares one signature; this one needs only the price and p_today)
begin
    return row((p_class_params ->> 'price')::numeric, p_today, null)::dues.rule_result;
end
$$;

insert into dues.subscription_rule (name, title, description, method)
values ('single_payment', 'Single payment subscription',
        'One payment of the class price; the subscription starts on the day it is requested and has no end.',
        'rules.class_subscribe_single_payment');

insert into dues.subscription_parameter_template (rule, name, type, scope, required, description)
values ('single_payment', 'price', 'money', 'class', true, 'Subscription price');
