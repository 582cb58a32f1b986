create or replace function tests.test_ipn_process__refuses_an_unverified_message()
returns setof text
language plpgsql
as $$
declare
    v_id bigint := dues.ipn_receive(tests.fx_ipn_body('subscr_signup', 'a@example.org'), '{}');
begin
    return next throws_ok(format('select dues.ipn_process(%s)', v_id), 'DU101',
                          null,
                          'only a message PayPal verified is processed');
end
$$;

-- Tests of processing verified PayPal IPN messages (dues.ipn_process, through dues.ipn_verified), one scenario each,
-- with messages as PayPal formats them (tests.fx_ipn_body).

create or replace function tests.test_ipn_process__signup_is_recorded_without_effect()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_joined_member();
    v_id     bigint;
    v_before jsonb;
begin
    v_id := dues.ipn_receive(tests.fx_ipn_body('subscr_signup', tests.fx_email(v_member)), '{}');
    v_before := tests.fx_state() - 'ipn_message' - 'ipn_log';
    return next is(dues.ipn_verified(v_id, 'VERIFIED'), 'processed', 'a verified signup is processed');
    return next is((select member_id from dues.ipn_message where id = v_id), v_member, 'matched to the member by its e-mail');
    return next is((select note from dues.ipn_message where id = v_id), 'subscr_signup: recorded, no effect', 'the note says so');
    return next is(tests.fx_state() - 'ipn_message' - 'ipn_log', v_before, 'nothing but the message and its history changed');
    return next is((select fields ->> 'subscr_date' from dues.ipn_message where id = v_id), '20:12:50 Jan 13, 2026 PST',
                   'the decoded fields are kept');
end
$$;

create or replace function tests.test_ipn_process__first_payment_moves_the_member_to_members()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_joined_member('Zoë');
    v_linked bigint := tests.fx_joined_member('Linked');
    v_txn    text := tests.fx_txn();
    v_id     bigint;
    v_pay    dues.payment;
begin
    perform api.member_link(v_linked, v_member);
    v_id := tests.fx_ipn(tests.fx_ipn_body('subscr_payment', tests.fx_email(v_member), v_txn));
    return next is(tests.fx_ipn_state(v_id), 'processed', 'a completed subscription payment is processed');
    select * into v_pay from dues.payment where method = 'paypal' and external_ref = v_txn;
    return next is((v_pay.member_id, v_pay.amount, v_pay.currency), (v_member, 25.00::numeric(14,2), 'USD'::char(3)),
                   'the payment is registered for the member: mc_gross in mc_currency, with PayPal''s txn_id');
    return next is((select payment_id from dues.ipn_message where id = v_id), v_pay.id, 'the message names the payment');
    return next is(tests.fx_member_balance(v_member), 25.00::numeric, 'the member has the credit');
    return next ok(tests.fx_in_group(v_member, 'members'), 'the member is in members');
    return next ok(not tests.fx_in_group(v_member, 'pending_payments', tests.fx_today() + 1), 'and no longer waits');
    return next ok(tests.fx_in_group(v_linked, 'members'), 'its linked member moved with it');
    return next results_eq(format($q$select recipient, data ->> 'name' from dues.outbox where template = 'welcome' and recipient = %L$q$,
                                  tests.fx_email(v_member)),
                           format($q$values (%L::text, 'Zoë'::text)$q$, tests.fx_email(v_member)), 'one welcome e-mail is queued');
    return next is((select start_date from dues.membership where member_id = v_member), tests.fx_today(), 'its membership started today');
    return next is((api.membership_status(v_member)).status, 'current', 'its status is current at once');
    return next is_empty('select * from dues.outbox where template = ''chat_invite''', 'no chat invitation without a webhook URL');
end
$$;

