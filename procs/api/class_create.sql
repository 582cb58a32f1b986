-- Creates a class priced by a subscription rule; params are the rule's class-level parameter values.
create or replace function api.class_create(title text, rule text, params jsonb default '{}', currency text default null,
                                            description text default null)
returns dues.class
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_currency char(3);
    v_params   jsonb;
    v_group_id bigint;
    v_class    dues.class;
begin
    perform dues.require_argument('title', class_create.title is null);
    perform dues.require_argument('rule', class_create.rule is null);
    if pg_catalog.btrim(class_create.title) = '' then
        raise exception 'title must not be blank'
            using errcode = 'DU017';
    end if;
    if not exists (select from dues.subscription_rule r where r.name = class_create.rule) then
        raise exception 'subscription rule % not found', class_create.rule
            using errcode = 'DU004',
                  hint = (select 'known rules: ' || coalesce(pg_catalog.string_agg(r.name, ', ' order by r.name), 'none')
                            from dues.subscription_rule r);
    end if;
    v_currency := dues.currency_resolve(class_create.currency);
    v_params := dues.params_check(class_create.rule, 'class', class_create.params, v_currency);
    perform dues.rule_check_class(class_create.rule, v_params);

    insert into dues."group" as g (name)
    values ('students of ' || pg_catalog.btrim(class_create.title))
    returning g.id into v_group_id;

    insert into dues.class as c (title, description, currency, rule, students_group_id)
    values (pg_catalog.btrim(class_create.title), class_create.description, v_currency, class_create.rule, v_group_id)
    returning c.* into v_class;

    insert into dues.class_subscription_parameter (class_id, rule, name, value)
    select v_class.id, v_class.rule, p.key, p.value
      from pg_catalog.jsonb_each(v_params) as p;

    insert into dues.ledger_account (name, currency, allow_negative, class_id)
    values (pg_catalog.format('class %s revenue %s', v_class.id, v_currency), v_currency, false, v_class.id);

    -- a class nobody can invoice is refused now, not by every collector run later
    perform dues.class_provider(v_class.id);
    return v_class;
end
$$;

comment on function api.class_create(text, text, jsonb, text, text) is
$$Creates a class (a course, a membership tier, a hosting package, a plan) that members subscribe to.
rule names a subscription rule (see rule_list); params is a JSON object of the rule's class-level parameters, e.g. {"price": "25.00"}:
every required one must be present, every value valid for its type, and names the rule does not define at class level are refused.
currency defaults to the system default (dues.setting default_currency). The class gets its own students group and a revenue account.
Its invoices are issued by the broker (the site's organization, registered at the first migration) until class_set_provider chooses
another provider; without a broker the class is refused (DUB14).
Returns the new class (id, title, description, currency, rule, students_group_id, created_at, created_by).
Errors: DU014 title or rule is null, DU017 blank title, DU01K params not an object, DU004 unknown rule, DU021 unknown currency,
DU010 a required parameter is missing, DU011 unknown parameter, DU012 a value is invalid for its type or for the rule,
DUB14 no broker is registered to invoice the class.$$;

grant execute on function api.class_create(text, text, jsonb, text, text) to dues_staff;
