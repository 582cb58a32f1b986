-- One class with its rule's parameter templates and its current parameter values.
create or replace function api.class_get(
    class_id        bigint,
    out id          bigint,
    out title       text,
    out description text,
    out currency    char(3),
    out rule        text,
    out provider_id bigint,
    out open        boolean,
    out closed_at   timestamptz,
    out created_at  timestamptz,
    out params      jsonb,
    out parameters  jsonb
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
    v_class dues.class := dues.class_get(class_get.class_id);
begin
    if v_class.closed_at is not null and not dues.caller_is_staff() then
        -- only staff see closed classes; to anyone else one is as unknown as a class that never existed
        raise exception 'class % not found', class_get.class_id
            using errcode = 'DU002';
    end if;
    id := v_class.id;
    title := v_class.title;
    description := v_class.description;
    currency := v_class.currency;
    rule := v_class.rule;
    provider_id := v_class.provider_id;
    open := v_class.closed_at is null;
    closed_at := v_class.closed_at;
    created_at := v_class.created_at;
    params := dues.class_params(v_class.id);
    parameters := coalesce((select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
                                       'name', t.name,
                                       'type', t.type,
                                       'scope', t.scope,
                                       'required', t.required,
                                       'description', t.description,
                                       'type_description', pt.description,
                                       'input_type', pt.input_type,
                                       'value', v.value)
                                   order by t.scope, t.name)
                              from dues.subscription_parameter_template t
                              join dues.parameter_type pt on pt.name = t.type
                              left join dues.class_subscription_parameter v on v.class_id = v_class.id and v.name = t.name
                             where t.rule = v_class.rule), '[]');
end
$$;

comment on function api.class_get(bigint) is
$$One class: id, title, description, currency, rule, provider_id (null: the broker), open (it takes new orders), closed_at,
created_at, params (its parameter values) and parameters: every parameter template of its rule (name, type, scope class or request,
required, description, type_description, input_type: the HTML input a form shows) with the class's value (null for a request
parameter, or an optional one the class leaves out). Anyone may read an open class; only staff a closed one.
Errors: DU014 class_id is null, DU002 unknown class (or closed, to anyone but staff).$$;

grant execute on function api.class_get(bigint) to dues_anonymous, dues_member, dues_staff;
