-- Processes again the messages left unmatched or ambiguous whose payer has one
-- of these e-mail addresses (any, when null), skipping those another
-- transaction is processing. Returns how many became something else.
create or replace function dues.ipn_rematch(p_emails text[])
returns table (examined int, resolved int)
language plpgsql
set search_path = ''
as $$
declare
    v_id bigint;
begin
    examined := 0;
    resolved := 0;
    for v_id in
        select m.id
          from dues.ipn_message m
         where m.state in ('unmatched', 'ambiguous')
           and (p_emails is null or pg_catalog.lower(m.payer_email) = any (p_emails))
         order by m.id
           for update skip locked
    loop
        examined := examined + 1;
        if dues.ipn_process(v_id) not in ('unmatched', 'ambiguous') then
            resolved := resolved + 1;
        end if;
    end loop;
    return next;
end
$$;
