-- Tests of api.member_paypal_email_set.

create or replace function tests.test_member_paypal_email_set__sets_clears_and_audits()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
begin
    return next is((api.member_paypal_email_set(v_member, ' pp@example.org ', 'uses a shared account')).paypal_email,
                   'pp@example.org', 'the PayPal e-mail is set, trimmed');
    return next is((select why from dues.audit_log where table_name = 'member' and member_id = v_member),
                   'uses a shared account', 'the change is audited with its reason');
    return next is((api.member_paypal_email_set(v_member, '')).paypal_email, null, 'a blank address clears it');
    return next is((select count(*) from dues.audit_log where table_name = 'member' and member_id = v_member), 2::bigint,
                   'both changes are audited');
end
$$;

create or replace function tests.test_member_paypal_email_set__refuses_bad_input_and_other_members()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_other  bigint := tests.fx_member();
    v_before jsonb := tests.fx_state();
begin
    return next throws_ok(format('select api.member_paypal_email_set(%s, %L)', v_member, 'not an address'), 'DU018',
                          null, 'an address is checked');
    return next throws_ok('select api.member_paypal_email_set(-1, ''a@example.org'')', 'DU001', null,
                          'an unknown member');
    perform tests.fx_as_member(v_member);
    return next lives_ok(format('select api.member_paypal_email_set(%s, %L)', v_member, 'me@example.org'),
                         'a member may set its own');
    return next throws_ok(format('select api.member_paypal_email_set(%s, %L)', v_other, 'me@example.org'), '42501',
                          null, 'not another member''s');
    return next is((select paypal_email from dues.member where id = v_other), null, 'the other member is unchanged');
end
$$;