create or replace function tests.test_ipn_process__first_payment_queues_the_chat_invitation()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_joined_member('Ada "the Countess"');
begin
    update dues.setting set value = 'https://chat.example.org/hooks/T000/B000' where name = 'chat_webhook_url';
    perform tests.fx_ipn(tests.fx_ipn_body('subscr_payment', tests.fx_email(v_member), tests.fx_txn()));
    return next results_eq($q$select kind, recipient from dues.outbox where template = 'chat_invite'$q$,
                           $q$values ('webhook'::text, 'https://chat.example.org/hooks/T000/B000'::text)$q$,
                           'a chat invitation is queued to the configured webhook');
    return next is((select dues.template_fill(t.body_text, o.data)::jsonb ->> 'text'
                      from dues.outbox o join dues.message_template t on t.name = o.template where o.template = 'chat_invite'),
                   format('New member Ada "the Countess" <%s> paid their first dues: please invite them to the chat.', tests.fx_email(v_member)),
                   'its body is valid JSON even with quotes in the name');
end
$$;

create or replace function tests.test_ipn_process__a_redelivered_payment_pays_once()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_joined_member();
    v_body   bytea := tests.fx_ipn_body('subscr_payment', tests.fx_email(v_member), tests.fx_txn());
    v_first  bigint := tests.fx_ipn(v_body);
    v_again  bigint := tests.fx_ipn(v_body);
begin
    return next isnt(v_again, v_first, 'the redelivery is stored as a message of its own');
    return next is(tests.fx_ipn_state(v_again), 'processed', 'and processed');
    return next matches((select note from dues.ipn_message where id = v_again), '^payment [0-9]+ already registered', 'as a payment known already');
    return next is(tests.fx_member_balance(v_member), 25.00::numeric, 'the member was credited once');
    return next is((select count(*) from dues.outbox where template = 'welcome' and recipient = tests.fx_email(v_member)), 1::bigint,
                   'and welcomed once');
end
$$;

create or replace function tests.test_ipn_process__pending_then_completed_pays_once()
returns setof text
language plpgsql
as $$
declare
    v_member  bigint := tests.fx_joined_member();
    v_txn     text := tests.fx_txn();
    v_pending bigint;
    v_done    bigint;
begin
    v_pending := tests.fx_ipn(tests.fx_ipn_body('subscr_payment', tests.fx_email(v_member), v_txn,
                                                array['payment_status', 'Pending', 'pending_reason', 'echeck']));
    return next is(tests.fx_ipn_state(v_pending), 'processed', 'a pending payment is processed');
    return next is((select note from dues.ipn_message where id = v_pending), 'subscr_payment with payment_status Pending: recorded, no payment',
                   'and pays nothing');
    return next is(tests.fx_member_balance(v_member), 0::numeric, 'no credit yet');
    return next ok(tests.fx_in_group(v_member, 'pending_payments'), 'the member still waits');
    v_done := tests.fx_ipn(tests.fx_ipn_body('subscr_payment', tests.fx_email(v_member), v_txn));
    return next is(tests.fx_member_balance(v_member), 25.00::numeric, 'the completed payment pays');
    return next ok(tests.fx_in_group(v_member, 'members'), 'and moves the member to members');
    perform tests.fx_ipn(tests.fx_ipn_body('subscr_payment', tests.fx_email(v_member), v_txn));
    return next is(tests.fx_member_balance(v_member), 25.00::numeric, 'once');
end
$$;

create or replace function tests.test_ipn_process__a_payment_from_a_paypal_e_mail()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_joined_member();
    v_id     bigint;
begin
    perform api.member_paypal_email_set(v_member, 'Ada.PayPal' || v_member || '@Example.org');
    v_id := tests.fx_ipn(tests.fx_ipn_body('subscr_payment', 'ada.paypal' || v_member || '@example.org', tests.fx_txn()));
    return next is((select member_id from dues.ipn_message where id = v_id), v_member,
                   'a payer who is no member''s e-mail is matched on the PayPal e-mail, case-insensitively');
    return next is(tests.fx_member_balance(v_member), 25.00::numeric, 'and paid');
end
$$;

create or replace function tests.test_ipn_process__failed_payment_mails_member_and_board()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_joined_member();
    v_board  bigint := tests.fx_member('Treasurer');
    v_id     bigint;
