-- Tests of api.storage_slot_type_create.

create or replace function tests.test_storage_slot_type_create__makes_a_kind_of_slot()
returns setof text
language plpgsql
as $$
declare
    v_type dues.storage_slot_type := api.storage_slot_type_create('fx_locker', '  Locker ', '6 months');
begin
    return next is((v_type.name, v_type.title, v_type.default_term, v_type.reminder_before),
                   ('fx_locker'::text, 'Locker'::text, '6 months'::interval, '14 days'::interval),
                   'its title trimmed, reminded 14 days ahead by default');
    return next is((api.storage_slot_type_create('fx_shelf', 'Shelf', '1 year', '0 days')).reminder_before, '0 days'::interval,
                   'a reminder time of 0 is allowed');
end
$$;

create or replace function tests.test_storage_slot_type_create__refuses_bad_types_and_members()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_before jsonb;
begin
    perform api.storage_slot_type_create('fx_taken', 'Taken', '3 months');
    v_before := tests.fx_state();
    return next throws_ok($q$select api.storage_slot_type_create('fx_taken', 'Again', '3 months')$q$, 'DU01B',
                          null, 'a used name');
    return next throws_ok($q$select api.storage_slot_type_create('Bad Name', 'X', '3 months')$q$, 'DU01A', null, 'a name that is no identifier');
    return next throws_ok($q$select api.storage_slot_type_create('fx_blank', ' ', '3 months')$q$, 'DU017', null, 'a blank title');
    return next throws_ok($q$select api.storage_slot_type_create('fx_zero', 'Zero', '0 days')$q$, 'DU01L',
                          'default_term must be positive, got 00:00:00', 'a term that is not positive');
    return next throws_ok($q$select api.storage_slot_type_create('fx_neg', 'Neg', '1 month', '-1 day')$q$, 'DU01L', null, 'a negative reminder time');
    return next throws_ok($q$select api.storage_slot_type_create('fx_null', 'Null', null)$q$, 'DU014', null,
                          'a null term');
    perform tests.fx_as_member(v_member);
    return next throws_ok($q$select api.storage_slot_type_create('fx_mine', 'Mine', '3 months')$q$, '42501', null,
                          'a member cannot make slot types');
    perform tests.fx_as_staff();
    return next is(tests.fx_state(), v_before, 'no type was made');
end
$$;
