-- Tests of api.storage_slot_type_list.

create or replace function tests.test_storage_slot_type_list__lists_the_types_by_title()
returns setof text
language plpgsql
as $$
declare
    v_locker dues.storage_slot_type := api.storage_slot_type_create('fx_list_locker', 'Locker (list)', '1 year', '30 days');
    v_shelf  dues.storage_slot_type := api.storage_slot_type_create('fx_list_shelf', 'Another shelf (list)', '3 months');
begin
    return next results_eq(
        format('select id, name, default_term, reminder_before from api.storage_slot_type_list() where id in (%s, %s)', v_locker.id, v_shelf.id),
        format($q$values (%s::bigint, 'fx_list_shelf'::text, '3 mons'::interval, '14 days'::interval),
                         (%s, 'fx_list_locker', '1 year', '30 days')$q$, v_shelf.id, v_locker.id),
        'every type by title, with its term and reminder time');
end
$$;

create or replace function tests.test_storage_slot_type_list__staff_only()
returns setof text
language plpgsql
as $$
begin
    perform tests.fx_as_member(tests.fx_member());
    return next throws_ok('select * from api.storage_slot_type_list()', '42501', null, 'a member cannot list the slot types');
    perform tests.fx_as_anonymous();
    return next throws_ok('select * from api.storage_slot_type_list()', '42501', null, 'nor can a request without a token');
end
$$;
