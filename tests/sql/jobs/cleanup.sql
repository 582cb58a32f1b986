-- Tests of jobs.cleanup: old idempotency answers and old nonces go, recent ones and history stay.

create or replace function tests.test_cleanup__forgets_old_idempotency_answers_and_nonces()
returns setof text
language plpgsql
as $$
declare
    v_owner  text := 'fx owner ' || nextval('tests.fx_seq');
    v_device dues.device := tests.fx_device();
    v_door   dues.item := tests.fx_item();
    v_body   text := tests.fx_access_body(v_device.name, v_door.name, 'b1', 'old-nonce');
begin
    perform dues.idempotency_claim(v_owner, 'k-old', 'h');
    perform dues.idempotency_claim(v_owner, 'k-new', 'h');
    update dues.idempotency set created_at = now() - interval '25 hours' where owner = v_owner and key = 'k-old';
    perform dues.access_check(v_body, tests.fx_sign(v_body, v_device.secret_key), now() - interval '401 days');
    perform tests.fx_access(v_device, v_door.name, 'b1', now() - interval '1 day');
    return next is(jobs.cleanup(now()) ->> 'nonces_deleted', '1', 'one nonce is older than 400 days');
    return next results_eq(format('select key from dues.idempotency where owner = %L', v_owner), $q$values ('k-new'::text)$q$,
                           'answers older than 24 hours are forgotten, newer ones kept');
    return next is((select count(*) from dues.access_nonce where device_id = v_device.id), 1::bigint, 'the recent nonce is kept');
    return next is((select count(*) from dues.access_log where device_id = v_device.id), 2::bigint, 'the access log is history: kept');
    return next is(jobs.cleanup(now()) - 'now', '{"idempotency_deleted": 0, "nonces_deleted": 0, "ipn_deleted": 0, "signin_codes_deleted": 0}'::jsonb, 'running again deletes nothing');
end
$$;

create or replace function tests.test_cleanup__removes_payment_notifications_that_had_no_effect()
returns setof text
language plpgsql
as $$
declare
    v_old bigint := (select id from dues.ipn_intake('junk'::bytea, '{}', 'fx sender ' || nextval('tests.fx_seq')));
    v_new bigint := (select id from dues.ipn_intake('junk'::bytea, '{}', 'fx sender ' || nextval('tests.fx_seq')));
begin
    update dues.ipn_message set received_at = now() - interval '90 days 1 minute' where id = v_old;
    return next ok((jobs.cleanup(now()) ->> 'ipn_deleted')::int >= 1, 'the summary counts them');
    return next is((select array_agg(id) from dues.ipn_message where id in (v_old, v_new)), array[v_new],
                   'older than ipn_junk_retention_days (90): removed; newer: kept');
end
$$;

create or replace function tests.test_cleanup__forgets_sign_in_codes_a_day_after_they_expired()
returns setof text
language plpgsql
as $$
declare
    v_old text := tests.fx_address();
    v_new text := tests.fx_address();
begin
    perform api.signin_request(v_old);
    perform api.signin_request(v_new);
    update dues.signin_code set expires_at = now() - interval '1 day 1 second' where email = v_old;
    return next is((jobs.cleanup(now()) ->> 'signin_codes_deleted')::int, 1, 'a code expired more than a day ago is forgotten');
    return next is((select count(*)::int from dues.signin_code where email in (v_old, v_new)), 1, 'a newer one is kept');
    insert into dues.signin_failure (client_address, created_at) values ('fx-old', now() - interval '1 day 1 second'), ('fx-new', now());
    perform jobs.cleanup(now());
    return next is((select array_agg(client_address) from dues.signin_failure where client_address like 'fx-%'), '{fx-new}'::text[],
                   'refused sign-ins are forgotten after a day');
end
$$;
