-- Tests of api.certification_revoke.

create or replace function tests.test_certification_revoke__withdraws_and_keeps_the_history()
returns setof text
language plpgsql
as $$
declare
    v_laser   dues.item := tests.fx_item(true);
    v_member  bigint := tests.fx_member();
    v_cert    dues.certification := api.certification_grant(v_member, v_laser.id);
    v_revoked dues.certification := api.certification_revoke(v_member, v_laser.id, 'misuse');
begin
    return next is((v_revoked.id, v_revoked.revoked_at, v_revoked.revoked_by), (v_cert.id, now(), dues.actor()),
                   'the certification is withdrawn, with when and by whom');
    return next is((select why from dues.audit_log where table_name = 'certification' and row_id = v_cert.id and action = 'update'),
                   'misuse', 'audited with why');
    return next isnt((api.certification_grant(v_member, v_laser.id)).id, v_cert.id, 'certifying again makes a new certification');
end
$$;

create or replace function tests.test_certification_revoke__refuses_what_is_not_there_and_members()
returns setof text
language plpgsql
as $$
declare
    v_laser  dues.item := tests.fx_item(true);
    v_member bigint := tests.fx_member();
    v_other  bigint := tests.fx_member();
    v_before jsonb;
begin
    perform api.certification_grant(v_member, v_laser.id);
    v_before := tests.fx_state();
    return next throws_ok(format('select api.certification_revoke(%s, %s)', v_other, v_laser.id), 'DU126',
                          format('member %s is not certified on item %s', v_other, v_laser.id), 'a member who is not certified');
    return next throws_ok(format('select api.certification_revoke(-1, %s)', v_laser.id), 'DU001', null, 'an unknown member');
    return next throws_ok(format('select api.certification_revoke(%s, -1)', v_member), 'DU122', null, 'an unknown item');
    return next throws_ok(format('select api.certification_revoke(null, %s)', v_laser.id), 'DU014', null,
                          'a null member');
    perform tests.fx_as_member(v_member);
    return next throws_ok(format('select api.certification_revoke(%s, %s)', v_member, v_laser.id), '42501', null,
                          'a member cannot withdraw a certification');
    perform tests.fx_as_staff();
    return next is(tests.fx_state(), v_before, 'nothing changed');
end
$$;
