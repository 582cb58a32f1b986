-- Trigger: a member's e-mail or PayPal e-mail was set or changed: messages
-- waiting for a payer with the old or new address are matched again at once.
create or replace function dues.member_ipn_rematch()
returns trigger
language plpgsql
security definer  -- the caller's role cannot process payment notifications itself
set search_path = ''
as $$
declare
    v_emails text[];
begin
    select pg_catalog.array_agg(distinct pg_catalog.lower(e)) into v_emails
      from pg_catalog.unnest(array[new.email, new.paypal_email,
                                   case when tg_op = 'UPDATE' then old.email end,
                                   case when tg_op = 'UPDATE' then old.paypal_email end]) e
     where e is not null;
    if exists (select from dues.ipn_message m
                where m.state in ('unmatched', 'ambiguous') and pg_catalog.lower(m.payer_email) = any (v_emails)) then
        perform dues.ipn_rematch(v_emails);
    end if;
    return null;
end
$$;

create or replace trigger member_ipn_rematch
    after insert or update of email, paypal_email on dues.member
    for each row execute function dues.member_ipn_rematch();