begin
    perform api.group_add(v_board, tests.fx_group_id('board'));
    v_id := tests.fx_ipn(tests.fx_ipn_body('subscr_failed', tests.fx_email(v_member)));
    return next is(tests.fx_ipn_state(v_id), 'processed', 'a failed subscription payment is processed');
    return next is((select count(*) from tests.fx_outbox('payment_failed', tests.fx_email(v_member))), 1::bigint,
                   'the member is told');
    return next results_eq(format($q$select data ->> 'subject', data ->> 'member_id' from tests.fx_outbox('board_notice', %L)$q$, tests.fx_email(v_board)),
                           format($q$values ('subscription payment failed'::text, %L::text)$q$, v_member), 'so is the board');
    return next is(tests.fx_member_balance(v_member), 0::numeric, 'no money moved');
end
$$;

create or replace function tests.test_ipn_process__cancel_asks_are_you_sure_and_keeps_access()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_joined_member();
    v_id     bigint;
begin
    update dues.setting set value = 'board@example.org' where name = 'board_email';
    perform tests.fx_ipn(tests.fx_ipn_body('subscr_payment', tests.fx_email(v_member), tests.fx_txn()));
    v_id := tests.fx_ipn(tests.fx_ipn_body('subscr_cancel', tests.fx_email(v_member)));
    return next is(tests.fx_ipn_state(v_id), 'processed', 'a cancellation is processed');
    return next is((select count(*) from tests.fx_outbox('subscr_cancel_confirm', tests.fx_email(v_member))), 1::bigint,
                   'an "are you sure?" e-mail is queued to the member');
    return next is((select data ->> 'subject' from tests.fx_outbox('board_notice', 'board@example.org')), 'subscription cancelled',
                   'and a notice to the board address');
    return next ok(tests.fx_in_group(v_member, 'members', tests.fx_today() + 1), 'the member keeps its access');
    return next is((select end_date from dues.membership where member_id = v_member), null, 'its membership does not end');
end
$$;

create or replace function tests.test_ipn_process__refund_reverses_the_payment_once()
returns setof text
language plpgsql
as $$
declare
    v_member  bigint := tests.fx_joined_member();
    v_txn     text := tests.fx_txn();
    v_refund  text := tests.fx_txn();
    v_body    bytea;
    v_id      bigint;
    v_payment dues.payment;
    v_ledger  bigint;
begin
    perform tests.fx_ipn(tests.fx_ipn_body('subscr_payment', tests.fx_email(v_member), v_txn));
    select * into v_payment from dues.payment where external_ref = v_txn;
    v_ledger := tests.fx_ledger_transactions();
    v_body := tests.fx_ipn_body('refund', tests.fx_email(v_member), v_refund, array['parent_txn_id', v_txn]);
    v_id := tests.fx_ipn(v_body);
    return next is(tests.fx_ipn_state(v_id), 'processed', 'a refund is processed');
    return next results_eq(format('select payment_id, amount, external_ref, reason from dues.refund where payment_id = %s', v_payment.id),
                           format($q$values (%s::bigint, 25.00::numeric(14,2), %L::text, 'refunded'::text)$q$, v_payment.id, v_refund),
                           'the payment named by parent_txn_id is refunded, under the refund''s own txn_id');
    return next is(tests.fx_member_balance(v_member), 0::numeric, 'the credit is taken back');
    return next is(tests.fx_ledger_transactions(), v_ledger + 1, 'by one reversing ledger transaction');
    return next is((select count(*) from dues.payment where id = v_payment.id), 1::bigint, 'the payment itself is kept');
    perform tests.fx_ipn(v_body);
    return next is((select count(*) from dues.refund where payment_id = v_payment.id), 1::bigint, 'a redelivered refund refunds once');
    return next is(tests.fx_ledger_transactions(), v_ledger + 1, 'and moves no money');
end
$$;

create or replace function tests.test_ipn_process__a_partial_refund_and_a_reversal()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_joined_member();
    v_txn    text := tests.fx_txn();
    v_id     bigint;
