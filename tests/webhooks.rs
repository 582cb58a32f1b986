//! Webhooks of Stripe, GoCardless and PayPal (REST) against a real `dues
//! serve`, signed as each provider signs them, with secrets, keys and a
//! certificate made here (the certificate by the openssl command), and the
//! GoCardless API and PayPal's certificate served on loopback: a valid event
//! pays once however often it is delivered, a bad signature credits nothing,
//! a refund takes the money back, and the ledger balances.

mod common;

use base64::Engine;
use common::*;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// A secret no other run shares.
fn fresh_secret(prefix: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{prefix}{:x}{:x}", nanos, std::process::id())
}

fn hmac_hex(key: &str, parts: &[&[u8]]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).unwrap();
    for p in parts {
        mac.update(p);
    }
    hex::encode(mac.finalize().into_bytes())
}

fn set(s: &Server, name: &str, value: &str) {
    exec(
        &s.db.url,
        &format!(
            "update dues.setting set value = '{}' where name = '{name}'",
            value.replace('\'', "''")
        ),
    );
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

/// Money the member paid, less what was given back.
fn net_paid(s: &Server, member: &str) -> String {
    query_text(
        &s.db.url,
        &format!(
            "select coalesce(sum(p.amount), 0) - coalesce((select sum(r.amount) from dues.refund r join dues.payment q \
             on q.id = r.payment_id where q.member_id = {member}), 0) from dues.payment p where p.member_id = {member}"
        ),
    )
}

fn payments(s: &Server, member: &str) -> String {
    query_text(
        &s.db.url,
        &format!("select count(*) from dues.payment where member_id = {member}"),
    )
}

fn event_state(s: &Server, provider: &str, event_id: &str) -> String {
    query_text(
        &s.db.url,
        &format!("select state from dues.webhook_event where provider = '{provider}' and event_id = '{event_id}'"),
    )
}

fn ledger_balances(s: &Server) {
    let out = s.dues(&["call", "ledger_check"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "[]",
        "ledger_check"
    );
}

fn post(s: &Server, path: &str, body: &str, headers: &[(&str, &str)]) -> Reply {
    let mut all = vec![("Content-Type", "application/json")];
    all.extend_from_slice(headers);
    request(&s.addr, "POST", path, None, Some(body), &all)
}

/// Waits until `check` holds (the worker and background steps run after the answer).
fn eventually(what: &str, check: impl Fn() -> bool) {
    let started = Instant::now();
    while !check() {
        assert!(started.elapsed() < Duration::from_secs(20), "never: {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn worker_once(s: &Server) {
    let out = s.dues(&["worker", "--once", "--smtp-url", "smtp://127.0.0.1:9"]);
    assert!(out.status.success(), "{}", text(&out));
}

/// A loopback HTTP server answering GETs from `routes` (path → status, body);
/// records each request's path and Authorization header.
type Routes = Arc<Mutex<HashMap<String, (u16, String)>>>;
/// The (path, Authorization) of each request a server received.
type Requests = Arc<Mutex<Vec<(String, String)>>>;
fn api_server(routes: Routes) -> (String, Requests) {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let seen: Requests = Default::default();
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (routes, log) = (routes.clone(), log.clone());
            std::thread::spawn(move || {
                let mut stream = stream;
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let (mut path, mut auth) = (String::new(), String::new());
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    if path.is_empty() {
                        path = line.split_whitespace().nth(1).unwrap_or("").to_string();
                    } else if line.to_ascii_lowercase().starts_with("authorization:") {
                        auth = line[14..].trim().to_string();
                    }
                    if line == "\r\n" {
                        break;
                    }
                }
                log.lock().unwrap().push((path.clone(), auth));
                let (status, body) = routes
                    .lock()
                    .unwrap()
                    .get(&path)
                    .cloned()
                    .unwrap_or((404, "{}".into()));
                let _ = stream.write_all(
                    format!(
                        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    )
                    .as_bytes(),
                );
            });
        }
    });
    (base, seen)
}

// ---------------------------------------------------------------- Stripe

fn stripe_header(secret: &str, t: i64, body: &str) -> String {
    format!(
        "t={t},v1={}",
        hmac_hex(secret, &[format!("{t}.").as_bytes(), body.as_bytes()])
    )
}

