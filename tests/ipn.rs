//! PayPal IPN over HTTP, with messages as PayPal formats them and a real
//! verification server on loopback: nothing acknowledged is lost, a payment
//! pays once however often it arrives, and what cannot be matched or
//! verified has no effect.

mod common;

use common::*;
use std::time::{Duration, Instant};

const RECEIVER: &str = "payments@example.org";

/// A form-encoded IPN body, with PayPal's usual fields around the given ones.
fn ipn(fields: &[(&str, &str)]) -> String {
    let mut all: Vec<(&str, &str)> = vec![
        ("mc_currency", "USD"),
        ("protection_eligibility", "Eligible"),
        ("payer_id", "LPLWNMTBWMFAY"),
        ("payment_date", "20:12:59 Jan 13, 2026 PST"),
        ("charset", "windows-1252"),
        ("first_name", "Ann"),
        ("notify_version", "3.9"),
        ("receiver_email", RECEIVER),
        ("residence_country", "US"),
        ("subscr_id", "I-BW452GLLEP1G"),
    ];
    for (k, v) in fields {
        all.retain(|(key, _)| key != k);
        all.push((k, v));
    }
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(all)
        .finish()
}

fn deliver(s: &Server, body: &str) -> Reply {
    request(
        &s.addr,
        "POST",
        "/webhooks/paypal",
        None,
        Some(body),
        &[("Content-Type", "application/x-www-form-urlencoded")],
    )
}

