-- The bank id of a statement line's payer (its name as written, lowercased and with single spaces), or null when the
-- payer is an e-mail address (matched as an e-mail instead).
create or replace function dues.bank_payer_ref(p_payer text)
returns text
language sql
immutable
set search_path = ''
as $$
    select case when pg_catalog.btrim(p_payer) ~ '^[^@[:space:]]+@[^@[:space:]]+$' then null
                else nullif(pg_catalog.left(pg_catalog.lower(pg_catalog.regexp_replace(pg_catalog.btrim(p_payer), '\s+', ' ', 'g')), 255), '')
           end
$$;
