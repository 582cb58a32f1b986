-- The {{key}} placeholders a template text uses, as dues.template_fill finds them, in order, once each.
create or replace function dues.template_placeholders(p_text text)
returns text[]
language sql
immutable
set search_path = ''
as $$
    select coalesce(pg_catalog.array_agg(k.key order by k.first), '{}')
      from (select m[1] as key, pg_catalog.min(n) as first
              from pg_catalog.regexp_matches(coalesce(p_text, ''), '\{\{\s*([a-zA-Z0-9_]+)\s*\}\}', 'g') with ordinality as r(m, n)
             group by m[1]) k
$$;
