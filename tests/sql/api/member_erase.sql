-- Tests of api.member_erase.

create or replace function tests.test_member_erase__replaces_personal_data_and_keeps_the_money()
returns setof text
language plpgsql
as $$
declare
    v_member  bigint := tests.fx_member('Grace Hopper');
    v_email   text := tests.fx_email(v_member);
    v_badge   text := tests.fx_ref('B');
    v_payment bigint;
    v_ipn     bigint;
    v_erased  dues.member;
begin
    perform api.contact_add(v_member, 'other', 'Grace''s sister', 'sister@example.org');
    perform api.badge_assign(v_member, v_badge, null);
    v_payment := tests.fx_pay(v_member, 10);
    v_ipn := tests.fx_ipn(tests.fx_ipn_body('web_accept', v_email));
    v_erased := api.member_erase(v_member, 'the member asked, by letter of 1 December');
    return next is((v_erased.name, v_erased.email, v_erased.paypal_email),
                   ('erased member ' || v_member, 'erased-' || v_member || '@erased.invalid', null::text), 'name and e-mails are placeholders');
    return next ok(v_erased.erased_at is not null, 'the member is marked erased');
    return next is((select pg_catalog.jsonb_agg(pg_catalog.jsonb_build_array(c.name, c.email, c.removed_at is not null)) from dues.member_contact c where c.member_id = v_member),
                   '[["erased", null, true]]'::jsonb, 'contacts are erased and removed');
    return next ok(not exists (select from dues.badge b where b.number = v_badge), 'badges are renumbered (and revoked)');
    return next is((select pg_catalog.convert_from(m.body, 'UTF8') from dues.ipn_message m where m.id = v_ipn), 'erased',
                   'the raw body of its payment notification is erased');
    return next ok(not exists (select from dues.audit_log a where a.member_id = v_member
                                and (a.old::text like '%' || v_email || '%' or a.new::text like '%' || v_email || '%'
                                     or a.new::text like '%Grace%' or a.old::text like '%Grace%')),
                   'the audit log keeps no name or e-mail of the person');
    return next is((select a.why from dues.audit_log a where a.member_id = v_member and a.table_name = 'member' order by a.id desc limit 1),
                   'the member asked, by letter of 1 December', 'the erasure is audited with its reason');
    return next is((select (p.member_id, p.amount) from dues.payment p where p.id = v_payment), (v_member, 10.00::numeric(14,2)),
                   'its payments stay with the member id');
    return next is(tests.fx_member_balance(v_member), 10.00::numeric, 'and its ledger');
    return next throws_ok(pg_catalog.format('select api.member_erase(%s, %L)', v_member, 'again'), 'DU654',
                          pg_catalog.format('member %s was erased at %s', v_member, v_erased.erased_at), 'erased already');
end
$$;

create or replace function tests.test_member_erase__refuses_open_invoices_and_active_subscriptions()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_before jsonb;
begin
    perform tests.fx_subscribe(v_member, tests.fx_recurring_class(), dues.local_date(now()));
    v_before := tests.fx_state();
    return next throws_ok(pg_catalog.format('select api.member_erase(%s, %L)', v_member, 'asked'), 'DU653',
                          pg_catalog.format('member %s has active subscriptions: they end before its data is erased', v_member),
                          'an active subscription');
    perform tests.fx_collect(dues.local_date(now()));
    return next throws_ok(pg_catalog.format('select api.member_erase(%s, %L)', v_member, 'asked'), 'DU653', null, 'an open invoice');
    return next throws_ok(pg_catalog.format('select api.member_erase(%s, null)', v_member), 'DU014', null, 'no reason');
    return next throws_ok('select api.member_erase(-1, ''asked'')', 'DU001', null, 'an unknown member');
    perform tests.fx_as_member(v_member);
    return next throws_ok(pg_catalog.format('select api.member_erase(%s, %L)', v_member, 'asked'), '42501', null, 'a member may not erase itself');
end
$$;

create or replace function tests.test_member_erase__is_the_one_rewrite_of_history()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
begin
    perform api.badge_assign(v_member, tests.fx_ref('B'), 'a badge');
    return next throws_ok(pg_catalog.format('update dues.audit_log set why = %L where member_id = %s', 'rewritten', v_member), 'DU042', null,
                          'the audit log is not rewritten otherwise');
    perform api.member_erase(v_member, 'asked');
    return next is(pg_catalog.current_setting('dues.erasure', true), '', 'the erasure''s permission ends with it');
    return next throws_ok(pg_catalog.format('update dues.audit_log set why = %L where member_id = %s', 'rewritten', v_member), 'DU042', null,
                          'nor after an erasure');
    return next throws_ok(pg_catalog.format('delete from dues.audit_log where member_id = %s', v_member), 'DU042', null,
                          'and nothing is deleted');
end
$$;