fn stripe_event(id: &str, kind: &str, object: serde_json::Value) -> String {
    serde_json::json!({"id": id, "object": "event", "api_version": "2024-06-20", "created": now(),
                       "livemode": false, "type": kind, "data": {"object": object}})
    .to_string()
}

#[test]
fn stripe_pays_once_refuses_bad_signatures_and_refunds() {
    let s = Server::start("wh_stripe");
    let ann = member(&s, "Ann", "ann@example.org");
    let paid = stripe_event(
        "evt_paid_1",
        "checkout.session.completed",
        serde_json::json!({"id": "cs_test_1", "object": "checkout.session", "mode": "payment",
                           "payment_status": "paid", "amount_total": 2500, "currency": "usd",
                           "customer": "cus_ann", "customer_details": {"email": "ANN@example.org"},
                           "payment_intent": "pi_ann_1"}),
    );
    let secret = fresh_secret("whsec_");

    // no secret yet: stored, answered 503 so that Stripe resends, no money
    let r = post(
        &s,
        "/webhooks/stripe",
        &paid,
        &[("Stripe-Signature", &stripe_header(&secret, now(), &paid))],
    );
    assert_eq!(r.status, 503, "{}", r.body);
    assert_eq!(r.json()["code"], "DU602");
    assert_eq!(
        query_text(&s.db.url, "select state from dues.webhook_message"),
        "unverified"
    );
    assert_eq!(payments(&s, &ann), "0");

    set(&s, "stripe_webhook_secret", &secret);
    for delivery in 1..=3 {
        let r = post(
            &s,
            "/webhooks/stripe",
            &paid,
            &[("Stripe-Signature", &stripe_header(&secret, now(), &paid))],
        );
        assert_eq!(r.status, 200, "delivery {delivery}: {}", r.body);
        assert_eq!(payments(&s, &ann), "1", "delivery {delivery} pays once");
    }
    assert_eq!(net_paid(&s, &ann), "25.00");
    assert_eq!(event_state(&s, "stripe", "evt_paid_1"), "processed");
    // the copy that arrived before the secret was set is verified by the worker: the same event, once
    exec(
        &s.db.url,
        "update dues.webhook_message set verify_due_at = now() where state = 'unverified'",
    );
    worker_once(&s);
    assert_eq!(
        query_text(
            &s.db.url,
            "select string_agg(state, ',' order by id) from dues.webhook_message"
        ),
        "verified,verified,verified,verified"
    );
    assert_eq!(
        query_text(
            &s.db.url,
            "select deliveries from dues.webhook_event where event_id = 'evt_paid_1'"
        ),
        "4"
    );
    assert_eq!(payments(&s, &ann), "1");
    // the customer id is the member's from now on
    assert_eq!(
        query_text(
            &s.db.url,
            "select member_id from dues.member_provider_ref where ref = 'cus_ann'"
        ),
        ann
    );

    // bad signatures: another secret, a changed body, a truncated body, an old timestamp, none at all
    let forged = stripe_event(
        "evt_forged",
        "invoice.paid",
        serde_json::json!({"id": "in_forged", "customer": "cus_ann", "amount_paid": 99900, "currency": "usd",
                           "payment_intent": "pi_forged"}),
    );
    let good = stripe_header(&secret, now(), &forged);
    let cases: Vec<(String, String)> = vec![
        (forged.clone(), stripe_header("whsec_guess", now(), &forged)),
        (forged.replace("99900", "99901"), good.clone()),
        (forged[..forged.len() - 5].to_string(), good.clone()),
        (forged.clone(), stripe_header(&secret, now() - 301, &forged)),
        (forged.clone(), "t=1,v1=zz".into()),
    ];
    for (body, header) in &cases {
        let r = post(
            &s,
            "/webhooks/stripe",
            body,
            &[("Stripe-Signature", header)],
        );
        assert_eq!(r.status, 400, "{header}: {}", r.body);
        assert_eq!(r.json()["code"], "DU600");
        assert!(!r.body.contains(&secret));
    }
    let r = post(&s, "/webhooks/stripe", &forged, &[]);
    assert_eq!(r.status, 400, "no signature header");
    assert_eq!(
        query_text(
            &s.db.url,
            "select count(*) from dues.webhook_message where state = 'invalid'"
        ),
        "6"
    );
    assert_eq!(event_state(&s, "stripe", "evt_forged"), "");
    assert_eq!(
        net_paid(&s, &ann),
        "25.00",
        "a bad signature credits nothing"
    );

    // an event type dues does not handle: stored, 2xx, no effect
    let other = stripe_event(
        "evt_other",
        "customer.created",
        serde_json::json!({"id": "cus_x"}),
    );
    let r = post(
        &s,
        "/webhooks/stripe",
        &other,
        &[("Stripe-Signature", &stripe_header(&secret, now(), &other))],
    );
    assert_eq!(r.status, 200);
    assert_eq!(event_state(&s, "stripe", "evt_other"), "ignored");

    // a payment from someone who is no member yet waits, and is matched when they become one
    let stranger = stripe_event(
        "evt_stranger",
        "invoice.paid",
        serde_json::json!({"id": "in_2", "customer": "cus_new", "customer_email": "new@example.org",
                           "amount_paid": 1200, "currency": "usd", "payment_intent": "pi_new",
                           "subscription": "sub_new"}),
    );
    let r = post(
        &s,
        "/webhooks/stripe",
        &stranger,
        &[(
            "Stripe-Signature",
            &stripe_header(&secret, now(), &stranger),
        )],
    );
    assert_eq!(r.status, 200);
    assert_eq!(event_state(&s, "stripe", "evt_stranger"), "unmatched");
    let newcomer = member(&s, "Nia", "new@example.org");
    assert_eq!(event_state(&s, "stripe", "evt_stranger"), "processed");
    assert_eq!(net_paid(&s, &newcomer), "12.00");

    // the refund takes the money back, once
    let refund = stripe_event(
        "evt_refund_1",
        "charge.refunded",
        serde_json::json!({"id": "ch_ann_1", "object": "charge", "payment_intent": "pi_ann_1",
                           "amount_refunded": 2500, "currency": "usd", "refunded": true}),
    );
    for _ in 0..2 {
        let r = post(
            &s,
            "/webhooks/stripe",
            &refund,
            &[("Stripe-Signature", &stripe_header(&secret, now(), &refund))],
        );
        assert_eq!(r.status, 200, "{}", r.body);
    }
    assert_eq!(event_state(&s, "stripe", "evt_refund_1"), "processed");
    assert_eq!(net_paid(&s, &ann), "0.00");
    ledger_balances(&s);

    // the same event delivered eight times at once pays once
    let rush = stripe_event(
        "evt_rush",
        "checkout.session.completed",
        serde_json::json!({"id": "cs_rush", "mode": "payment", "payment_status": "paid", "amount_total": 500,
                           "currency": "usd", "customer": "cus_ann", "payment_intent": "pi_rush"}),
    );
    let header = stripe_header(&secret, now(), &rush);
    let statuses: Vec<u16> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..8)
            .map(|_| {
                scope.spawn(|| {
                    post(
                        &s,
                        "/webhooks/stripe",
                        &rush,
                        &[("Stripe-Signature", &header)],
                    )
                    .status
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(statuses.iter().all(|&st| st == 200), "{statuses:?}");
    assert_eq!(
        query_text(
            &s.db.url,
            "select count(*) from dues.payment where external_ref = 'pi_rush'"
        ),
        "1"
    );
    assert_eq!(
        query_text(
            &s.db.url,
            "select deliveries from dues.webhook_event where event_id = 'evt_rush'"
        ),
        "8"
    );
    ledger_balances(&s);

    // the secret is in no answer, not in /metrics, not in the log
    let metrics = get(&s.addr, "/metrics", None);
    assert!(metrics.body.contains("(stripe)"), "deliveries are counted");
    assert!(!metrics.body.contains(&secret));
    let log = std::fs::read_to_string(
        std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("serve-{}.log", s.db.name)),
    )
    .unwrap();
    assert!(!log.contains(&secret), "the secret is never logged");
    assert!(
        log.contains("stripe_webhook_secret is not set"),
        "the log says why a delivery was not verified"
    );
}

// ------------------------------------------------------------ GoCardless

#[test]
fn gocardless_pays_once_reading_the_api_refuses_bad_signatures_with_498_and_charges_back() {
    let s = Server::start("wh_gocardless");
    let bob = member(&s, "Bob", "bob@example.org");
    let routes: Routes = Default::default();
    routes.lock().unwrap().extend([
        ("/payments/PM1".to_string(), (200, r#"{"payments":{"id":"PM1","amount":2500,"currency":"EUR","status":"confirmed","links":{"mandate":"MD1","creditor":"CR1"}}}"#.to_string())),
        ("/mandates/MD1".to_string(), (200, r#"{"mandates":{"id":"MD1","links":{"customer":"CU1"}}}"#.to_string())),
        ("/customers/CU1".to_string(), (200, r#"{"customers":{"id":"CU1","email":"Bob@Example.org"}}"#.to_string())),
    ]);
    let (base, requests) = api_server(routes);
    let (secret, key) = (fresh_secret("gc_"), fresh_secret("live_"));
    set(&s, "gocardless_webhook_secret", &secret);
    set(&s, "gocardless_api_key", &key);
    set(&s, "gocardless_api_url", &base);
    set(&s, "board_email", "board@example.org");

    let body = serde_json::json!({"events": [
        {"id": "EV1", "created_at": "2026-11-30T10:00:00.000Z", "resource_type": "payments", "action": "confirmed",
         "details": {"origin": "gocardless", "cause": "payment_confirmed"}, "metadata": {}, "links": {"payment": "PM1"}},
        {"id": "EV2", "created_at": "2026-11-30T10:00:00.000Z", "resource_type": "payouts", "action": "paid",
         "details": {}, "metadata": {}, "links": {"payout": "PO1"}}
    ]})
    .to_string();
    let signature = hmac_hex(&secret, &[body.as_bytes()]);
    for delivery in 1..=3 {
        let r = post(
            &s,
            "/webhooks/gocardless",
            &body,
            &[("Webhook-Signature", &signature)],
        );
        assert_eq!(r.status, 204, "delivery {delivery}: {}", r.body);
        eventually("the payment is read from the API and registered", || {
            event_state(&s, "gocardless", "EV1") == "processed"
        });
        assert_eq!(payments(&s, &bob), "1", "delivery {delivery} pays once");
    }
    assert_eq!(net_paid(&s, &bob), "25.00");
    assert_eq!(
        query_text(
            &s.db.url,
            "select currency from dues.payment where external_ref = 'PM1'"
        ),
        "EUR"
    );
    assert_eq!(event_state(&s, "gocardless", "EV2"), "ignored");
    let asked = requests.lock().unwrap().clone();
    assert_eq!(
        asked.iter().map(|(p, _)| p.as_str()).collect::<Vec<_>>(),
        ["/payments/PM1", "/mandates/MD1", "/customers/CU1"],
        "each resource read once"
    );
    assert!(asked
        .iter()
        .all(|(_, auth)| *auth == format!("Bearer {key}")));
    // the mandate is the member's now: a second payment on it needs only the payment
    assert_eq!(
        query_text(
            &s.db.url,
            "select member_id from dues.member_provider_ref where ref = 'MD1'"
        ),
        bob
    );

    // bad signatures: 498, nothing kept but the delivery
    let forged = body.replace("PM1", "PM9").replace("EV1", "EV9");
    for header in [
        hmac_hex("guess", &[forged.as_bytes()]),
        signature.clone(),
        "not hex".into(),
    ] {
        let r = post(
            &s,
            "/webhooks/gocardless",
            &forged,
            &[("Webhook-Signature", &header)],
        );
        assert_eq!(r.status, 498, "{}", r.body);
        assert_eq!(r.json()["code"], "DU601");
    }
    assert_eq!(event_state(&s, "gocardless", "EV9"), "");
    assert_eq!(net_paid(&s, &bob), "25.00");

    // a charge-back takes the payment back and tells the board
    let back = serde_json::json!({"events": [
        {"id": "EV3", "created_at": "2026-12-02T10:00:00.000Z", "resource_type": "payments", "action": "charged_back",
         "details": {"origin": "bank", "cause": "payment_disputed", "description": "The customer disputed the payment."},
         "metadata": {}, "links": {"payment": "PM1"}}
    ]})
    .to_string();
    let r = post(
        &s,
        "/webhooks/gocardless",
        &back,
        &[("Webhook-Signature", &hmac_hex(&secret, &[back.as_bytes()]))],
    );
    assert_eq!(r.status, 204, "{}", r.body);
    assert_eq!(event_state(&s, "gocardless", "EV3"), "processed");
    assert_eq!(net_paid(&s, &bob), "0.00");
    assert_eq!(
        query_text(&s.db.url, "select count(*) from dues.outbox where template = 'board_notice' and recipient = 'board@example.org'"),
        "1"
    );
    ledger_balances(&s);
}

// --------------------------------------------------------- PayPal (REST)

/// A self-made RSA certificate and its key (PKCS#8 DER), by the openssl command.
fn certificate(dir: &std::path::Path) -> (String, Vec<u8>) {
    let out = std::process::Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=paypal-test",
        ])
        .arg("-keyout")
        .arg(dir.join("key.pem"))
        .arg("-out")
        .arg(dir.join("cert.pem"))
        .output()
        .expect("the openssl command");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pem = std::fs::read_to_string(dir.join("key.pem")).unwrap();
    let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap();
    (std::fs::read_to_string(dir.join("cert.pem")).unwrap(), der)
}

struct PayPalSigner {
    key: ring::signature::RsaKeyPair,
    cert_url: String,
}

impl PayPalSigner {
    /// The headers of a delivery of `body` to the webhook `webhook_id`.
    fn headers(&self, body: &str, n: u32, webhook_id: &str) -> Vec<(String, String)> {
        let (id, time) = (
            format!("tx-{n}-{}", now()),
            "2026-11-30T10:00:00Z".to_string(),
        );
        let message = format!(
            "{id}|{time}|{webhook_id}|{}",
            crc32fast::hash(body.as_bytes())
        );
        let mut sig = vec![0; self.key.public().modulus_len()];
        self.key
            .sign(
                &ring::signature::RSA_PKCS1_SHA256,
                &ring::rand::SystemRandom::new(),
                message.as_bytes(),
                &mut sig,
            )
            .unwrap();
        vec![
            ("PAYPAL-TRANSMISSION-ID".into(), id),
            ("PAYPAL-TRANSMISSION-TIME".into(), time),
            (
                "PAYPAL-TRANSMISSION-SIG".into(),
                base64::engine::general_purpose::STANDARD.encode(sig),
            ),
            ("PAYPAL-CERT-URL".into(), self.cert_url.clone()),
            ("PAYPAL-AUTH-ALGO".into(), "SHA256withRSA".into()),
        ]
    }
}

fn paypal_post(s: &Server, body: &str, headers: &[(String, String)]) -> Reply {
    let h: Vec<(&str, &str)> = headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    post(s, "/webhooks/paypal-rest", body, &h)
}

fn paypal_event(id: &str, kind: &str, resource: serde_json::Value) -> String {
    serde_json::json!({"id": id, "event_version": "1.0", "create_time": "2026-11-30T10:00:00.000Z",
                       "resource_type": "sale", "event_type": kind, "summary": kind, "resource": resource})
    .to_string()
}

#[test]
fn paypal_rest_pays_once_refuses_bad_signatures_and_refunds() {
    let s = Server::start("wh_paypal_rest");
    let cat = member(&s, "Cat", "cat@example.org");
    let dir = scratch_dir("wh_paypal_cert");
    let (cert, key) = certificate(&dir);
    let routes: Routes = Default::default();
    routes
        .lock()
        .unwrap()
        .insert("/v1/notifications/certs/CERT-1".into(), (200, cert));
    let (base, fetches) = api_server(routes);
    let signer = PayPalSigner {
        key: ring::signature::RsaKeyPair::from_pkcs8(&key).unwrap(),
        cert_url: format!("{base}/v1/notifications/certs/CERT-1"),
    };
    let webhook = fresh_secret("WH-");
    set(&s, "paypal_webhook_key", &webhook);

    // the default allows only *.paypal.com over HTTPS: a loopback certificate is refused, and never fetched
    let activated = paypal_event(
        "WH-EV-1",
        "BILLING.SUBSCRIPTION.ACTIVATED",
        serde_json::json!({"id": "I-SUB1", "status": "ACTIVE", "subscriber": {"email_address": "cat@example.org"}}),
    );
    let r = paypal_post(&s, &activated, &signer.headers(&activated, 0, &webhook));
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(r.json()["code"], "DU600");
    assert!(
        fetches.lock().unwrap().is_empty(),
        "a certificate from a host not allowed is not fetched"
    );

    set(&s, "paypal_cert_hosts", &format!("*.paypal.com, {base}"));
    let r = paypal_post(&s, &activated, &signer.headers(&activated, 1, &webhook));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(event_state(&s, "paypal", "WH-EV-1"), "processed");

    let sale = paypal_event(
        "WH-EV-2",
        "PAYMENT.SALE.COMPLETED",
        serde_json::json!({"id": "SALE1", "state": "completed", "amount": {"total": "10.00", "currency": "USD"},
                           "billing_agreement_id": "I-SUB1", "parent_payment": "PAY-1"}),
    );
    for delivery in 1..=3 {
        let r = paypal_post(&s, &sale, &signer.headers(&sale, 10 + delivery, &webhook));
        assert_eq!(r.status, 200, "delivery {delivery}: {}", r.body);
        assert_eq!(payments(&s, &cat), "1", "delivery {delivery} pays once");
    }
    assert_eq!(net_paid(&s, &cat), "10.00");
    assert_eq!(
        fetches.lock().unwrap().len(),
        1,
        "the certificate is cached by URL"
    );

    // bad signatures: for another webhook id, of another body, of another algorithm, not RSA's at all
    let forged = sale
        .replace("SALE1", "SALE9")
        .replace("WH-EV-2", "WH-EV-9")
        .replace("10.00", "900.00");
    let mut sha1 = signer.headers(&forged, 22, &webhook);
    sha1[4].1 = "SHA1withRSA".into();
    let mut garbage = signer.headers(&forged, 23, &webhook);
    garbage[2].1 = base64::engine::general_purpose::STANDARD.encode([7u8; 256]);
    for headers in [
        signer.headers(&forged, 20, "WH-OTHER"),
        signer.headers(&sale, 21, &webhook),
        sha1,
        garbage,
    ] {
        let r = paypal_post(&s, &forged, &headers);
        assert_eq!(r.status, 400, "{}", r.body);
        assert_eq!(r.json()["code"], "DU600");
    }
    assert_eq!(event_state(&s, "paypal", "WH-EV-9"), "");
    assert_eq!(
        net_paid(&s, &cat),
        "10.00",
        "a bad signature credits nothing"
    );

    // a certificate that cannot be fetched now (nobody listens there): stored, 503, verified again later
    set(
        &s,
        "paypal_cert_hosts",
        &format!("{base}, http://127.0.0.1:9"),
    );
    let mut unreachable = signer.headers(&sale, 24, &webhook);
    unreachable[3].1 = "http://127.0.0.1:9/cert.pem".into();
    let r = paypal_post(&s, &sale, &unreachable);
    assert_eq!(r.status, 503, "{}", r.body);
    assert_eq!(r.json()["code"], "DU602");
    assert_eq!(
        query_text(
            &s.db.url,
            "select state from dues.webhook_message order by id desc limit 1"
        ),
        "unverified"
    );

    // the refund takes the money back
    let refund = paypal_event(
        "WH-EV-3",
        "PAYMENT.SALE.REFUNDED",
        serde_json::json!({"id": "REFUND1", "state": "completed", "amount": {"total": "-10.00", "currency": "USD"},
                           "sale_id": "SALE1", "parent_payment": "PAY-1"}),
    );
    let r = paypal_post(&s, &refund, &signer.headers(&refund, 30, &webhook));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(event_state(&s, "paypal", "WH-EV-3"), "processed");
    assert_eq!(net_paid(&s, &cat), "0.00");
    ledger_balances(&s);
}
