-- Tests of api.item_list.

create or replace function tests.test_item_list__lists_every_item_by_name()
returns setof text
language plpgsql
as $$
declare
    v_zed  dues.item := api.item_create('zz_fx_last', null, 'door', false);
    v_aaa  dues.item := api.item_create('aa_fx_first', null, 'machine', true);
begin
    return next ok((select array_agg(i.name order by i.ord) = array_agg(i.name order by i.name)
                      from api.item_list() with ordinality as i(id, name, title, kind, requires_certification, active, created_at, created_by, ord)),
                   'ordered by name');
    return next results_eq($q$select name, requires_certification from api.item_list() where name in ('aa_fx_first', 'zz_fx_last')$q$,
                           $q$values ('aa_fx_first'::text, true), ('zz_fx_last', false)$q$, 'doors and machines alike');
end
$$;

create or replace function tests.test_item_list__is_for_staff_only()
returns setof text
language plpgsql
as $$
begin
    perform tests.fx_as_member(tests.fx_member());
    return next throws_ok('select * from api.item_list()', '42501', null, 'a member cannot list the items');
    perform tests.fx_as_anonymous();
    return next throws_ok('select * from api.item_list()', '42501', null, 'nor can a request without a token');
end
$$;