begin
    perform tests.fx_ipn(tests.fx_ipn_body('subscr_payment', tests.fx_email(v_member), v_txn));
    perform tests.fx_ipn(tests.fx_ipn_body('refund', tests.fx_email(v_member), tests.fx_txn(),
                                           array['parent_txn_id', v_txn, 'mc_gross', '-10.00', 'payment_gross', '-10.00']));
    return next is(tests.fx_member_balance(v_member), 15.00::numeric, 'a partial refund takes back its amount');
    perform tests.fx_ipn(tests.fx_ipn_body('refund', tests.fx_email(v_member), tests.fx_txn(),
                                           array['parent_txn_id', v_txn, 'payment_status', 'Reversed', 'reason_code', 'chargeback',
                                                 'mc_gross', '-15.00']));
    return next is(tests.fx_member_balance(v_member), 0::numeric, 'a reversal (chargeback) takes back the rest');
    v_id := tests.fx_ipn(tests.fx_ipn_body('refund', tests.fx_email(v_member), tests.fx_txn(),
                                           array['parent_txn_id', v_txn, 'mc_gross', '-1.00']));
    return next is(tests.fx_ipn_state(v_id), 'failed', 'refunding more than was paid fails');
    return next matches((select error from dues.ipn_message where id = v_id), '^DUB13: payment [0-9]+ has 0.00 USD left to refund, not 1.00',
                        'with the reason kept');
    return next is(tests.fx_member_balance(v_member), 0::numeric, 'and moves nothing');
end
$$;

create or replace function tests.test_ipn_process__a_refund_before_its_payment_waits_for_it()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_joined_member();
    v_txn    text := tests.fx_txn();
    v_refund bigint;
begin
    v_refund := tests.fx_ipn(tests.fx_ipn_body('refund', tests.fx_email(v_member), tests.fx_txn(), array['parent_txn_id', v_txn]));
    return next is(tests.fx_ipn_state(v_refund), 'unmatched', 'a refund of a payment not registered yet waits, unmatched');
    perform tests.fx_ipn(tests.fx_ipn_body('subscr_payment', tests.fx_email(v_member), v_txn));
    return next is(jobs.ipn_rematch(now()) - 'now', '{"examined": 1, "resolved": 1}'::jsonb, 're-matching finds its payment');
    return next is(tests.fx_ipn_state(v_refund), 'processed', 'and refunds it');
    return next is(tests.fx_member_balance(v_member), 0::numeric, 'the credit is back to nothing');
end
$$;

create or replace function tests.test_ipn_process__end_of_term_ends_the_membership()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_joined_member();
    v_id     bigint;
begin
    perform tests.fx_ipn(tests.fx_ipn_body('subscr_payment', tests.fx_email(v_member), tests.fx_txn()));
    v_id := tests.fx_ipn(tests.fx_ipn_body('subscr_eot', tests.fx_email(v_member)));
    return next is(tests.fx_ipn_state(v_id), 'processed', 'the end of term is processed');
    return next is((select end_date from dues.membership where member_id = v_member), tests.fx_today(), 'the membership ends today');
    return next is((api.membership_status(v_member)).status, 'resigned', 'the member has resigned');
    return next ok(tests.fx_in_group(v_member, 'members', tests.fx_today() + 1), 'and keeps its paid time');
    perform jobs.expire(now() + interval '31 days');
    return next ok(not tests.fx_in_group(v_member, 'members', tests.fx_today() + 31), 'until 31 days after its last payment');
end
$$;

create or replace function tests.test_ipn_process__an_unknown_payer_is_matched_when_it_becomes_known()
returns setof text
language plpgsql
as $$
declare
    v_payer  text := 'newcomer' || nextval('tests.fx_seq') || '@example.org';
    v_id     bigint := tests.fx_ipn(tests.fx_ipn_body('subscr_payment', v_payer, tests.fx_txn()));
    v_member dues.member;
begin
    return next is(tests.fx_ipn_state(v_id), 'unmatched', 'a payment from an unknown payer is unmatched');
    return next is((select note from dues.ipn_message where id = v_id), format('no member has the e-mail or PayPal e-mail %s', v_payer),
                   'the note says why');
    return next is_empty(format('select * from dues.payment where external_ref = (select txn_id from dues.ipn_message where id = %s)', v_id),
                         'no payment is registered');
    v_member := api.member_create('Newcomer', v_payer);
    return next is(tests.fx_ipn_state(v_id), 'processed', 'a member created with that e-mail gets it at once');
    return next is(tests.fx_member_balance(v_member.id), 25.00::numeric, 'with its payment');