/// Waits until every message is out of 'received' (processing runs after the 200).
fn settle(s: &Server) {
    let started = Instant::now();
    while query_text(
        &s.db.url,
        "select count(*) from dues.ipn_message where state = 'received'",
    ) != "0"
    {
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "IPN messages were never processed"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn state_of(s: &Server, txn: &str) -> String {
    // by the body: a message that was never verified is not parsed yet
    query_text(
        &s.db.url,
        &format!("select string_agg(state, ',' order by id) from dues.ipn_message where position('txn_id={txn}&' in convert_from(body, 'UTF8') || '&') > 0"),
    )
}

fn member(s: &Server, name: &str, email: &str) -> String {
    let out = s.dues(&[
        "call",
        "member_create",
        &format!("name={name}"),
        &format!("email={email}"),
    ]);
    assert!(out.status.success(), "{}", text(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["id"].to_string()
}

fn verifier_answers(body: &str) -> (u16, String) {
    assert!(
        body.starts_with("cmd=_notify-validate&"),
        "the message is posted back prefixed: {body}"
    );
    if body.contains("txn_id=FORGED") {
        (200, "INVALID".into())
    } else {
        (200, "VERIFIED".into())
    }
}

fn start(tag: &str, verify_url: &str) -> Server {
    let s = Server::start(tag);
    exec(
        &s.db.url,
        &format!("update dues.setting set value = '{verify_url}' where name = 'paypal_verify_url'"),
    );
    s
}

#[test]
fn a_payment_pays_once_moves_the_member_in_and_a_refund_takes_it_back() {
    let (url, seen) = http_receiver(verifier_answers);
    let s = start("ipnpay", &url);
    let ann = member(&s, "Ann", "ann@example.org");
    assert!(s
        .dues(&["call", "membership_join", &format!("member_id={ann}")])
        .status
        .success());

    let signup = ipn(&[
        ("txn_type", "subscr_signup"),
        ("payer_email", "ann@example.org"),
        ("mc_amount3", "25.00"),
    ]);
    assert_eq!(deliver(&s, &signup).status, 200);
    let pay = ipn(&[
        ("txn_type", "subscr_payment"),
        ("payment_status", "Completed"),
        ("txn_id", "61E67681CH3238416"),
        ("mc_gross", "25.00"),
        ("mc_fee", "1.03"),
        ("payer_email", "ann@example.org"),
    ]);
    assert_eq!(deliver(&s, &pay).status, 200);
    // PayPal redelivers when it missed our 200
    assert_eq!(deliver(&s, &pay).status, 200);
    settle(&s);
    assert_eq!(state_of(&s, "61E67681CH3238416"), "processed,processed");
    assert_eq!(
        query_text(
            &s.db.url,
            "select count(*) from dues.payment where external_ref = '61E67681CH3238416'"
        ),
        "1",
        "paid once"
    );
    assert_eq!(
        query_text(
            &s.db.url,
            &format!("select balance from api.member_balance({ann})")
        ),
        "25.00"
    );
    // from tomorrow on (today it was still waiting, until the payment came)
    let groups = query_text(
        &s.db.url,
        &format!(
            "select string_agg(key, ',') from api.member_groups({ann}, dues.local_date(now()) + 1)"
        ),
    );
    assert!(
        groups.contains("members") && !groups.contains("pending_payments"),
        "{groups}"
    );
    let queued = query_text(
        &s.db.url,
        "select string_agg(template, ',' order by id) from dues.outbox",
    );
    assert!(
        queued.contains("welcome"),
        "a welcome mail is queued: {queued}"
    );
    assert!(
        seen.lock().unwrap().len() >= 3,
        "every message was verified"
    );

    // Pending, then Completed: one payment
    let pending = ipn(&[
        ("txn_type", "web_accept"),
        ("payment_status", "Pending"),
        ("pending_reason", "echeck"),
        ("txn_id", "9XP52337S4361584A"),
        ("mc_gross", "10.00"),
        ("payer_email", "ann@example.org"),
    ]);
    let completed = pending.replace("payment_status=Pending", "payment_status=Completed");
    deliver(&s, &pending);
    settle(&s);
    deliver(&s, &completed);
    settle(&s);
    assert_eq!(
        query_text(
            &s.db.url,
            "select count(*) from dues.payment where external_ref = '9XP52337S4361584A'"
        ),
        "1"
    );
    assert_eq!(
        query_text(
            &s.db.url,
            &format!("select balance from api.member_balance({ann})")
        ),
        "35.00"
    );

    // a refund names its payment and takes the money back
    let refund = ipn(&[
        ("txn_type", "subscr_payment"),
        ("payment_status", "Refunded"),
        ("reason_code", "refund"),
        ("txn_id", "2LB43155EU6521503"),
        ("parent_txn_id", "61E67681CH3238416"),
        ("mc_gross", "-25.00"),
        ("payer_email", "ann@example.org"),
    ]);
    deliver(&s, &refund);
    settle(&s);
    assert_eq!(
        query_text(
            &s.db.url,
            &format!("select balance from api.member_balance({ann})")
        ),
        "10.00"
    );
    assert_eq!(
        query_text(&s.db.url, "select count(*) from api.ledger_check()"),
        "0"
    );
}

#[test]
fn unknown_ambiguous_and_forged_messages_have_no_effect() {
    let (url, _) = http_receiver(verifier_answers);
    let s = start("ipnodd", &url);
    let a = member(&s, "Al", "al@example.org");
    let b = member(&s, "Bo", "bo@example.org");
    for m in [&a, &b] {
        let out = s.dues(&[
            "call",
            "member_paypal_email_set",
            &format!("member_id={m}"),
            "paypal_email=family@example.org",
        ]);
        assert!(out.status.success(), "{}", text(&out));
    }
    let paid = |txn: &str, email: &str| {
        ipn(&[
            ("txn_type", "subscr_payment"),
            ("payment_status", "Completed"),
            ("txn_id", txn),
            ("mc_gross", "5.00"),
            ("payer_email", email),
        ])
    };
    deliver(&s, &paid("UNKNOWN1", "stranger@example.org"));
    deliver(&s, &paid("AMBIGUOUS1", "family@example.org"));
    deliver(&s, &paid("FORGED", "al@example.org"));
    deliver(
        &s,
        &ipn(&[
            ("txn_type", "subscr_payment"),
            ("payment_status", "Completed"),
            ("txn_id", "ELSEWHERE"),
            ("mc_gross", "5.00"),
            ("payer_email", "al@example.org"),
            ("receiver_email", "thief@example.org"),
        ]),
    );
    deliver(
        &s,
        &ipn(&[
            ("txn_type", "new_case"),
            ("txn_id", "ODDTYPE"),
            ("payer_email", "al@example.org"),
        ]),
    );
    settle(&s);
    assert_eq!(state_of(&s, "UNKNOWN1"), "unmatched");
    assert_eq!(state_of(&s, "AMBIGUOUS1"), "ambiguous");
    assert_eq!(state_of(&s, "FORGED"), "invalid");
    assert_eq!(state_of(&s, "ELSEWHERE"), "rejected");
    assert_eq!(
        query_text(&s.db.url, "select count(*) from dues.payment"),
        "0",
        "no money moved"
    );
    assert_eq!(
        query_text(&s.db.url, "select count(*) from dues.ipn_message"),
        "5",
        "every message is kept"
    );

    // the stranger turns out to be a member: the message is matched again
    let c = member(&s, "Cy", "cy@example.org");
    let out = s.dues(&[
        "call",
        "member_paypal_email_set",
        &format!("member_id={c}"),
        "paypal_email=stranger@example.org",
    ]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(state_of(&s, "UNKNOWN1"), "processed");
    assert_eq!(
        query_text(
            &s.db.url,
            &format!("select balance from api.member_balance({c})")
        ),
        "5.00"
    );
}

#[test]
fn a_message_is_kept_while_verification_is_down_and_processed_by_the_worker() {
    let dead = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let s = start("ipndown", &format!("http://{dead}/cgi-bin/webscr"));
    let ann = member(&s, "Ann", "ann@example.org");
    let pay = ipn(&[
        ("txn_type", "web_accept"),
        ("payment_status", "Completed"),
        ("txn_id", "DOWN1"),
        ("mc_gross", "7.50"),
        ("payer_email", "ann@example.org"),
    ]);
    assert_eq!(
        deliver(&s, &pay).status,
        200,
        "acknowledged although nothing could be verified"
    );
    settle(&s);
    assert_eq!(state_of(&s, "DOWN1"), "unverified");
    let (url, _) = http_receiver(verifier_answers);
    exec(
        &s.db.url,
        &format!(
            "update dues.setting set value = '{url}' where name = 'paypal_verify_url'; \
         update dues.ipn_message set verify_due_at = now()"
        ),
    );
    let out = dues()
        .args(["worker", "--once", "--smtp-url", "smtp://127.0.0.1:9"])
        .env("DATABASE_URL", &s.db.url)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(state_of(&s, "DOWN1"), "processed", "{}", text(&out));
    assert_eq!(
        query_text(
            &s.db.url,
            &format!("select balance from api.member_balance({ann})")
        ),
        "7.50"
    );
}

#[test]
fn a_full_verification_queue_loses_nothing_the_worker_takes_the_rest() {
    // a verification server that takes connections and never answers: the server's one verifier waits on it
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let silent_url = format!("http://{}/cgi-bin/webscr", silent.local_addr().unwrap());
    let mut s = Server::start_with(
        "ipnfull",
        &["--paypal-verifiers", "1", "--paypal-queue", "2"],
        None,
    );
    exec(
        &s.db.url,
        &format!(
            "update dues.setting set value = '{silent_url}' where name = 'paypal_verify_url'; \
             update dues.setting set value = '1' where name = 'paypal_verify_lease_seconds'"
        ),
    );
    let ann = member(&s, "Ann", "ann@example.org");
    for i in 0..12 {
        let pay = ipn(&[
            ("txn_type", "web_accept"),
            ("payment_status", "Completed"),
            ("txn_id", &format!("FULL{i}")),
            ("mc_gross", "1.00"),
            ("payer_email", "ann@example.org"),
        ]);
        assert_eq!(deliver(&s, &pay).status, 200, "message {i} acknowledged");
    }
    // one postback in flight and two waiting are the server's (leased to it); the rest was stored due at once
    let counts = query(
        &s.db.url,
        "select count(*) filter (where verify_attempts = 1), count(*) filter (where verify_attempts = 0 and verify_due_at <= now()), \
                count(*) from dues.ipn_message where state = 'received'",
    );
    let count = |i: usize| counts[0][i].as_deref().unwrap().parse::<i64>().unwrap();
    assert_eq!(
        count(2),
        12,
        "every message stored, none verified: {counts:?}"
    );
    assert!(
        count(0) <= 3,
        "the server took at most its queue and its one verifier: {counts:?}"
    );
    assert_eq!(
        count(0) + count(1),
        12,
        "the rest is due for the worker: {counts:?}"
    );
    // the server stops with messages still leased to it; the worker takes them all once the lease ends
    s.stop();
    let (url, _) = http_receiver(verifier_answers);
    exec(
        &s.db.url,
        &format!("update dues.setting set value = '{url}' where name = 'paypal_verify_url'"),
    );
    let started = Instant::now();
    while query_text(
        &s.db.url,
        "select count(*) from dues.ipn_message where state <> 'processed'",
    ) != "0"
    {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the worker never processed every message"
        );
        let out = dues()
            .args([
                "worker",
                "--once",
                "--batch",
                "100",
                "--smtp-url",
                "smtp://127.0.0.1:9",
            ])
            .env("DATABASE_URL", &s.db.url)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out));
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(
        query_text(
            &s.db.url,
            &format!("select balance from api.member_balance({ann})")
        ),
        "12.00",
        "each of the twelve payments counted once"
    );
    drop(silent);
}

#[test]
fn a_body_that_is_not_even_a_form_is_stored_and_answered_200() {
    let (url, _) = http_receiver(verifier_answers);
    let s = start("ipnjunk", &url);
    let r = request(
        &s.addr,
        "POST",
        "/webhooks/paypal",
        None,
        Some("\u{1}\u{2}%%%=&&=="),
        &[("Content-Type", "text/plain")],
    );
    assert_eq!(r.status, 200);
    assert_eq!(
        query_text(&s.db.url, "select count(*) from dues.ipn_message"),
        "1"
    );
    assert_eq!(get(&s.addr, "/webhooks/paypal", None).status, 405);
}

#[test]
fn failed_and_cancel_mail_member_and_board_and_end_of_term_ends_the_membership() {
    let (url, _) = http_receiver(verifier_answers);
    let s = start("ipnterm", &url);
    let ann = member(&s, "Ann", "ann@example.org");
    exec(
        &s.db.url,
        "update dues.setting set value = 'board@example.org' where name = 'board_email'",
    );
    assert!(s
        .dues(&["call", "membership_join", &format!("member_id={ann}")])
        .status
        .success());
    let msg = |t: &str, id: &str| {
        ipn(&[
            ("txn_type", t),
            ("ipn_track_id", id),
            ("payer_email", "ann@example.org"),
        ])
    };
    deliver(
        &s,
        &ipn(&[
            ("txn_type", "subscr_payment"),
            ("payment_status", "Completed"),
            ("txn_id", "P1"),
            ("mc_gross", "25.00"),
            ("payer_email", "ann@example.org"),
        ]),
    );
    settle(&s);
    deliver(&s, &msg("subscr_failed", "f1"));
    deliver(&s, &msg("subscr_cancel", "c1"));
    settle(&s);
    let queued = query_text(
        &s.db.url,
        "select string_agg(template || ':' || recipient, ',' order by id) from dues.outbox",
    );
    assert!(
        queued.contains("payment_failed:ann@example.org"),
        "{queued}"
    );
    assert!(
        queued.contains("subscr_cancel_confirm:ann@example.org"),
        "{queued}"
    );
    assert!(
        queued.contains("board@example.org"),
        "the board is told: {queued}"
    );
    let members_now = query_text(
        &s.db.url,
        &format!(
            "select string_agg(key, ',') from api.member_groups({ann}, dues.local_date(now()) + 1)"
        ),
    );
    assert!(
        members_now.contains("members"),
        "a cancel does not remove access: {members_now}"
    );
    deliver(&s, &msg("subscr_eot", "e1"));
    settle(&s);
    assert_eq!(
        query_text(
            &s.db.url,
            &format!("select end_date is not null from api.membership_status({ann})")
        ),
        "true",
        "the end of term ends the membership"
    );
    assert_eq!(
        query_text(
            &s.db.url,
            "select string_agg(distinct state, ',') from dues.ipn_message"
        ),
        "processed"
    );
}
