-- Tests of api.member_list: the search, the filters and the pages of the list convention.

create or replace function tests.test_member_list__finds_a_part_of_a_name_or_e_mail_in_any_case()
returns setof text
language plpgsql
as $$
declare
    v_tag  text := 'zq' || nextval('tests.fx_seq');
    v_ann  bigint := (api.member_create('Ann ' || v_tag || 'son', 'ann.' || v_tag || '@example.org')).id;
    v_bob  bigint := (api.member_create('Bob', 'bob.' || v_tag || '@example.org')).id;
    v_pct  bigint := (api.member_create('Cy 100%', 'cy.' || v_tag || '@example.org')).id;
begin
    return next is(array(select id from api.member_list(q => upper(v_tag))), array[v_pct, v_bob, v_ann],
                   'a part of the e-mail, in another case, finds every member with it, newest first');
    return next is(array(select id from api.member_list(q => v_tag || 'SON')), array[v_ann], 'a part of the name finds its member');
    return next is(array(select id from api.member_list(q => '  bob.' || v_tag || '  ')), array[v_bob],
                   'spaces around the search are dropped');
    return next is(array(select id from api.member_list(q => '100%') where email like '%' || v_tag || '%'), array[v_pct],
                   '% is searched as itself, not as a wildcard');
    return next is((select count(*)::int from api.member_list(q => 'n_' || v_tag)), 0, '_ is searched as itself');
    return next is((select (name, email, standing, master_id) from api.member_list(q => 'ann.' || v_tag)),
                   ('Ann ' || v_tag || 'son', 'ann.' || v_tag || '@example.org', 'good'::text, null::bigint),
                   'each row says who the member is and its standing (good when never late)');
end
$$;

create or replace function tests.test_member_list__filters_by_kind_group_and_standing()
returns setof text
language plpgsql
as $$
declare
    v_tag    text := 'zk' || nextval('tests.fx_seq');
    v_person bigint := (api.member_create('P', 'p.' || v_tag || '@example.org')).id;
    v_org    bigint := (api.member_create('O', 'o.' || v_tag || '@example.org', 'organization')).id;
    v_linked bigint := (api.member_create('L', 'l.' || v_tag || '@example.org')).id;
    v_group  bigint := tests.fx_group();
begin
    perform api.group_add(v_person, v_group);
    insert into dues.member_standing (member_id, standing, since) values (v_org, 'suspended', tests.fx_today());
    perform api.member_link(v_linked, v_org);
    return next is(array(select id from api.member_list(q => v_tag, kind => 'organization')), array[v_org], 'by kind');
    return next is(array(select id from api.member_list(q => v_tag, group_key => (select key from dues."group" where id = v_group))),
                   array[v_person], 'by a group they are in today');
    return next is(array(select id from api.member_list(q => v_tag, standing => 'suspended')), array[v_linked, v_org],
                   'by standing: a linked member has its master''s');
    return next is(array(select id from api.member_list(q => v_tag, standing => 'good')), array[v_person],
                   'a member never found late is in good standing');
    return next is((select master_id from api.member_list(q => 'l.' || v_tag)), v_org, 'a linked member names its master');
end
$$;

create or replace function tests.test_member_list__pages_with_limit_and_after()
returns setof text
language plpgsql
as $$
declare
    v_tag text := 'zp' || nextval('tests.fx_seq');
    v_ids bigint[];
begin
    for i in 1 .. 5 loop
        v_ids := array[(api.member_create('M' || i, i || '.' || v_tag || '@example.org')).id] || v_ids;
    end loop;
    return next is(array(select id from api.member_list(q => v_tag, "limit" => 2)), v_ids[1:2], 'limit rows, newest first');
    return next is(array(select id from api.member_list(q => v_tag, "limit" => 2, after => v_ids[2])), v_ids[3:4],
                   'after the last id seen comes the next page');
    return next is(array(select id from api.member_list(q => v_tag, after => v_ids[4])), v_ids[5:5], 'up to the last one');
    return next is((select count(*)::int from api.member_list(q => v_tag)), 5, '50 rows at most by default');
    return next lives_ok('select * from api.member_list("limit" => 500)', '500 rows may be asked for');
end
$$;

create or replace function tests.test_member_list__refuses_arguments_outside_the_convention()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
begin
    return next throws_ok('select * from api.member_list("limit" => 501)', 'DU300', 'limit must be from 1 to 500, got 501',
                          'a limit over 500 is refused');
    return next throws_ok('select * from api.member_list("limit" => 0)', 'DU300', null, 'a limit of 0 is refused');
    return next throws_ok('select * from api.member_list("limit" => null)', 'DU300', null, 'a null limit is refused');
    return next throws_ok('select * from api.member_list(after => 0)', 'DU301',
                          'after must be the id of the last row seen (1 or more), got 0', 'an after below 1 is refused');
    return next throws_ok('select * from api.member_list(kind => ''robot'')', 'DU019', null, 'an unknown kind is refused');
    return next throws_ok('select * from api.member_list(standing => ''late'')', 'DU019', null, 'an unknown standing is refused');
    return next throws_ok('select * from api.member_list(group_key => ''nope'')', 'DU110', null, 'an unknown group is refused');
    perform tests.fx_as_member(v_member);
    return next throws_ok('select * from api.member_list()', '42501', null, 'a member may not list the members');
    perform tests.fx_as_anonymous();
    return next throws_ok('select * from api.member_list()', '42501', null, 'nor may a caller without a token');
end
$$;
