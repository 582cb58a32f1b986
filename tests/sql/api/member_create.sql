-- Tests of api.member_create.

create or replace function tests.test_member_create__creates_a_person_by_default()
returns setof text
language plpgsql
as $$
declare
    v_member dues.member := api.member_create('  Grace Hopper ', 'Grace@Example.org');
begin
    return next is(v_member.kind, 'person', 'the kind defaults to person');
    return next is(v_member.name, 'Grace Hopper', 'the name is stored trimmed');
    return next is(v_member.email, 'Grace@Example.org', 'the e-mail address is stored as given');
    return next is((select count(*) from dues.member where id = v_member.id), 1::bigint, 'the member is stored');
end
$$;

create or replace function tests.test_member_create__creates_an_organization()
returns setof text
language plpgsql
as $$
begin
    return next is((api.member_create('Hackerspace e.V.', 'board@hack.example', 'organization')).kind, 'organization',
                   'an organization is a member too');
end
$$;

create or replace function tests.test_member_create__records_who_created_the_member()
returns setof text
language plpgsql
as $$
begin
    perform set_config('dues.actor', 'alice@office', true);
    return next is((api.member_create('Ada', 'ada.actor@example.org')).created_by, 'alice@office',
                   'created_by is the dues.actor setting');
    perform set_config('dues.actor', '', true);
    return next is((api.member_create('Bea', 'bea.actor@example.org')).created_by, session_user::text,
                   'created_by falls back to the database user who logged in, not the function owner');
end
$$;

create or replace function tests.test_member_create__refuses_an_email_already_used_in_any_case()
returns setof text
language plpgsql
as $$
declare
    v_before jsonb;
begin
    perform api.member_create('Ada', 'ada.dup@example.org');
    v_before := tests.fx_state();
    return next throws_ok($q$select api.member_create('Ada Again', 'ADA.dup@Example.ORG')$q$,
                          'DU015', 'e-mail address ADA.dup@Example.ORG is already used by another member',
                          'the same address in other case is refused');
    return next is(tests.fx_state(), v_before, 'the refused member was not stored');
end
$$;

create or replace function tests.test_member_create__refuses_a_blank_name_bad_email_or_kind()
returns setof text
language plpgsql
as $$
declare
    v_before jsonb := tests.fx_state();
begin
    return next throws_ok($q$select api.member_create('  ', 'x@example.org')$q$,
                          'DU017', null, 'a blank name is refused');
    return next throws_ok($q$select api.member_create('X', 'not an address')$q$,
                          'DU018', 'e-mail address not an address is not valid', 'an address without @ is refused');
    return next throws_ok($q$select api.member_create('X', 'x@example.org', 'robot')$q$,
                          'DU019', null, 'an unknown kind is refused');
    return next throws_ok($q$select api.member_create(null, 'x@example.org')$q$,
                          'DU014', null, 'a null name is refused');
    return next throws_ok($q$select api.member_create('X', null)$q$,
                          'DU014', null, 'a null e-mail is refused');
    return next is(tests.fx_state(), v_before, 'nothing was stored');
end
$$;
