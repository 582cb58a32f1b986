-- Tests of api.class_session_create.

create or replace function tests.test_class_session_create__adds_a_session()
returns setof text
language plpgsql
as $$
declare
    v_class   bigint := tests.fx_class('per_session', '{"price_per_session": "10.00", "min_sessions": 1, "max_sessions": 10}');
    v_session dues.class_session;
begin
    v_session := api.class_session_create(v_class, '2031-03-04 18:00+00');
    return next is((v_session.class_id, v_session.starts_at), (v_class, '2031-03-04 18:00+00'::timestamptz), 'the session of the class');
end
$$;

create or replace function tests.test_class_session_create__refuses_bad_sessions()
returns setof text
language plpgsql
as $$
declare
    v_class   bigint := tests.fx_class('per_session', '{"price_per_session": "10.00", "min_sessions": 1, "max_sessions": 10}');
    v_member  bigint := tests.fx_member();
    v_session dues.class_session;
    v_before  jsonb;
begin
    v_session := api.class_session_create(v_class, '2031-03-04 18:00+00');
    v_before := tests.fx_state();
    return next throws_ok(format('select api.class_session_create(%s, %L)', v_class, '2031-03-04 19:00+01'), 'DU70F',
                          format('class %s has session %s at %s already', v_class, v_session.id, v_session.starts_at),
                          'two sessions of a class at one time are refused');
    return next throws_ok(format('select api.class_session_create(%s, null)', v_class), 'DU014', null, 'a null start is refused');
    return next throws_ok('select api.class_session_create(-1, now())', 'DU002', null, 'an unknown class is refused');
    perform tests.fx_as_member(v_member);
    return next throws_ok(format('select api.class_session_create(%s, now())', v_class), '42501', null, 'members cannot add sessions');
    perform tests.fx_as_staff();
    return next is(tests.fx_state(), v_before, 'the refusals changed nothing');
    perform api.class_close(v_class);
    return next throws_ok(format('select api.class_session_create(%s, now())', v_class), 'DU30A', null,
                          'a closed class has no new sessions');
end
$$;
