-- Tests of api.certification_grant.

create or replace function tests.test_certification_grant__records_who_certified_and_when()
returns setof text
language plpgsql
as $$
declare
    v_laser   dues.item := tests.fx_item(true);
    v_member  bigint := tests.fx_member('Learner');
    v_trainer bigint := tests.fx_member('Trainer');
    v_cert    dues.certification := api.certification_grant(v_member, v_laser.id, v_trainer, 'safety course');
    v_before  jsonb;
begin
    return next is((v_cert.certified_by, v_cert.certified_at, v_cert.note), (v_trainer, now(), 'safety course'::text),
                   'by whom, when, and a note');
    return next is((api.certification_grant(v_member, v_laser.id)).id, v_cert.id, 'a certified member stays certified once');
    v_before := tests.fx_state();
    return next throws_ok(format('select api.certification_grant(%s, %s, %s)', v_trainer, v_laser.id, v_trainer), 'DU01H',
                          format('member %s cannot certify itself', v_trainer), 'nobody certifies itself');
    return next throws_ok(format('select api.certification_grant(%s, -1)', v_trainer), 'DU122', null, 'an unknown machine');
    return next is(tests.fx_state(), v_before, 'nothing changed');
    return next results_eq(format('select member_id, certified_by from api.certification_list(null, %s)', v_laser.id),
                           format('values (%s::bigint, %s::bigint)', v_member, v_trainer), 'the certification log of a machine');
    perform api.certification_revoke(v_member, v_laser.id, 'misuse');
    return next throws_ok(format('select api.certification_revoke(%s, %s)', v_member, v_laser.id), 'DU126',
                          null, 'revoked once');
    return next is((select count(*) from dues.audit_log where table_name = 'certification' and member_id = v_member), 2::bigint,
                   'certifications are audited');
end
$$;
