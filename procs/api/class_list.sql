-- Lists classes, newest first: the open ones to anyone, also the closed ones to staff.
create or replace function api.class_list(q text default null, rule text default null, open_only boolean default false,
                                          "limit" int default 50, after bigint default null)
returns setof dues.class_view
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
    v_pattern   text;
    v_open_only boolean := coalesce(class_list.open_only, false) or not dues.caller_is_staff();
begin
    perform dues.list_check(class_list."limit", class_list.after);
    if class_list.rule is not null and not exists (select from dues.subscription_rule r where r.name = class_list.rule) then
        raise exception 'subscription rule % not found', class_list.rule
            using errcode = 'DU004',
                  hint = 'rule_list lists them';
    end if;
    if nullif(pg_catalog.btrim(class_list.q), '') is not null then
        -- a part of the title or description, as typed: % and _ are themselves
        v_pattern := '%' || pg_catalog.replace(pg_catalog.replace(pg_catalog.replace(
                         pg_catalog.btrim(class_list.q), '\', '\\'), '%', '\%'), '_', '\_') || '%';
    end if;
    return query
        select (dues.class_view(c)).*
          from dues.class c
         where (class_list.after is null or c.id < class_list.after)
           and (v_pattern is null or c.title ilike v_pattern or c.description ilike v_pattern)
           and (class_list.rule is null or c.rule = class_list.rule)
           and (not v_open_only or c.closed_at is null)
         order by c.id desc
         limit class_list."limit";
end
$$;

comment on function api.class_list(text, text, boolean, int, bigint) is
$$Lists classes, newest first: q a part of the title or description (case-insensitive), rule a subscription rule, open_only
only those that take new orders. Anyone may list the open classes (a member or a caller without a token sees only those); staff
also see the closed ones. Each row: id, title, description, currency, rule, params (the class's parameter values), provider_id
(null: the broker), open, closed_at, created_at. A page of limit rows (50 by default, at most 500); the next page is after the
last id seen.
Errors: DU300 limit outside 1..500, DU301 after below 1, DU004 unknown rule.$$;

grant execute on function api.class_list(text, text, boolean, int, bigint) to dues_anonymous, dues_member, dues_staff;