end
$$;

create or replace function tests.test_ipn_process__setting_a_paypal_e_mail_matches_at_once()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_joined_member();
    v_payer  text := 'shared' || v_member || '@example.org';
    v_id     bigint := tests.fx_ipn(tests.fx_ipn_body('subscr_payment', v_payer, tests.fx_txn()));
begin
    return next is(tests.fx_ipn_state(v_id), 'unmatched', 'unmatched first');
    perform api.member_paypal_email_set(v_member, v_payer);
    return next is(tests.fx_ipn_state(v_id), 'processed', 'processed as soon as the member''s PayPal e-mail is set');
    return next ok(tests.fx_in_group(v_member, 'members'), 'the member moved to members');
end
$$;

create or replace function tests.test_ipn_process__an_ambiguous_payer_is_never_guessed()
returns setof text
language plpgsql
as $$
declare
    v_ann   bigint := tests.fx_joined_member('Ann');
    v_bob   bigint := tests.fx_joined_member('Bob');
    v_payer text := 'family' || v_ann || '@example.org';
    v_id    bigint;
begin
    perform api.member_paypal_email_set(v_ann, v_payer);
    perform api.member_paypal_email_set(v_bob, v_payer);
    v_id := tests.fx_ipn(tests.fx_ipn_body('subscr_payment', v_payer, tests.fx_txn()));
    return next is(tests.fx_ipn_state(v_id), 'ambiguous', 'a payer two members pay with is ambiguous');
    return next is((select note from dues.ipn_message where id = v_id),
                   format('payer %s is the PayPal e-mail of members %s, %s: not guessed; set one member''s paypal_email', v_payer, v_ann, v_bob),
                   'the candidates are logged');
    return next is(tests.fx_member_balance(v_ann) + tests.fx_member_balance(v_bob), 0::numeric, 'nobody is paid');
    perform api.member_paypal_email_set(v_bob, null);
    return next is(tests.fx_ipn_state(v_id), 'processed', 'once one member remains it is processed');
    return next is(tests.fx_member_balance(v_ann), 25.00::numeric, 'for that member');
end
$$;

create or replace function tests.test_ipn_process__a_message_for_someone_else_has_no_effect()
returns setof text
language plpgsql
as $$
declare
    v_member   bigint := tests.fx_joined_member();
    v_receiver bigint;
    v_currency bigint;
begin
    v_receiver := tests.fx_ipn(tests.fx_ipn_body('subscr_payment', tests.fx_email(v_member), tests.fx_txn(),
                                                 array['receiver_email', 'other@example.com', 'business', 'other@example.com']));
    v_currency := tests.fx_ipn(tests.fx_ipn_body('subscr_payment', tests.fx_email(v_member), tests.fx_txn(), array['mc_currency', 'EUR']));
    return next is(tests.fx_ipn_state(v_receiver), 'rejected', 'a payment to another receiver is rejected');
    return next is((select note from dues.ipn_message where id = v_receiver),
                   'receiver other@example.com is not ours (setting paypal_receiver_email is payments@example.org): no effect', 'saying why');
    return next is(tests.fx_ipn_state(v_currency), 'rejected', 'a payment in another currency is rejected');
    return next is(tests.fx_member_balance(v_member) + tests.fx_member_balance(v_member, 'EUR'), 0::numeric, 'neither paid anything');
    return next ok(tests.fx_in_group(v_member, 'pending_payments'), 'the member still waits');
end
$$;

create or replace function tests.test_ipn_process__unknown_types_are_recorded()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_joined_member();
    v_id     bigint;
begin
    v_id := tests.fx_ipn(tests.fx_ipn_body('subscr_signup', tests.fx_email(v_member), null, array['txn_type', 'mp_signup']));
    return next is(tests.fx_ipn_state(v_id), 'processed', 'an unknown type is processed');
    return next is((select note from dues.ipn_message where id = v_id),
                   'txn_type mp_signup (payment_status missing) is not handled: recorded, no effect', 'and logged as not handled');
    return next is((select detail from dues.ipn_log where message_id = v_id and event = 'processed'),
                   'txn_type mp_signup (payment_status missing) is not handled: recorded, no effect', 'in its history too');
