-- Tests of dues.idempotency_store.

create or replace function tests.test_idempotency_store__changes_nothing_for_an_unclaimed_key()
returns setof text
language plpgsql
as $$
declare
    v_owner  text  := 'fx owner ' || nextval('tests.fx_seq');
    v_before jsonb := tests.fx_state();
begin
    perform dues.idempotency_store(v_owner, 'k1', 201, '{"id": 7}');
    return next is(tests.fx_state(), v_before, 'an answer for a key nobody claimed is not stored');
end
$$;

create or replace function tests.test_idempotency_store__changes_nothing_for_an_unclaimed_key()
returns setof text
language plpgsql
as $$
declare
    v_owner  text  := 'fx owner ' || nextval('tests.fx_seq');
    v_before jsonb := tests.fx_state();
begin
    perform dues.idempotency_store(v_owner, 'k1', 201, '{"id": 7}');
    return next is(tests.fx_state(), v_before, 'an answer for a key nobody claimed is not stored');
end
$$;
