-- Tests of a member's PayPal e-mail (api.member_paypal_email_set, api.member_paypal_email_confirm): a member sets it only
-- to an address no other member has, only with the code mailed to it, and its own change never takes a payment
-- notification that arrived before it: staff decides those (ipn_list state held, ipn_reprocess with member_id).

-- The code the last confirmation mail to an address carries.
create or replace function tests.fx_confirmation_code(p_address text)
returns text
language sql
as $$
    select data ->> 'code' from dues.outbox where template = 'paypal_email_confirm' and recipient = p_address order by id desc limit 1
$$;

create or replace function tests.test_member_paypal_email_confirm__a_member_cannot_take_a_strangers_payment()
returns setof text
language plpgsql
as $$
declare
    v_thief   bigint := tests.fx_member();
    v_payer   text := 'stranger' || v_thief || '@example.org';
    v_id      bigint;
    v_state   dues.paypal_email_state;
    v_before  jsonb;
begin
    v_id := tests.fx_ipn(tests.fx_ipn_body('web_accept', v_payer, tests.fx_txn()));
    return next is(tests.fx_ipn_state(v_id), 'unmatched', 'a payment from an address no member has waits unmatched');
    perform tests.fx_as_member(v_thief);
    v_state := api.member_paypal_email_set(v_thief, v_payer);
    return next is((v_state.paypal_email, v_state.pending_email), (null::text, v_payer),
                   'a member asking for that address only gets it pending');
    return next is((select count(*) from tests.fx_outbox('paypal_email_confirm', v_payer)), 1::bigint,
                   'a code is mailed to the address');
    return next is(tests.fx_ipn_state(v_id), 'unmatched', 'the payment still waits');
    v_before := tests.fx_state();
    return next throws_ok(format('select api.member_paypal_email_confirm(%s, %L)', v_thief, 'ABCDE12345'), 'DU115',
                          format('this code does not confirm a PayPal e-mail of member %s', v_thief),
                          'without the code (the address is not the member''s) it never becomes its PayPal e-mail');
    return next is(tests.fx_state(), v_before, 'and a wrong code changes nothing');
    return next is(tests.fx_member_balance(v_thief), 0::numeric, 'no money reached the member');
end
$$;

create or replace function tests.test_member_paypal_email_confirm__earlier_messages_wait_for_staff()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_payer  text := 'pp' || v_member || '@example.org';
    v_early  bigint;
    v_late   bigint;
    v_state  dues.paypal_email_state;
begin
    v_early := tests.fx_ipn(tests.fx_ipn_body('web_accept', v_payer, tests.fx_txn()));
    -- the message arrived a minute before the member asked
    update dues.ipn_message set received_at = received_at - interval '1 minute' where id = v_early;
    perform tests.fx_as_member(v_member);
    perform api.member_paypal_email_set(v_member, v_payer, 'my PayPal account');
    v_state := api.member_paypal_email_confirm(v_member, lower(tests.fx_confirmation_code(v_payer)));
    return next is((v_state.paypal_email, v_state.pending_email), (v_payer, null::text),
                   'the code (in any case) makes the address the member''s PayPal e-mail');
    return next is((select why from dues.audit_log where table_name = 'member' and row_id = v_member order by id desc limit 1),
                   'my PayPal account', 'audited with the reason given when asking');
    return next is(tests.fx_ipn_state(v_early), 'held', 'the payment that arrived before the change is held, not credited');
    return next is(tests.fx_member_balance(v_member), 0::numeric, 'so no money moved');
    perform tests.fx_as_staff();
    return next is((select (member_id, state) from api.ipn_list('held') where id = v_early), (v_member, 'held'::text),
                   'staff see it listed as held, with the member it would go to');
    return next matches((select note from api.ipn_list('held') where id = v_early), 'after this message arrived',
                        'and why it waits');
    return next is((api.ipn_reprocess(v_early, v_member)).state, 'processed', 'staff naming the member decide it');
    return next is(tests.fx_member_balance(v_member), 25::numeric, 'and then it is credited');

    v_late := tests.fx_ipn(tests.fx_ipn_body('web_accept', v_payer, tests.fx_txn()));
    return next is(tests.fx_ipn_state(v_late), 'processed', 'a payment that arrives after the change is matched at once');
end
$$;

create or replace function tests.test_member_paypal_email_confirm__never_another_members_address()
returns setof text
language plpgsql
as $$
declare
    v_owner  bigint := tests.fx_member();
    v_copier bigint := tests.fx_member();
    v_pp     text := 'family' || v_owner || '@example.org';
    v_state  dues.paypal_email_state;
    v_id     bigint;
