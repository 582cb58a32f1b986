-- What a webhook event means, by provider (dues.stripe_event_apply, dues.gocardless_event_apply,
-- dues.paypal_event_apply). p_member_id: the member staff named. Raises when something cannot be done.
create or replace function dues.webhook_event_apply(p_event dues.webhook_event, p_member_id bigint default null)
returns dues.ipn_outcome
language plpgsql
set search_path = ''
as $$
begin
    return case p_event.provider
               when 'stripe' then dues.stripe_event_apply(p_event, p_member_id)
               when 'gocardless' then dues.gocardless_event_apply(p_event, p_member_id)
               else dues.paypal_event_apply(p_event, p_member_id)
           end;
end
$$;
