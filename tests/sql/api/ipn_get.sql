-- Tests of api.ipn_get.

create or replace function tests.test_ipn_get__shows_the_raw_message_and_its_history()
returns setof text
language plpgsql
as $$
declare
    v_body   bytea := tests.fx_ipn_body('subscr_signup', 'ann@example.org');
    v_id     bigint := dues.ipn_receive(v_body, '{"content-type": "application/x-www-form-urlencoded"}');
    v_detail dues.ipn_detail;
begin
    perform dues.ipn_verification_failed(v_id, 'connection refused', now());
    perform dues.ipn_verified(v_id, 'VERIFIED');
    v_detail := api.ipn_get(v_id);
    return next is(v_detail.body, convert_from(v_body, 'UTF8'), 'the raw body, as text');
    return next is(v_detail.headers, '{"content-type": "application/x-www-form-urlencoded"}'::jsonb, 'the headers');
    return next is(v_detail.fields ->> 'payer_email', 'ann@example.org', 'the decoded fields');
    return next is(v_detail.verification, 'VERIFIED', 'PayPal''s answer');
    return next results_eq(format($q$select e ->> 'event', e ->> 'state' from jsonb_array_elements(%L::jsonb) e$q$, v_detail.history),
                           $q$values ('verification_failed'::text, 'unverified'::text), ('verified', 'unverified'), ('processed', 'unmatched')$q$,
                           'and its history, oldest first');
    return next throws_ok('select api.ipn_get(-1)', 'DU100', 'payment notification -1 not found', 'an unknown message');
end
$$;
