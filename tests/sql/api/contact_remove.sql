-- Tests of api.contact_remove.

create or replace function tests.test_contact_remove__keeps_the_contact_with_who_and_when()
returns setof text
language plpgsql
as $$
declare
    v_member  bigint := tests.fx_member();
    v_contact dues.member_contact := api.contact_add(v_member, 'billing', 'Accounts', 'accounts@example.org');
    v_removed dues.member_contact;
begin
    perform tests.fx_as_member(v_member);
    v_removed := api.contact_remove(v_contact.id);
    return next is((v_removed.id, v_removed.removed_at, v_removed.removed_by), (v_contact.id, now(), dues.actor()),
                   'a member removes its own contact, with when and by whom');
    return next is(dues.billing_recipient(v_member), (select email from dues.member where id = v_member),
                   'a removed billing contact no longer receives invoices');
    return next is((api.contact_remove(v_contact.id)).removed_at, v_removed.removed_at, 'removing it twice changes nothing');
    return next is((select count(*) from dues.member_contact where id = v_contact.id), 1::bigint, 'it stays in the database');
end
$$;

create or replace function tests.test_contact_remove__refuses_unknown_contacts_and_others()
returns setof text
language plpgsql
as $$
declare
    v_member  bigint := tests.fx_member();
    v_contact dues.member_contact := api.contact_add(v_member, 'technical', 'Ops', 'ops@example.org');
    v_other   bigint := tests.fx_member();
    v_before  jsonb := tests.fx_state();
begin
    return next throws_ok('select api.contact_remove(-1)', 'DUB04', 'contact -1 not found', 'an unknown contact');
    return next throws_ok('select api.contact_remove(null)', 'DU014', null, 'a null contact');
    perform tests.fx_as_member(v_other);
    return next throws_ok(format('select api.contact_remove(%s)', v_contact.id), '42501', null, 'another member''s contact');
    return next throws_ok('select api.contact_remove(-1)', '42501', null, 'nor learn whether a contact exists');
    perform tests.fx_as_staff();
    return next is(tests.fx_state(), v_before, 'nothing changed');
end
$$;
