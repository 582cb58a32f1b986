-- Tests of api.member_export.

create or replace function tests.test_member_export__answers_everything_about_the_member()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member('Grace Hopper');
    v_doc    jsonb;
begin
    perform api.contact_add(v_member, 'other', 'Grace''s sister', 'sister@example.org');
    perform api.badge_assign(v_member, tests.fx_ref('B'), null);
    perform tests.fx_pay(v_member, 10);
    v_doc := api.member_export(v_member);
    return next is(v_doc -> 'member' ->> 'name', 'Grace Hopper', 'the member');
    return next is(v_doc -> 'member_contact' -> 0 ->> 'email', 'sister@example.org', 'its contacts');
    return next is(pg_catalog.jsonb_array_length(v_doc -> 'badge'), 1, 'its badges');
    return next is(v_doc -> 'payment' -> 0 ->> 'amount', '10.00', 'its payments');
    return next ok(v_doc ? 'audit_log' and v_doc ? 'ipn_message' and v_doc ? 'webhook_event' and v_doc ? 'ledger_accounts',
                   'the audit log, notifications and ledger accounts too');
    perform tests.fx_as_member(v_member);
    return next is(api.member_export(v_member) -> 'member' ->> 'id', v_member::text, 'a member may export itself');
end
$$;

create or replace function tests.test_member_export__refuses_another_member_as_a_missing_one()
returns setof text
language plpgsql
as $$
declare
    v_ann bigint := tests.fx_member('Ann');
    v_bob bigint := tests.fx_member('Bob');
    v_other   jsonb;
    v_missing jsonb;
begin
    perform tests.fx_as_member(v_ann);
    return next throws_ok(pg_catalog.format('select api.member_export(%s)', v_bob), '42501', null, 'another member''s data');
    v_other := tests.fx_error(pg_catalog.format('select api.member_export(%s)', v_bob));
    v_missing := tests.fx_error('select api.member_export(-1)');
    return next is(v_other, v_missing, 'the same answer as for a member that does not exist');
    perform tests.fx_as_staff();
    return next throws_ok('select api.member_export(-1)', 'DU001', null, 'staff: an unknown member');
    return next throws_ok('select api.member_export(null)', 'DU014', null, 'a null member');
end
$$;
