-- Tests of dues.idempotency_claim.

-- Tests of dues.idempotency_claim and dues.idempotency_store: the first answer per (caller, key), replayed for 24 hours.
-- Each test uses owners of its own (tests run side by side; a claimed key waits for the transaction holding it).

create or replace function tests.test_idempotency_claim__returns_nothing_the_first_time()
returns setof text
language plpgsql
as $$
declare
    v_owner text := 'fx owner ' || nextval('tests.fx_seq');
begin
    return next is_empty(format('select * from dues.idempotency_claim(%L, %L, %L)', v_owner, 'k1', 'h1'),
                         'a key never seen returns no answer: the request runs');
    return next results_eq(format('select request_hash, status, body, completed_at from dues.idempotency where owner = %L and key = %L',
                                  v_owner, 'k1'),
                           $q$values ('h1'::text, null::int, null::text, null::timestamptz)$q$,
                           'the key is claimed for the request, without an answer yet');
end
$$;

create or replace function tests.test_idempotency_claim__replays_the_stored_answer()
returns setof text
language plpgsql
as $$
declare
    v_owner text := 'fx owner ' || nextval('tests.fx_seq');
begin
    perform dues.idempotency_claim(v_owner, 'k1', 'h1');
    perform dues.idempotency_store(v_owner, 'k1', 201, '{"id": 7}');
    return next results_eq(format('select * from dues.idempotency_claim(%L, %L, %L)', v_owner, 'k1', 'h1'),
                           $q$values (201, '{"id": 7}'::text)$q$,
                           'the same request with the same key gets the stored status and body');
    return next is((select completed_at from dues.idempotency where owner = v_owner and key = 'k1'), now(),
                   'when the answer was stored is recorded');
end
$$;

create or replace function tests.test_idempotency_claim__refuses_the_key_for_another_request()
returns setof text
language plpgsql
as $$
declare
    v_owner  text := 'fx owner ' || nextval('tests.fx_seq');
    v_before jsonb;
begin
    perform dues.idempotency_claim(v_owner, 'k1', 'h1');
    perform dues.idempotency_store(v_owner, 'k1', 201, '{"id": 7}');
    v_before := tests.fx_state();
    return next throws_ok(format('select * from dues.idempotency_claim(%L, %L, %L)', v_owner, 'k1', 'h2'),
                          'DU070', 'idempotency key k1 was used with a different request',
                          'a key sent again with another request is refused');
    return next is(tests.fx_state(), v_before, 'the refused claim changed nothing');
end
$$;

create or replace function tests.test_idempotency_claim__keeps_each_owners_keys_apart()
returns setof text
language plpgsql
as $$
declare
    v_owner text := 'fx owner ' || nextval('tests.fx_seq');
    v_other text := 'fx owner ' || nextval('tests.fx_seq');
begin
    perform dues.idempotency_claim(v_owner, 'k1', 'h1');
    perform dues.idempotency_store(v_owner, 'k1', 201, '{"id": 7}');
    return next is_empty(format('select * from dues.idempotency_claim(%L, %L, %L)', v_other, 'k1', 'h2'),
                         'another caller''s request with the same key runs, whatever it is');
    perform dues.idempotency_store(v_other, 'k1', 200, '{"id": 8}');
    return next results_eq(format('select * from dues.idempotency_claim(%L, %L, %L)', v_owner, 'k1', 'h1'),
                           $q$values (201, '{"id": 7}'::text)$q$,
                           'the first caller still gets its own answer');
    return next results_eq(format('select * from dues.idempotency_claim(%L, %L, %L)', v_other, 'k1', 'h2'),
                           $q$values (200, '{"id": 8}'::text)$q$,
                           'the other caller gets its own answer');
end
$$;

create or replace function tests.test_idempotency_claim__forgets_an_answer_after_24_hours()
returns setof text
language plpgsql
as $$
declare
    v_owner text := 'fx owner ' || nextval('tests.fx_seq');
    v_fresh text := 'fx owner ' || nextval('tests.fx_seq');
begin
    insert into dues.idempotency (owner, key, request_hash, status, body, created_at, completed_at)
    values (v_owner, 'k1', 'h1', 201, 'old', now() - interval '25 hours', now() - interval '25 hours'),
           (v_fresh, 'k1', 'h1', 201, 'recent', now() - interval '23 hours', now() - interval '23 hours');
    return next is_empty(format('select * from dues.idempotency_claim(%L, %L, %L)', v_owner, 'k1', 'h2'),
                         'a key whose answer is 25 hours old is free again, even for another request');
    return next results_eq(format('select request_hash, status, body, created_at from dues.idempotency where owner = %L and key = %L',
                                  v_owner, 'k1'),
                           format('values (%L::text, null::int, null::text, %L::timestamptz)', 'h2', now()),
                           'the old answer was replaced by the new claim');
    return next results_eq(format('select * from dues.idempotency_claim(%L, %L, %L)', v_fresh, 'k1', 'h1'),
                           $q$values (201, 'recent'::text)$q$,
                           'an answer 23 hours old is still replayed');
end
$$;

create or replace function tests.test_idempotency_claim__refuses_a_new_key_past_the_callers_limit()
returns setof text
language plpgsql
as $$
declare
    v_owner text := 'fx owner ' || nextval('tests.fx_seq');
    v_other text := 'fx owner ' || nextval('tests.fx_seq');
begin
    update dues.setting set value = '2' where name = 'idempotency_max_keys';
    perform dues.idempotency_claim(v_owner, 'k1', 'h');
    perform dues.idempotency_store(v_owner, 'k1', 200, '"one"');
    perform dues.idempotency_claim(v_owner, 'k2', 'h');
    return next throws_ok(format('select * from dues.idempotency_claim(%L, %L, %L)', v_owner, 'k3', 'h'), 'DU073',
                          'this caller holds 2 live idempotency keys, the most it may', 'a third live key is refused');
    return next results_eq(format('select * from dues.idempotency_claim(%L, %L, %L)', v_owner, 'k1', 'h'),
                           $q$values (200, '"one"'::text)$q$, 'a retry with a key it holds still replays');
    return next is_empty(format('select * from dues.idempotency_claim(%L, %L, %L)', v_other, 'k3', 'h'),
                         'another caller has its own limit');
    update dues.idempotency set created_at = now() - interval '25 hours' where owner = v_owner and key = 'k2';
    return next is_empty(format('select * from dues.idempotency_claim(%L, %L, %L)', v_owner, 'k3', 'h'),
                         'an expired key no longer counts');
end
$$;
