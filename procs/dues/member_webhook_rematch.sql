-- Trigger: a member was added or its e-mail changed: webhook events waiting for a payer with the old or new address
-- are matched again at once.
create or replace function dues.member_webhook_rematch()
returns trigger
language plpgsql
security definer  -- the caller's role cannot process webhook events itself
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
    if exists (select from dues.webhook_event w
                where w.state in ('unmatched', 'ambiguous') and pg_catalog.lower(w.payer_email) = any (v_emails)) then
        perform dues.webhook_rematch(v_emails, '{}');
    end if;
    return null;
end
$$;

create or replace trigger member_webhook_rematch
    after insert or update of email, paypal_email on dues.member
    for each row execute function dues.member_webhook_rematch();
