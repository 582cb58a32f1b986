-- Tests of api.contact_add.

-- Tests of a member's contacts: api.contact_add, api.contact_remove, api.contact_list.

create or replace function tests.test_contacts__a_new_billing_contact_replaces_the_old()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_first  dues.member_contact;
    v_tech   dues.member_contact;
begin
    v_first := api.contact_add(v_member, 'billing', 'Accounts', 'accounts@example.org', '+1 555 0100', '1 Main St');
    v_tech := api.contact_add(v_member, 'technical', 'Ops', 'ops@example.org');
    return next is(dues.billing_recipient(v_member), 'accounts@example.org', 'invoices go to the billing contact');
    perform api.contact_add(v_member, 'billing', 'New accounts', 'new@example.org');
    return next is(dues.billing_recipient(v_member), 'new@example.org', 'the new billing contact replaces the old');
    return next ok((select removed_at is not null and removed_by is not null from dues.member_contact where id = v_first.id),
                   'the old one is kept, removed, with who and when');
    return next is(array(select name || ':' || receives_invoices from api.contact_list(v_member)),
                   '{New accounts:true,Ops:false}'::text[], 'the list shows the current contacts and who receives invoices');
    perform api.contact_remove((select contact_id from api.contact_list(v_member) where role = 'billing'));
    return next is(dues.billing_recipient(v_member), (select email from dues.member where id = v_member),
                   'without a billing contact, invoices go to the member''s own e-mail');
    return next is((api.contact_remove(v_tech.id)).id, v_tech.id, 'removing a contact');
    return next is((api.contact_remove(v_tech.id)).removed_at, (select removed_at from dues.member_contact where id = v_tech.id),
                   'twice is harmless');
end
$$;

create or replace function tests.test_contacts__refuse_bad_contacts_and_callers()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_other  bigint := tests.fx_member();
    v_before jsonb  := tests.fx_state();
begin
    return next throws_ok(format('select api.contact_add(%s, %L, %L)', v_member, 'billing', 'No mail'), 'DU014', null,
                          'a billing contact needs an e-mail address');
    return next throws_ok(format('select api.contact_add(%s, %L, %L)', v_member, 'cook', 'Chef'), 'DU019',
                          'role must be billing, technical, administrative or other, got cook', 'an unknown role is refused');
    return next throws_ok(format('select api.contact_add(%s, %L, %L, %L)', v_member, 'other', 'X', 'not-an-address'), 'DU018', null,
                          'a bad e-mail address is refused');
    return next throws_ok(format('select api.contact_add(%s, %L, %L)', v_member, 'other', ' '), 'DU017', null,
                          'a blank name is refused');
    return next throws_ok(format('select api.contact_add(%s, %L, %L, phone => %L)', v_member, 'other', 'X', ' '), 'DU017', null,
                          'a blank phone number is refused (left out, it is none)');
    return next throws_ok('select api.contact_remove(-1)', 'DUB04', null, 'an unknown contact is refused');
    perform tests.fx_as_member(v_other);
    return next throws_ok(format('select api.contact_add(%s, %L, %L)', v_member, 'other', 'X'), '42501', null,
                          'another member cannot add contacts');
    return next throws_ok(format('select * from api.contact_list(%s)', v_member), '42501', null, 'nor list them');
    perform tests.fx_as_staff();
    return next is(tests.fx_state(), v_before, 'nothing changed');
end
$$;
