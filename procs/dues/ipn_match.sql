-- The one member a payer's e-mail names: members' e-mail first, then their
-- PayPal e-mail. candidates lists the members when several match (never guessed).
create or replace function dues.ipn_match(p_payer_email text, out member_id bigint, out candidates bigint[])
language plpgsql
stable
set search_path = ''
as $$
declare
    v_email text := pg_catalog.lower(pg_catalog.btrim(p_payer_email));
begin
    candidates := '{}';
    if coalesce(v_email, '') = '' then
        return;
    end if;
    select pg_catalog.array_agg(m.id order by m.id) into candidates from dues.member m where pg_catalog.lower(m.email) = v_email;
    if coalesce(pg_catalog.cardinality(candidates), 0) = 0 then
        select pg_catalog.array_agg(m.id order by m.id) into candidates
          from dues.member m
         where pg_catalog.lower(m.paypal_email) = v_email;
    end if;
    candidates := coalesce(candidates, '{}');
    if pg_catalog.cardinality(candidates) = 1 then
        member_id := candidates[1];
    end if;
end
$$;
