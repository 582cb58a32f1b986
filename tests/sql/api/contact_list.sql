-- Tests of api.contact_list.

create or replace function tests.test_contact_list__lists_current_contacts_by_role()
returns setof text
language plpgsql
as $$
declare
    v_member  bigint := tests.fx_member();
    v_tech    dues.member_contact := api.contact_add(v_member, 'technical', 'Ops', 'ops@example.org', '+1 555 0199');
    v_billing dues.member_contact := api.contact_add(v_member, 'billing', 'Accounts', 'accounts@example.org');
    v_gone    dues.member_contact := api.contact_add(v_member, 'other', 'Gone', 'gone@example.org');
begin
    perform api.contact_remove(v_gone.id);
    return next results_eq(format('select contact_id, role, name, phone, receives_invoices from api.contact_list(%s)', v_member),
                           format($q$values (%s::bigint, 'billing'::text, 'Accounts'::text, null::text, true),
                                            (%s, 'technical', 'Ops', '+1 555 0199', false)$q$, v_billing.id, v_tech.id),
                           'current contacts by role; the billing one receives invoices; removed ones are left out');
    return next is_empty(format('select * from api.contact_list(%s)', tests.fx_member()), 'a member without contacts: an empty list');
    perform tests.fx_as_member(v_member);
    return next is((select count(*) from api.contact_list(v_member)), 2::bigint, 'a member lists its own contacts');
end
$$;

create or replace function tests.test_contact_list__refuses_unknown_members_and_others()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
begin
    perform api.contact_add(v_member, 'technical', 'Ops', 'ops@example.org');
    return next throws_ok('select * from api.contact_list(-1)', 'DU001', null, 'an unknown member');
    return next throws_ok('select * from api.contact_list(null)', 'DU014', null, 'a null member');
    perform tests.fx_as_member(tests.fx_member());
    return next throws_ok(format('select * from api.contact_list(%s)', v_member), '42501', null, 'another member''s contacts are not shown');
    perform tests.fx_as_anonymous();
    return next throws_ok(format('select * from api.contact_list(%s)', v_member), '42501', null, 'nor to a request without a token');
end
$$;
