-- Tests of dues.idempotency_expire.

create or replace function tests.test_idempotency_expire__forgets_answers_past_the_retention()
returns setof text
language plpgsql
as $$
declare
    v_owner text := 'fx owner ' || nextval('tests.fx_seq');
begin
    perform dues.idempotency_claim(v_owner, 'old', 'h');
    perform dues.idempotency_claim(v_owner, 'new', 'h');
    update dues.idempotency set created_at = now() - interval '25 hours' where owner = v_owner and key = 'old';
    return next ok(dues.idempotency_expire(now()) >= 1, 'it says how many it removed');
    return next results_eq(format('select key from dues.idempotency where owner = %L', v_owner), $q$values ('new'::text)$q$,
                           'the answer older than 24 hours is gone, the newer one kept');
    return next throws_ok('select dues.idempotency_expire(null)', 'DU014', null, 'now is required');
end
$$;
