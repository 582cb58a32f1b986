-- Every subscription rule with its parameter templates, types and UI input snippets.
create or replace function api.rule_list()
returns table (rule text, title text, description text, method text, parameters jsonb)
language sql
stable
security definer
set search_path = ''
as $$
    select r.name,
           r.title,
           r.description,
           r.method::text,
           coalesce((select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                                'name', t.name,
                                'type', t.type,
                                'scope', t.scope,
                                'required', t.required,
                                'description', t.description,
                                'type_description', pt.description,
                                'input_type', pt.input_type)
                            order by t.scope, t.name)
                       from dues.subscription_parameter_template t
                       join dues.parameter_type pt on pt.name = t.type
                      where t.rule = r.name), '[]')
      from dues.subscription_rule r
     order by r.name
$$;

comment on function api.rule_list() is
$$Lists the subscription rules a class can be created with (api.class_create's rule argument is the rule name).
Each row: rule (name), title, description, method (the PL/pgSQL function that prices and dates an order) and parameters, a JSON array of
{name, type, scope, required, description, type_description, input_type}. scope "class" parameters are given once to class_create
(e.g. price); scope "request" parameters are given by the member to class_subscription_request (e.g. start_date). input_type is the HTML
snippet a user interface uses to present and validate a value of that type.$$;

grant execute on function api.rule_list() to dues_anonymous, dues_member, dues_staff;
