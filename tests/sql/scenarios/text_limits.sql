-- Tests of the length limits on free text (dues.text_limit_check, settings text_limit_name, text_limit_address,
-- text_limit_note): every text a member can set is refused with DU016 beyond its limit, and nothing changes.

create or replace function tests.test_text_limits__contacts_of_a_member()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_before jsonb;
begin
    perform tests.fx_as_member(v_member);
    v_before := tests.fx_state();
    return next throws_ok(format('select api.contact_add(%s, %L, %L)', v_member, 'other', repeat('n', 201)), 'DU016',
                          'name is 201 characters long, at most 200 are allowed', 'a contact name of 201 characters is refused');
    return next throws_ok(format('select api.contact_add(%s, %L, %L, postal_address => %L)', v_member, 'other', 'Ann',
                                 repeat('a', 1001)),
                          'DU016', null, 'a postal address of 1 001 characters is refused');
    return next throws_ok(format('select api.contact_add(%s, %L, %L, email => %L)', v_member, 'other', 'Ann',
                                 repeat('e', 995) || '@x.org'),
                          'DU016', null, 'an e-mail address of 1 001 characters is refused');
    return next throws_ok(format('select api.contact_add(%s, %L, %L, phone => %L)', v_member, 'other', 'Ann', repeat('1', 201)),
                          'DU016', null, 'a phone number of 201 characters is refused');
    return next is(tests.fx_state(), v_before, 'and nothing changed');
    return next lives_ok(format('select api.contact_add(%s, %L, %L, postal_address => %L)', v_member, 'other', repeat('n', 200),
                                repeat('a', 1000)),
                         'a name of 200 and an address of 1 000 characters are taken');
end
$$;

create or replace function tests.test_text_limits__service_orders_notes_and_reasons()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_joined_member();
    v_slot   bigint := tests.fx_slot();
begin
    perform api.storage_assign(v_slot, v_member);
    perform tests.fx_as_member(v_member);
    return next throws_ok(format('select api.service_order_create(%s, %L)', v_member, repeat('s', 201)), 'DU016', null,
                          'a service order name of 201 characters is refused');
    return next throws_ok(format('select api.storage_renewal_request(%s, %L)', v_slot, repeat('n', 4001)), 'DU016',
                          null, 'a renewal note of 4 001 characters is refused');
    return next lives_ok(format('select api.storage_renewal_request(%s, %L)', v_slot, repeat('n', 4000)),
                         'a note of 4 000 characters is taken');
    return next throws_ok(format('select api.membership_resign(%s, why => %L)', v_member, repeat('w', 4001)), 'DU016',
                          null,
                          'a reason of 4 001 characters is refused (it would be kept in the audit log)');
    return next is((select end_date from dues.membership where member_id = v_member), null, 'and the member has not resigned');
end
$$;

create or replace function tests.test_text_limits__names_staff_types()
returns setof text
language plpgsql
as $$
begin
    return next throws_ok(format('select api.member_create(%L, %L)', repeat('m', 201), 'long@example.org'), 'DU016', null,
                          'a member name of 201 characters is refused');
    return next throws_ok(format('select api.member_create(%L, %L)', 'Ann', repeat('m', 995) || '@x.org'), 'DU016', null,
                          'a member e-mail address of 1 001 characters is refused');
    return next throws_ok(format('select api.class_create(%L, %L)', repeat('c', 201), 'free'), 'DU016', null,
                          'a class title of 201 characters is refused');
    return next throws_ok(format('select api.class_create(%L, %L, description => %L)', 'Pottery', 'free', repeat('d', 4001)),
                          'DU016', null, 'a class description of 4 001 characters is refused');
end
$$;

create or replace function tests.test_text_limits__settings_change_them()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
begin
    update dues.setting set value = '10' where name = 'text_limit_name';
    return next throws_ok(format('select api.service_order_create(%s, %L)', v_member, 'eleven char'), 'DU016',
                          null, 'a lower text_limit_name refuses 11 characters');
    return next lives_ok(format('select api.service_order_create(%s, %L)', v_member, 'ten chars!'), 'and takes 10');
    update dues.setting set value = '5000' where name = 'text_limit_note';
    return next lives_ok(format('select api.contact_add(%s, %L, %L, postal_address => %L)', v_member, 'other', 'Ann',
                                repeat('a', 1000)),
                         'the other limits stay');
    return next is(dues.text_limit('note'), 5000, 'a higher text_limit_note is read');
end
$$;

create or replace function tests.test_text_limits__only_changed_text_is_checked()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
begin
    update dues.setting set value = '3' where name = 'text_limit_name';
    -- the member's name (12 characters) was taken under the old limit: changing another column still works
    return next lives_ok(format('update dues.member set paypal_email = %L where id = %s', 'pp@example.org', v_member),
                         'a row whose old text is over a lowered limit can still change its other columns');
    return next throws_ok(format('update dues.member set name = %L where id = %s', 'Ada Byron', v_member), 'DU016', null,
                          'but its name cannot change to another one over the limit');
end
$$;
