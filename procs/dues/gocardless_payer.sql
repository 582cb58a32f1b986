-- The member a GoCardless event is for: the one holding its mandate, subscription or customer id, else the one with
-- the e-mail of the mandate's customer, read from the GoCardless API (subscription → mandate → customer, each fetched
-- once by the worker: the event waits meanwhile). p_ids: {"mandate", "subscription", "customer"}. Returns the outcome
-- to record (waiting, unmatched, ambiguous), or state null and the member.
create or replace function dues.gocardless_payer(p_event dues.webhook_event, p_ids jsonb, p_member_id bigint default null)
returns dues.ipn_outcome
language plpgsql
set search_path = ''
as $$
declare
    v_mandate      text := p_ids ->> 'mandate';
    v_subscription text := p_ids ->> 'subscription';
    v_customer     text := p_ids ->> 'customer';
    v_match        dues.ipn_outcome;
    v_resource     jsonb;
begin
    v_match := dues.webhook_match(p_event, array[v_mandate, v_subscription, v_customer], null, p_member_id);
    if v_match.state is distinct from 'unmatched' then
        return v_match;
    end if;
    if v_mandate is null and v_subscription is not null then
        v_resource := dues.webhook_resource_need(p_event, 'subscriptions/' || v_subscription);
        if v_resource is null then
            return ('waiting', 'waits for subscriptions/' || v_subscription || ' from the GoCardless API', null, null)::dues.ipn_outcome;
        end if;
        v_mandate := v_resource #>> '{subscriptions,links,mandate}';
    end if;
    if v_customer is null and v_mandate is not null then
        v_resource := dues.webhook_resource_need(p_event, 'mandates/' || v_mandate);
        if v_resource is null then
            return ('waiting', 'waits for mandates/' || v_mandate || ' from the GoCardless API', null, null)::dues.ipn_outcome;
        end if;
        v_customer := v_resource #>> '{mandates,links,customer}';
    end if;
    if v_customer is null then
        return v_match;
    end if;
    v_resource := dues.webhook_resource_need(p_event, 'customers/' || v_customer);
    if v_resource is null then
        return ('waiting', 'waits for customers/' || v_customer || ' from the GoCardless API', null, null)::dues.ipn_outcome;
    end if;
    return dues.webhook_match(p_event, array[v_mandate, v_subscription, v_customer], v_resource #>> '{customers,email}');
end
$$;
