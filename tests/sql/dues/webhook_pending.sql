-- Tests of dues.webhook_pending and dues.webhook_verification_failed: what the worker verifies, and when again.

create or replace function tests.test_webhook_pending__claims_what_is_due_and_backs_off_after_a_failure()
returns setof text
language plpgsql
as $$
declare
    v_id bigint := dues.webhook_intake('stripe', convert_to('{}', 'UTF8'), '{}', null);
begin
    return next ok(not exists (select from dues.webhook_pending(now(), 1000) where id = v_id),
                   'a delivery just stored is left to the request verifying it');
    update dues.webhook_message set verify_due_at = now() where id = v_id;
    return next ok(exists (select from dues.webhook_pending(now(), 1000) where id = v_id), 'then claimed once due');
    return next ok(not exists (select from dues.webhook_pending(now(), 1000) where id = v_id), 'and leased meanwhile');
    return next is(dues.webhook_verification_failed(v_id, 'setting stripe_webhook_secret is not set', now()), 'unverified',
                   'a delivery that cannot be verified is unverified');
    return next ok((select verify_due_at > now() + interval '59 seconds' from dues.webhook_message where id = v_id),
                   'and tried again after the backoff');
    perform dues.webhook_verification_failed(v_id, 'again', now());
    return next ok((select verify_due_at > now() + interval '119 seconds' from dues.webhook_message where id = v_id),
                   'which doubles');
    return next is((select verify_attempts from dues.webhook_message where id = v_id), 2, 'attempts are counted');
    return next throws_ok('select dues.webhook_verification_failed(-1, null, now())', 'DU603', null, 'an unknown delivery');
end
$$;
