-- Tests of dues.webhook_rematch, its triggers (dues.member_webhook_rematch, dues.member_provider_ref_rematch) and
-- jobs.webhook_rematch: waiting events are matched again when a member or a provider id appears.

create or replace function tests.test_webhook_rematch__a_new_member_or_id_matches_waiting_events()
returns setof text
language plpgsql
as $$
declare
    v_email  text := tests.fx_ref('late') || '@example.org';
    v_event  dues.webhook_event := tests.fx_stripe_paid(v_email, 700);
    v_other  dues.webhook_event := tests.fx_stripe_paid(tests.fx_ref('other') || '@example.org', 300);
    v_member bigint;
begin
    return next is(v_event.state, 'unmatched', 'a payer nobody is');
    v_member := (api.member_create('Late', v_email)).id;
    return next is((tests.fx_webhook_event('stripe', v_event.event_id)).state, 'processed', 'matched when the member is created');
    return next is(tests.fx_member_balance(v_member), 7.00::numeric, 'and paid');
    update dues.member set email = upper(tests.fx_ref('x')) || '@example.org' where id = v_member;
    return next is((tests.fx_webhook_event('stripe', v_other.event_id)).state, 'unmatched', 'another payer stays unmatched');
    insert into dues.member_provider_ref (member_id, provider, ref, source) values (v_member, 'stripe', (v_other.refs)[1], 'webhook 0');
    return next is((tests.fx_webhook_event('stripe', v_other.event_id)).state, 'unmatched', 'an id learned from an event waits for the job');
    return next ok((jobs.webhook_rematch(now()) ->> 'resolved')::int >= 1, 'which matches it');
    return next is((tests.fx_webhook_event('stripe', v_other.event_id)).state, 'processed', 'processed');
    return next is(tests.fx_member_balance(v_member), 10.00::numeric, 'and paid');
end
$$;

create or replace function tests.test_webhook_rematch__an_address_a_member_takes_later_holds_the_event_for_staff()
returns setof text
language plpgsql
as $$
declare
    v_email  text := tests.fx_ref('payer') || '@example.org';
    v_event  dues.webhook_event := tests.fx_stripe_paid(v_email, 900);
    v_member bigint := tests.fx_member();
begin
    return next is(v_event.state, 'unmatched', 'nobody has the payer''s address');
    perform tests.fx_as_member(v_member);
    perform api.member_update(v_member, email => v_email);
    perform tests.fx_as_staff();
    return next is((tests.fx_webhook_event('stripe', v_event.event_id)).state, 'held',
                   'a member making the address its own after the payment came does not take it');
    return next is(tests.fx_member_balance(v_member), 0::numeric, 'no money moved');
    return next is((api.webhook_reprocess(v_event.id, v_member)).state, 'processed', 'staff decides');
    return next is(tests.fx_member_balance(v_member), 9.00::numeric, 'then it is paid');
end
$$;