end
$$;

create or replace function tests.test_ipn_process__a_failure_keeps_the_error_and_undoes_everything()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_joined_member();
    v_other  bigint := tests.fx_joined_member();
    v_txn    text := tests.fx_txn();
    v_bad    bigint;
    v_reused bigint;
begin
    v_bad := tests.fx_ipn(tests.fx_ipn_body('subscr_payment', tests.fx_email(v_member), tests.fx_txn(), array['mc_gross', '25,00']));
    return next is(tests.fx_ipn_state(v_bad), 'failed', 'an amount PayPal never sends fails the message');
    return next is((select error from dues.ipn_message where id = v_bad), 'DU102: mc_gross 25,00 is not an amount', 'the error is kept');
    v_bad := tests.fx_ipn(tests.fx_ipn_body('subscr_payment', tests.fx_email(v_member), tests.fx_txn(), array['txn_id', '']));
    return next matches((select error from dues.ipn_message where id = v_bad), '^DU102: ', 'so does a payment without txn_id');
    perform tests.fx_ipn(tests.fx_ipn_body('subscr_payment', tests.fx_email(v_member), v_txn));
    v_reused := tests.fx_ipn(tests.fx_ipn_body('subscr_payment', tests.fx_email(v_other), v_txn));
    return next is(tests.fx_ipn_state(v_reused), 'failed', 'a txn_id already paid by another member fails');
    return next matches((select error from dues.ipn_message where id = v_reused), '^DU050: ', 'with register_payment''s error');
    return next is(tests.fx_member_balance(v_other), 0::numeric, 'nothing was paid to the other member');
    return next ok(tests.fx_in_group(v_other, 'pending_payments') and not tests.fx_in_group(v_other, 'members'),
                   'nor did its groups change');
end
$$;

create or replace function tests.test_ipn_process__web_accept_pays_without_a_membership()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_member();
    v_id     bigint := tests.fx_ipn(tests.fx_ipn_body('web_accept', tests.fx_email(v_member), tests.fx_txn()));
begin
    return next is(tests.fx_ipn_state(v_id), 'processed', 'a completed web payment is processed');
    return next is(tests.fx_member_balance(v_member), 25.00::numeric, 'and credits the member');
    return next is_empty(format('select * from dues.membership where member_id = %s', v_member), 'a one-off payment makes no membership');
    return next ok(not tests.fx_in_group(v_member, 'members'), 'nor a member of members');
end
$$;

create or replace function tests.test_ipn_process__decodes_windows_1252()
returns setof text
language plpgsql
as $$
declare
    v_id bigint := tests.fx_ipn(tests.fx_ipn_body('subscr_signup', 'x@example.org', null,
                                                  array['first_name', 'José', 'last_name', 'Müller-Œuvre', 'memo', '25 € & more']));
begin
    return next is((select fields ->> 'first_name' || ' ' || (fields ->> 'last_name') from dues.ipn_message where id = v_id),
                   'José Müller-Œuvre', 'names are decoded from windows-1252');
    return next is((select fields ->> 'memo' from dues.ipn_message where id = v_id), '25 € & more', 'the euro sign and an ampersand too');
end
$$;

create or replace function tests.test_ipn_process__payments_settle_invoices_and_refunds_reopen_them()
returns setof text
language plpgsql
as $$
declare
    v_class  bigint := tests.fx_recurring_class();
    v_member bigint := tests.fx_joined_member();
    v_txn    text := tests.fx_txn();