begin
    perform api.member_paypal_email_set(v_owner, v_pp);
    perform tests.fx_as_member(v_copier);
    v_state := api.member_paypal_email_set(v_copier, v_pp);
    return next is((v_state.paypal_email, v_state.pending_email), (null::text, v_pp),
                   'asking for another member''s PayPal e-mail answers as for any address');
    return next is((select count(*) from tests.fx_outbox('paypal_email_confirm', v_pp)), 0::bigint, 'but no code is sent');
    return next is((select count(*) from tests.fx_outbox('paypal_email_in_use', v_pp)), 1::bigint, 'its owner is told instead');
    return next throws_ok(format('select api.member_paypal_email_confirm(%s, %L)', v_copier, 'ABCDE12345'), 'DU115', null,
                          'no code can confirm it');
    perform api.member_paypal_email_set(v_copier, tests.fx_email(v_owner));
    return next is((select count(*) from tests.fx_outbox('paypal_email_confirm', tests.fx_email(v_owner))), 0::bigint,
                   'nor another member''s own e-mail');
    perform tests.fx_as_staff();
    v_id := tests.fx_ipn(tests.fx_ipn_body('web_accept', v_pp, tests.fx_txn()));
    return next is((select (state, member_id) from dues.ipn_message where id = v_id), ('processed'::text, v_owner),
                   'the owner''s payments are never made ambiguous by a copy');
end
$$;

create or replace function tests.test_member_paypal_email_confirm__an_address_taken_meanwhile_is_refused()
returns setof text
language plpgsql
as $$
declare
    v_ann  bigint := tests.fx_member();
    v_bob  bigint := tests.fx_member();
    v_pp   text := 'shared' || v_ann || '@example.org';
    v_code text;
begin
    perform tests.fx_as_member(v_ann);
    perform api.member_paypal_email_set(v_ann, v_pp);
    v_code := tests.fx_confirmation_code(v_pp);
    perform tests.fx_as_member(v_bob);
    perform api.member_paypal_email_set(v_bob, v_pp);
    perform api.member_paypal_email_confirm(v_bob, tests.fx_confirmation_code(v_pp));
    perform tests.fx_as_member(v_ann);
    return next throws_ok(format('select api.member_paypal_email_confirm(%s, %L)', v_ann, v_code), 'DU114',
                          format('e-mail address %s is already used by another member', v_pp),
                          'the second member to confirm an address is refused');
end
$$;

create or replace function tests.test_member_paypal_email_confirm__codes_expire_are_replaced_and_are_limited()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_first  text := 'first' || v_member || '@example.org';
    v_second text := 'second' || v_member || '@example.org';
    v_code   text;
    i        int;
begin
    perform tests.fx_as_member(v_member);
    perform api.member_paypal_email_set(v_member, v_first);
    v_code := tests.fx_confirmation_code(v_first);
    return next matches(v_code, '^[A-HJ-NP-Z2-9]{10}$', 'a code is 10 characters without look-alikes');
    perform api.member_paypal_email_set(v_member, v_second);
    return next throws_ok(format('select api.member_paypal_email_confirm(%s, %L)', v_member, v_code), 'DU115', null,
                          'a newer request replaces the older one''s code');
    v_code := tests.fx_confirmation_code(v_second);
    update dues.paypal_email_claim set expires_at = now() - interval '1 second' where member_id = v_member and email = v_second;
    return next throws_ok(format('select api.member_paypal_email_confirm(%s, %L)', v_member, v_code), 'DU115', null,
                          'an expired code confirms nothing');
    for i in 3 .. 5 loop
        perform api.member_paypal_email_set(v_member, 'n' || i || '.' || v_first);
    end loop;
    return next throws_ok(format('select api.member_paypal_email_set(%s, %L)', v_member, 'sixth' || v_first), 'DU116',
                          format('member %s asked to confirm a PayPal e-mail 5 times in the last day', v_member),
                          'a sixth request in a day is refused (setting paypal_email_claims_per_day)');
    return next is((api.member_paypal_email_set(v_member, null)).paypal_email, null, 'clearing needs no code');
end
$$;

create or replace function tests.test_member_paypal_email_confirm__only_for_itself_and_staff_at_once()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_other  bigint := tests.fx_member();
    v_pp     text := 'staffset' || v_member || '@example.org';
begin
    perform tests.fx_as_member(v_other);
    return next throws_ok(format('select api.member_paypal_email_confirm(%s, %L)', v_member, 'ABCDE12345'), '42501', null,
                          'another member cannot confirm for it');
    return next throws_ok(format('select api.member_paypal_email_set(%s, %L)', v_member, v_pp), '42501', null,
                          'nor ask for it');
    perform tests.fx_as_member(v_member);
    return next throws_ok(format('select api.member_paypal_email_confirm(%s, null)', v_member), 'DU014', null,
                          'a null code is refused');
    perform api.member_paypal_email_set(v_member, 'pending' || v_pp);
    perform tests.fx_as_staff();
    return next is((api.member_paypal_email_set(v_member, v_pp)).paypal_email, v_pp, 'staff set it at once');
    return next is((select paypal_email_confirmed_at from dues.member where id = v_member), null,
                   'as staff''s: earlier notifications match it');
    return next is((dues.paypal_email_view(v_member)).pending_email, null, 'and the member''s pending request ended');
end
$$;
