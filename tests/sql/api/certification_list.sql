-- Tests of api.certification_list.

create or replace function tests.test_certification_list__filters_by_member_and_item_oldest_first()
returns setof text
language plpgsql
as $$
declare
    v_laser dues.item := tests.fx_item(true);
    v_lathe dues.item := tests.fx_item(true);
    v_ann   bigint := tests.fx_member('Ann');
    v_bob   bigint := tests.fx_member('Bob');
    v_first bigint := (api.certification_grant(v_ann, v_laser.id)).id;
    v_second bigint := (api.certification_grant(v_ann, v_lathe.id)).id;
    v_third bigint := (api.certification_grant(v_bob, v_laser.id)).id;
begin
    perform api.certification_revoke(v_bob, v_laser.id);
    return next results_eq(format('select id from api.certification_list(%s)', v_ann),
                           format('values (%s::bigint), (%s)', v_first, v_second), 'a member''s certifications, oldest first');
    return next results_eq(format('select id, revoked_at is not null from api.certification_list(null, %s)', v_laser.id),
                           format('values (%s::bigint, false), (%s, true)', v_first, v_third),
                           'a machine''s, revoked ones included');
    return next results_eq(format('select id from api.certification_list(%s, %s)', v_bob, v_laser.id),
                           format('values (%s::bigint)', v_third), 'one member on one machine');
    return next is_empty(format('select * from api.certification_list(%s, %s)', v_bob, v_lathe.id), 'none: an empty list');
    return next ok((select count(*) >= 3 from api.certification_list()), 'without arguments, the whole log');
end
$$;

create or replace function tests.test_certification_list__is_for_staff_only()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
begin
    perform api.certification_grant(v_member, (tests.fx_item(true)).id);
    perform tests.fx_as_member(v_member);
    return next throws_ok(format('select * from api.certification_list(%s)', v_member), '42501', null,
                          'a member cannot read the log, not even its own lines');
end
$$;
