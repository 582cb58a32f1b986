-- Tests of the audit log (dues.audit_row, api.audit_log, api.member_paypal_email_set): who changed what, when and why.

create or replace function tests.test_audit_log__records_changes_of_a_member_with_who_and_why()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_old    text := (select email from dues.member where id = v_member);
    v_entry  dues.audit_log;
begin
    perform dues.audit_why('typo fixed');
    update dues.member set email = 'fixed' || v_member || '@example.org' where id = v_member;
    select * into v_entry from dues.audit_log where table_name = 'member' and member_id = v_member;
    return next is(v_entry.action, 'update', 'the change of e-mail is recorded');
    return next is(v_entry.old ->> 'email', v_old, 'with the address before');
    return next is(v_entry.new ->> 'email', 'fixed' || v_member || '@example.org', 'and after');
    return next is(v_entry.why, 'typo fixed', 'and why');
    return next is(v_entry.actor, dues.actor(), 'and who');
    return next is(v_entry.at, now(), 'and when');
    update dues.member set name = 'Renamed' where id = v_member;
    return next is((select new ->> 'name' from dues.audit_log where table_name = 'member' and member_id = v_member
                     order by id desc limit 1), 'Renamed', 'a change of name is recorded too');
    update dues.member set paypal_email_confirmed_at = now() where id = v_member;
    return next is((select count(*) from dues.audit_log where table_name = 'member' and member_id = v_member), 2::bigint,
                   'a change of another column is not');
end
$$;

create or replace function tests.test_audit_log__records_roles_and_is_never_rewritten()
returns setof text
language plpgsql
as $$
declare
    v_person bigint := tests.fx_member('P');
    v_org    bigint := tests.fx_member('Org', 'organization');
    v_role   bigint := tests.fx_organization_role(v_person, v_org, 'manager');
    v_entry  bigint := (select id from dues.audit_log where table_name = 'organization_role' and row_id = v_role);
begin
    return next isnt(v_entry, null, 'granting a role is audited');
    return next is((select member_id from dues.audit_log where id = v_entry), v_person, 'under the member who holds it');
    return next throws_ok(format('delete from dues.audit_log where id = %s', v_entry), 'DU042', null, 'entries are never deleted');
    return next throws_ok(format('update dues.audit_log set why = %L where id = %s', 'rewritten', v_entry), 'DU042', null,
                          'nor rewritten');
end
$$;

create or replace function tests.test_audit_log__lists_newest_first_by_member_and_table()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_group  bigint := tests.fx_group();
begin
    perform api.group_add(v_member, v_group, 'first', '2026-01-01');
    perform api.member_paypal_email_set(v_member, 'pp@example.org', 'second');
    return next results_eq(format('select table_name, why from api.audit_log(%s)', v_member),
                           $q$values ('member'::text, 'second'::text), ('group_membership', 'first')$q$,
                           'a member''s entries, newest first');
    return next results_eq(format('select why from api.audit_log(%s, %L)', v_member, 'group_membership'),
                           $q$values ('first'::text)$q$, 'filtered by table');
    return next results_eq(format('select why from api.audit_log(%s, null, 1)', v_member),
                           $q$values ('second'::text)$q$, 'at most limit rows');
    return next throws_ok('select * from api.audit_log(null, null, 0)', 'DU01E', null,
                          'limit is positive');
end
$$;

create or replace function tests.test_audit_log__records_contacts_and_service_order_roles()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_user   bigint := tests.fx_member('User');
    v_order  bigint;
begin
    insert into dues.member_contact (member_id, role, name, email) values (v_member, 'billing', 'Accounts', 'accounts@example.org');
    return next is((select new ->> 'email' from dues.audit_log where table_name = 'member_contact' and member_id = v_member),
                   'accounts@example.org', 'a contact''s e-mail is audited');
    insert into dues.service_order (member_id, name) values (v_member, 'main site') returning id into v_order;
    insert into dues.service_order_role (member_id, service_order_id, role) values (v_user, v_order, 'contributor');
    return next is((select action from dues.audit_log where table_name = 'service_order_role' and member_id = v_user), 'insert',
                   'a role on a service order is audited under the member who holds it');
end
$$;