begin
    perform tests.fx_subscribe(v_member, v_class, tests.fx_day(1, 1));
    perform tests.fx_collect(tests.fx_day(12, 18, -1));
    return next is(tests.fx_invoice_statuses(v_member), '{open}'::text[], 'the member owes an invoice of 30.00');
    perform tests.fx_ipn(tests.fx_ipn_body('subscr_payment', tests.fx_email(v_member), v_txn,
                                           array['mc_gross', '30.00', 'payment_gross', '30.00']));
    return next is(tests.fx_invoice_statuses(v_member), '{paid}'::text[], 'the PayPal payment is applied to the open invoice');
    return next is(tests.fx_member_balance(v_member), 0::numeric, 'its credit went to the invoice');
    perform tests.fx_ipn(tests.fx_ipn_body('refund', tests.fx_email(v_member), tests.fx_txn(),
                                           array['parent_txn_id', v_txn, 'mc_gross', '-30.00', 'payment_gross', '-30.00']));
    return next is(tests.fx_invoice_statuses(v_member), '{open}'::text[], 'refunding it takes the credit back from the invoice, which reopens');
    return next is((select sum(r.amount) from dues.refund r join dues.payment p on p.id = r.payment_id where p.external_ref = v_txn),
                   30.00::numeric, 'the whole payment is refunded');
end
$$;

create or replace function tests.test_ipn_process__a_members_own_change_processes_as_the_system()
returns setof text
language plpgsql
as $$
declare
    v_member bigint := tests.fx_joined_member();
    v_payer  text := 'own' || v_member || '@example.org';
    v_txn    text := tests.fx_txn();
    v_refund bigint;
begin
    perform api.member_paypal_email_set(v_member, v_payer);
    perform tests.fx_ipn(tests.fx_ipn_body('subscr_payment', v_payer, v_txn));
    perform api.member_paypal_email_set(v_member, null);
    v_refund := tests.fx_ipn(tests.fx_ipn_body('refund', v_payer, tests.fx_txn(), array['parent_txn_id', v_txn]));
    return next is(tests.fx_ipn_state(v_refund), 'unmatched', 'a refund from an address no member has is unmatched');
    perform tests.fx_as_member(v_member);
    perform api.member_paypal_email_set(v_member, v_payer);
    perform api.member_paypal_email_confirm(v_member, (select data ->> 'code' from tests.fx_outbox('paypal_email_confirm', v_payer)));
    return next is(tests.fx_ipn_state(v_refund), 'held',
                   'the member confirming its PayPal e-mail gets it matched again, with the rights of the system, not the '
                   'member''s: it arrived before the change, so it waits for staff');
    return next is(dues.caller_is_staff(), false, 'the member''s request still acts as the member afterwards');
    return next is(tests.fx_member_balance(v_member), 25::numeric, 'nothing was taken back meanwhile');
    perform tests.fx_as_staff();
    perform api.ipn_reprocess(v_refund, v_member);
    return next is(tests.fx_ipn_state(v_refund), 'processed', 'staff naming the member processes it');
    return next is(tests.fx_member_balance(v_member), 0::numeric, 'the refund took the credit back');
end
$$;

create or replace function tests.test_ipn_process__a_refund_from_another_payer_waits_for_staff()
returns setof text
language plpgsql
as $$
declare
    v_ann    bigint := tests.fx_member();
    v_bob    bigint := tests.fx_member();
    v_txn    text := tests.fx_txn();
    v_refund bigint;
begin
    perform tests.fx_ipn(tests.fx_ipn_body('web_accept', tests.fx_email(v_ann), v_txn));
    -- a reversal whose payer is Bob names Ann's payment
    v_refund := tests.fx_ipn(tests.fx_ipn_body('refund', tests.fx_email(v_bob), tests.fx_txn(),
                                               array['parent_txn_id', v_txn, 'payment_status', 'Reversed']));
    return next is(tests.fx_ipn_state(v_refund), 'held', 'a reversal from another payer than the payment''s is held');
    return next is(tests.fx_member_balance(v_ann), 25::numeric, 'Ann''s payment is not taken back');
    return next matches((select note from api.ipn_list('held') where id = v_refund), 'the payment was made by member ' || v_ann,
                        'staff see it listed with why');
    return next is((api.ipn_reprocess(v_refund, v_bob)).state, 'held', 'naming the other payer does not apply it');
    return next is((api.ipn_reprocess(v_refund, v_ann)).state, 'processed', 'naming the payment''s member does');
    return next is(tests.fx_member_balance(v_ann), 0::numeric, 'and the reversal takes it back');
end
$$;
