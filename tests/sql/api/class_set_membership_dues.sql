-- Tests of api.class_set_membership_dues: one class per currency whose revenue members' payments are.

create or replace function tests.test_class_set_membership_dues__declares_the_class_of_a_currency()
returns setof text
language plpgsql
as $$
declare
    v_class bigint := tests.fx_class('free');
    v_eur   bigint := tests.fx_class('free', '{}', 'EUR');
    v_other bigint := tests.fx_class('free');
begin
    return next is((api.class_set_membership_dues(v_class, true, 'dues through PayPal')).membership_dues, true,
                   'a class becomes the membership dues class of its currency');
    return next ok(exists (select from dues.audit_log where table_name = 'class' and row_id = v_class and why = 'dues through PayPal'),
                   'audited with why');
    return next is((api.class_set_membership_dues(v_class, true)).membership_dues, true, 'declaring it again is harmless');
    return next is((api.class_set_membership_dues(v_eur, true)).membership_dues, true, 'another currency may have its own');
    return next is((api.class_set_membership_dues(v_class, false)).membership_dues, false, 'and it can be undone');
    return next is((api.class_set_membership_dues(v_other, true)).membership_dues, true, 'after which another class may be it');
end
$$;

create or replace function tests.test_class_set_membership_dues__refuses_and_changes_nothing()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_class('free');
    v_other  bigint := tests.fx_class('free');
    v_before jsonb;
begin
    perform api.class_set_membership_dues(v_class, true);
    v_before := tests.fx_state();
    return next throws_ok(format('select api.class_set_membership_dues(%s, true)', v_other), 'DU733',
                          format('class %s is the membership dues class of USD already', v_class), 'a second class of a currency');
    return next throws_ok('select api.class_set_membership_dues(-1, true)', 'DU002', null, 'an unknown class');
    return next throws_ok(format('select api.class_set_membership_dues(%s, null)', v_other), 'DU014', null, 'a null flag');
    return next throws_ok('select api.class_set_membership_dues(null, true)', 'DU014', null, 'a null class');
    return next is(tests.fx_state(), v_before, 'nothing changed');
    perform tests.fx_as_member(tests.fx_member());
    return next throws_ok(format('select api.class_set_membership_dues(%s, false)', v_class), '42501', null,
                          'a member cannot undo it');
    perform tests.fx_as_anonymous();
    return next throws_ok(format('select api.class_set_membership_dues(%s, false)', v_class), '42501', null,
                          'nor can an anonymous client');
end
$$;
