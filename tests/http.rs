//! The HTTP API over real HTTP on loopback: response shapes, every error
//! class, authentication and authorisation, idempotency, the subscription
//! flow, the list convention and typed settings, catalog refresh after a
//! migration, time limits and graceful shutdown.

mod common;

use common::*;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// A JSON number with exactly these digits.
fn num(digits: &str) -> Value {
    serde_json::from_str(digits).unwrap()
}

/// `dues call` as staff against the server's database; the answer's JSON.
fn staff_call(s: &Server, args: &[&str]) -> Value {
    let mut all = vec!["call"];
    all.extend_from_slice(args);
    let out = s.dues(&all);
    assert!(out.status.success(), "dues {all:?}: {}", text(&out));
    serde_json::from_slice(&out.stdout).unwrap_or(Value::Null)
}

/// A member and a class priced 25.00 with the single payment rule; their ids.
fn member_and_class(s: &Server, email: &str) -> (i64, i64) {
    let m = staff_call(
        s,
        &[
            "member_create",
            "name=Ann Example",
            &format!("email={email}"),
        ],
    );
    let c = staff_call(
        s,
        &[
            "class_create",
            "--json",
            r#"{"title":"Pottery","rule":"single_payment","params":{"price":"25.00"}}"#,
        ],
    );
    (m["id"].as_i64().unwrap(), c["id"].as_i64().unwrap())
}

#[test]
fn responses_have_their_shapes_and_bad_requests_are_4xx() {
    let s = Server::start("shapes");
    let staff = s.token(&["--staff"]);
    let a = s.addr.as_str();

    let r = get(a, "/health", None);
    assert_eq!((r.status, r.body.as_str()), (200, r#"{"status":"ok"}"#));

    // a row is an object, money keeps its exact digits (up to the largest amount a site may allow)
    exec(
        &s.db.url,
        "update dues.setting set value = '999999999999.99' where name = 'max_amount'",
    );
    let m = post(
        a,
        "member_create",
        Some(&staff),
        r#"{"name":"Bob","email":"bob@example.org"}"#,
    );
    assert_eq!(m.status, 200, "{}", m.body);
    let member = m.json()["id"].as_i64().unwrap();
    let p = post(
        a,
        "register_payment",
        Some(&staff),
        &format!(r#"{{"member_id":{member},"amount":123456789012.34,"currency":"USD"}}"#),
    );
    assert_eq!(p.status, 200, "{}", p.body);
    assert!(p.body.contains("\"amount\":123456789012.34"), "{}", p.body);
    // a set is an array, GET works on a stable function with query arguments
    let b = get(
        a,
        &format!("/rpc/member_balance?member_id={member}"),
        Some(&staff),
    );
    assert_eq!(b.status, 200, "{}", b.body);
    assert_eq!(b.json()[0]["available"], num("123456789012.34"));
    let subs = get(
        a,
        &format!("/rpc/class_subscription_list?member_id={member}"),
        Some(&staff),
    );
    assert_eq!((subs.status, subs.body.as_str()), (200, "[]"));
    // void is 204
    let t = post(
        a,
        "token_create",
        Some(&staff),
        &format!(r#"{{"member_id":{member}}}"#),
    )
    .json();
    let r = post(
        a,
        "token_revoke",
        Some(&staff),
        &format!(r#"{{"token_id":{}}}"#, t["token_id"]),
    );
    assert_eq!((r.status, r.body.as_str()), (204, ""));

    // the request id is echoed, or made
    let r = request(
        a,
        "GET",
        "/health",
        None,
        None,
        &[("X-Request-Id", "abc-123")],
    );
    assert_eq!(r.header("x-request-id"), Some("abc-123"));
    assert!(get(a, "/health", None)
        .header("x-request-id")
        .is_some_and(|v| !v.is_empty()));

    let check = |r: Reply, status: u16, code: &str| {
        assert_eq!(r.status, status, "{}", r.body);
        let v = r.json();
        assert_eq!(v["code"], json!(code), "{}", r.body);
        for k in ["code", "message", "details", "hint"] {
            assert!(v.get(k).is_some(), "{k} missing in {}", r.body);
        }
        v
    };
    check(
        post(a, "no_such_function", Some(&staff), "{}"),
        404,
        "DUH09",
    );
    check(post(a, "pg_sleep", Some(&staff), "{}"), 404, "DUH09");
    check(
        post(a, "member_create\"(", Some(&staff), "{}"),
        404,
        "DUH09",
    );
    check(get(a, "/nowhere", None), 404, "DUH10");
    let r = request(
        a,
        "PUT",
        "/rpc/member_create",
        Some(&staff),
        Some("{}"),
        &[],
    );
    assert_eq!(r.header("allow"), Some("GET, POST"));
    check(r, 405, "DUH08");
    check(
        request(a, "DELETE", "/rpc/member_create", Some(&staff), None, &[]),
        405,
        "DUH08",
    );
    check(
        request(
            a,
            "POST",
            "/rpc/member_create",
            Some(&staff),
            Some("name=x"),
            &[("Content-Type", "application/x-www-form-urlencoded")],
        ),
        415,
        "DUH06",
    );
    let big = format!(
        r#"{{"name":"{}","email":"x@example.org"}}"#,
        "x".repeat(1_100_000)
    );
    check(post(a, "member_create", Some(&staff), &big), 413, "DUH07");
    check(
        post(a, "member_create", Some(&staff), "{\"name\":"),
        400,
        "DUH00",
    );
    check(
        post(a, "member_create", Some(&staff), "[1,2]"),
        400,
        "DUH01",
    );
    let v = check(
        post(
            a,
            "member_create",
            Some(&staff),
            r#"{"name":"x","email":"x@example.org","colour":"red"}"#,
        ),
        400,
        "DUH02",
    );
    assert!(v["hint"].as_str().unwrap().contains("email text"), "{v}");
    let v = check(
        post(a, "member_create", Some(&staff), r#"{"name":"x"}"#),
        400,
        "DUH03",
    );
    assert!(v["message"].as_str().unwrap().contains("email"), "{v}");
    let v = check(
        post(
            a,
            "register_payment",
            Some(&staff),
            &format!(r#"{{"member_id":{member},"amount":"ten"}}"#),
        ),
        400,
        "DUH04",
    );
    assert!(
        v["message"]
            .as_str()
            .unwrap()
            .starts_with("argument amount:"),
        "{v}"
    );
    // any JSON number reaches PostgreSQL whole; this one does not fit an amount
    check(
        post(
            a,
            "register_payment",
            Some(&staff),
            &format!(r#"{{"member_id":{member},"amount":1e400}}"#),
        ),
        422,
        "DU023",
    );
    check(
        get(
            a,
            &format!("/rpc/register_payment?member_id={member}&amount=1"),
            Some(&staff),
        ),
        405,
        "DUH05",
    );
    // business errors keep their SQLSTATE and get their status
    check(
        post(
            a,
            "register_payment",
            Some(&staff),
            &format!(r#"{{"member_id":{member},"amount":-5}}"#),
        ),
        422,
        "DU020",
    );
    check(
        post(a, "member_balance", Some(&staff), r#"{"member_id":999999}"#),
        404,
        "DU001",
    );
    check(
        post(
            a,
            "member_create",
            Some(&staff),
            r#"{"name":"Bob","email":"BOB@example.org"}"#,
        ),
        409,
        "DU015",
    );

    // the OpenAPI document is 3.1 and lists what the caller may call
    let doc = get(a, "/openapi.json", Some(&staff)).json();
    assert_eq!(doc["openapi"], json!("3.1.0"));
    let paths = doc["paths"].as_object().unwrap();
    for f in [
        "member_create",
        "register_payment",
        "order_confirm",
        "rule_list",
        "token_create",
    ] {
        assert!(paths.contains_key(&format!("/rpc/{f}")), "{f} missing");
    }
    let pay = &doc["paths"]["/rpc/register_payment"]["post"];
    assert!(pay["description"].as_str().unwrap().len() > 20);
    assert_eq!(
        pay["requestBody"]["content"]["application/json"]["schema"]["required"],
        json!(["member_id", "amount"])
    );
    assert!(
        pay["responses"]["422"]["description"]
            .as_str()
            .unwrap()
            .contains("DU020"),
        "{}",
        pay["responses"]
    );
    assert!(doc["paths"]["/rpc/member_balance"]["get"].is_object());
    assert!(doc["paths"]["/rpc/register_payment"]["get"].is_null());
    let public = get(a, "/openapi.json", None).json();
    let public_paths: Vec<&String> = public["paths"].as_object().unwrap().keys().collect();
    assert_eq!(
        public_paths,
        vec![
            "/rpc/class_get",
            "/rpc/class_list",
            "/rpc/membership_apply",
            "/rpc/rule_list",
            "/rpc/signin_complete",
            "/rpc/signin_request",
            "/rpc/site_get"
        ]
    );

    let metrics = get(a, "/metrics", None).body;
    assert!(
        metrics
            .contains("dues_http_requests_total{function=\"register_payment\",status=\"200\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("dues_http_requests_total{function=\"(unknown)\",status=\"404\"}"),
        "{metrics}"
    );
    assert!(
        metrics.contains("dues_pool_connections{state=\"in_use\"}"),
        "{metrics}"
    );
}

#[test]
fn tokens_decide_who_may_do_what() {
    let s = Server::start("auth");
    let a = s.addr.as_str();
    let (ann, class) = member_and_class(&s, "ann@example.org");
    let bob = staff_call(&s, &["member_create", "name=Bob", "email=bob@example.org"])["id"]
        .as_i64()
        .unwrap();
    let ann_token = s.token(&["--member", &ann.to_string()]);
    let bob_token = s.token(&["--member", &bob.to_string()]);
    let staff = s.token(&["--staff"]);

    // anonymous callers reach only what is granted to them
    assert_eq!(get(a, "/rpc/rule_list", None).status, 200);
    // what they may not call is, to them, a function that does not exist
    let r = get(a, &format!("/rpc/member_balance?member_id={ann}"), None);
    let none = get(a, "/rpc/no_such_function?member_id=1", None);
    assert_eq!((r.status, r.json()["code"].clone()), (404, json!("DUH09")));
    assert_eq!(
        r.body.replace("member_balance", "X"),
        none.body.replace("no_such_function", "X")
    );
    // bad tokens
    assert_eq!(
        get(a, "/rpc/rule_list", Some("dues_not_a_real_token")).status,
        401
    );
    let r = request(
        a,
        "GET",
        "/rpc/rule_list",
        None,
        None,
        &[("Authorization", "Basic dXNlcjpwdw==")],
    );
    assert_eq!(r.status, 401);
    let expired = s.token(&["--member", &ann.to_string(), "--expires", "2999-01-01"]);
    assert_eq!(
        get(
            a,
            &format!("/rpc/member_balance?member_id={ann}"),
            Some(&expired)
        )
        .status,
        200
    );
    exec(&s.db.url, "update dues.api_token set expires_at = now() - interval '1 second' where expires_at is not null");
    // dues trusts the database's word on a token for a second at most
    std::thread::sleep(std::time::Duration::from_millis(1100));
    assert_eq!(
        get(
            a,
            &format!("/rpc/member_balance?member_id={ann}"),
            Some(&expired)
        )
        .status,
        401
    );

    // a member acts on its own data, not on another's, and learns nothing of it
    let order = post(
        a,
        "class_subscription_request",
        Some(&ann_token),
        &format!(r#"{{"member_id":{ann},"class_id":{class}}}"#),
    );
    assert_eq!(order.status, 200, "{}", order.body);
    let order = order.json()["id"].as_i64().unwrap();
    let other = get(
        a,
        &format!("/rpc/member_balance?member_id={bob}"),
        Some(&ann_token),
    );
    let nobody = get(a, "/rpc/member_balance?member_id=987654", Some(&ann_token));
    assert_eq!((other.status, nobody.status), (403, 403));
    assert_eq!(other.json()["code"], nobody.json()["code"]);
    assert!(!nobody.body.contains("not found"), "{}", nobody.body);
    for f in [
        "order_confirm",
        "order_cancel",
        "class_subscription_confirm",
    ] {
        let r = post(
            a,
            f,
            Some(&bob_token),
            &format!(r#"{{"order_id":{order}}}"#),
        );
        assert_eq!(r.status, 403, "{f}: {}", r.body);
        let r = post(a, f, Some(&bob_token), r#"{"order_id":987654}"#);
        assert_eq!(r.status, 403, "{f} of no order: {}", r.body);
    }
    let r = post(
        a,
        "class_subscription_request",
        Some(&bob_token),
        &format!(r#"{{"member_id":{ann},"class_id":{class}}}"#),
    );
    assert_eq!(r.status, 403);
    // its own billing and membership, not another's; no list of everyone's invoices
    assert_eq!(
        get(
            a,
            &format!("/rpc/member_standing?member_id={ann}"),
            Some(&ann_token)
        )
        .status,
        200
    );
    assert_eq!(
        get(
            a,
            &format!("/rpc/invoice_list?member_id={ann}"),
            Some(&ann_token)
        )
        .status,
        200
    );
    assert_eq!(
        get(
            a,
            &format!("/rpc/member_statement?member_id={bob}"),
            Some(&ann_token)
        )
        .status,
        403
    );
    assert_eq!(get(a, "/rpc/invoice_list", Some(&ann_token)).status, 403);
    assert_eq!(
        get(
            a,
            &format!("/rpc/member_groups?member_id={bob}"),
            Some(&ann_token)
        )
        .status,
        403
    );
    // staff's functions do not exist for a member
    assert_eq!(
        get(a, "/rpc/report_receivables", Some(&ann_token)).status,
        404
    );
    // members may not register money received, create members or tokens
    let r = post(
        a,
        "register_payment",
        Some(&ann_token),
        &format!(r#"{{"member_id":{ann},"amount":100}}"#),
    );
    assert_eq!(
        (r.status, r.json()["code"].clone()),
        (404, json!("DUH09")),
        "{}",
        r.body
    );
    assert_eq!(
        post(a, "token_create", Some(&ann_token), r#"{"staff":true}"#).status,
        404
    );
    // staff may; then the member completes its own flow
    assert_eq!(
        post(
            a,
            "register_payment",
            Some(&staff),
            &format!(r#"{{"member_id":{ann},"amount":25}}"#)
        )
        .status,
        200
    );
    assert_eq!(
        post(
            a,
            "order_confirm",
            Some(&ann_token),
            &format!(r#"{{"order_id":{order}}}"#)
        )
        .json()["state"],
        json!("confirmed")
    );
    let sub = post(
        a,
        "class_subscription_confirm",
        Some(&ann_token),
        &format!(r#"{{"order_id":{order}}}"#),
    );
    assert_eq!(sub.status, 200, "{}", sub.body);
    // a revoked token stops at once
    let id = staff_call(&s, &["token_create", &format!("member_id={bob}")])["token_id"].clone();
    staff_call(&s, &["token_revoke", &format!("token_id={id}")]);
    let revoked_token = s.token(&["--member", &bob.to_string()]);
    assert_eq!(
        get(
            a,
            &format!("/rpc/member_balance?member_id={bob}"),
            Some(&revoked_token)
        )
        .status,
        200
    );
}

#[test]
fn the_subscription_flow_over_http_and_dues_call() {
    let s = Server::start("flow");
    let a = s.addr.as_str();
    let staff = s.token(&["--staff"]);
    // over HTTP, as the README shows it with curl
    let member = post(
        a,
        "member_create",
        Some(&staff),
        r#"{"name":"Cleo","email":"cleo@example.org"}"#,
    )
    .json()["id"]
        .clone();
    let class = post(
        a,
        "class_create",
        Some(&staff),
        r#"{"title":"Membership","rule":"fixed_term","params":{"price":"120.00","months":12}}"#,
    );
    assert_eq!(class.status, 200, "{}", class.body);
    let class = class.json()["id"].clone();
    let order = post(
        a,
        "class_subscription_request",
        Some(&staff),
        &format!(r#"{{"member_id":{member},"class_id":{class}}}"#),
    )
    .json();
    assert_eq!(order["state"], json!("opened"));
    assert_eq!(order["amount"], num("120.00"));
    let refused = post(
        a,
        "order_confirm",
        Some(&staff),
        &format!(r#"{{"order_id":{}}}"#, order["id"]),
    );
    assert_eq!(
        (refused.status, refused.json()["code"].clone()),
        (402, json!("DU030"))
    );
    let pay = format!(
        r#"{{"member_id":{member},"amount":"120.00","method":"bank_transfer","external_ref":"stmt-2026-11-001"}}"#
    );
    let first = post(a, "register_payment", Some(&staff), &pay);
    let replay = post(a, "register_payment", Some(&staff), &pay);
    assert_eq!(
        first.body, replay.body,
        "a replayed external reference returns the first result"
    );
    assert_eq!(
        post(
            a,
            "order_confirm",
            Some(&staff),
            &format!(r#"{{"order_id":{}}}"#, order["id"])
        )
        .json()["state"],
        json!("confirmed")
    );
    let sub = post(
        a,
        "class_subscription_confirm",
        Some(&staff),
        &format!(r#"{{"order_id":{}}}"#, order["id"]),
    )
    .json();
    assert_eq!(sub["order_id"], order["id"]);
    let balance = get(
        a,
        &format!("/rpc/member_balance?member_id={member}"),
        Some(&staff),
    )
    .json();
    assert_eq!(balance[0]["balance"], num("0.00"));

    // through dues call, the same functions and the same errors
    let dana = staff_call(
        &s,
        &["member_create", "name=Dana", "email=dana@example.org"],
    )["id"]
        .clone();
    let free = staff_call(&s, &["class_create", "title=Open day", "rule=free"])["id"].clone();
    let order = staff_call(
        &s,
        &[
            "class_subscription_request",
            &format!("member_id={dana}"),
            &format!("class_id={free}"),
        ],
    );
    assert_eq!(order["amount"], num("0.00"));
    staff_call(&s, &["order_confirm", &format!("order_id={}", order["id"])]);
    staff_call(
        &s,
        &[
            "class_subscription_confirm",
            &format!("order_id={}", order["id"]),
        ],
    );
    let students = staff_call(&s, &["class_students", &format!("class_id={free}")]);
    assert_eq!(students[0]["member_id"], dana);
    let out = s.dues(&[
        "call",
        "order_confirm",
        &format!("order_id={}", order["id"]),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err: Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(err["code"], json!("DU031"));
    let out = s.dues(&[
        "call",
        "member_balance",
        &format!("member_id={}", order["member_id"]),
        "--as-member",
        "999999",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let out = s.dues(&[
        "call",
        "member_balance",
        &format!("member_id={member}"),
        "--as-member",
        &dana.to_string(),
    ]);
    let err: Value = serde_json::from_slice(&out.stderr).unwrap();
    assert_eq!(
        err["code"],
        json!("42501"),
        "the CLI applies the same authorisation"
    );
    assert_eq!(
        s.dues(&["call", "member_balance", "nonsense"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(staff_call(&s, &["ledger_check"]), json!([]));
}

#[test]
fn idempotency_keys_replay_the_first_answer_and_run_once() {
    let s = Server::start("idem");
    let a = s.addr.as_str();
    let staff = s.token(&["--staff"]);
    let member = post(
        a,
        "member_create",
        Some(&staff),
        r#"{"name":"Eve","email":"eve@example.org"}"#,
    )
    .json()["id"]
        .clone();
    let body = format!(r#"{{"member_id":{member},"amount":10}}"#);
    let send = |key: &str, body: &str| {
        request(
            a,
            "POST",
            "/rpc/register_payment",
            Some(&staff),
            Some(body),
            &[("Idempotency-Key", key)],
        )
    };
    let first = send("pay-1", &body);
    assert_eq!(first.status, 200);
    let again = send("pay-1", &body);
    assert_eq!(
        (again.status, again.body.as_str()),
        (200, first.body.as_str())
    );
    assert_eq!(again.header("idempotency-replayed"), Some("true"));
    let other = send("pay-1", &format!(r#"{{"member_id":{member},"amount":11}}"#));
    assert_eq!(
        (other.status, other.json()["code"].clone()),
        (422, json!("DU070"))
    );
    // another caller's key is its own
    let staff2 = s.token(&["--staff"]);
    let r = request(
        a,
        "POST",
        "/rpc/register_payment",
        Some(&staff2),
        Some(&body),
        &[("Idempotency-Key", "pay-1")],
    );
    assert_ne!(r.body, first.body);

    // concurrent requests with one key: the function runs once
    let answers: Vec<Reply> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..8)
            .map(|_| scope.spawn(|| send("pay-2", &body)))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert!(
        answers
            .iter()
            .all(|r| r.status == 200 && r.body == answers[0].body),
        "{answers:?}"
    );
    let balance = get(
        a,
        &format!("/rpc/member_balance?member_id={member}"),
        Some(&staff),
    )
    .json();
    assert_eq!(
        balance[0]["balance"],
        num("30.00"),
        "10 + 10 (other caller) + 10 once for pay-2"
    );
}

#[test]
fn migrations_refresh_the_catalog_and_shutdown_finishes_requests_in_flight() {
    let dir = scratch_dir("refresh");
    copy_stream(&dir);
    let mut s = Server::start_with("refresh", &[], Some(&dir));
    let a = s.addr.clone();
    let staff = s.token(&["--staff"]);
    assert_eq!(
        post(&a, "nap", Some(&staff), r#"{"seconds":0}"#).status,
        404
    );
    std::fs::write(
        dir.join("procs/api/nap.sql"),
        "create function api.nap(seconds float8) returns text language sql security definer set search_path = '' \
         as $$ select pg_catalog.pg_sleep(seconds)::text || 'rested' $$;\n\
         comment on function api.nap(float8) is 'Sleeps: a test function.';\n\
         grant execute on function api.nap(float8) to dues_staff;\n",
    )
    .unwrap();
    let out = dues()
        .args(["migrate"])
        .env("DATABASE_URL", &s.db.url)
        .env("DUES_MIGRATIONS", &dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let started = Instant::now();
    loop {
        let r = post(&a, "nap", Some(&staff), r#"{"seconds":0}"#);
        if r.status == 200 {
            assert_eq!(r.body, "\"rested\"");
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the new function was never served: {}",
            r.body
        );
        std::thread::sleep(Duration::from_millis(100));
    }

    // SIGTERM while a request runs: it is answered, then the server exits cleanly
    let in_flight = {
        let a = a.clone();
        let staff = staff.clone();
        std::thread::spawn(move || post(&a, "nap", Some(&staff), r#"{"seconds":1.5}"#))
    };
    std::thread::sleep(Duration::from_millis(400));
    let status = s.stop().expect("exit status");
    let r = in_flight.join().unwrap();
    assert_eq!((r.status, r.body.as_str()), (200, "\"rested\""));
    assert!(status.success(), "{status:?}");
    assert!(
        std::net::TcpStream::connect(&a).is_err(),
        "no longer listening"
    );
}

#[test]
fn statement_timeout_is_504_and_an_exhausted_pool_is_503() {
    let dir = scratch_dir("limits");
    copy_stream(&dir);
    std::fs::write(
        dir.join("procs/api/nap.sql"),
        "create function api.nap(seconds float8) returns void language sql security definer set search_path = '' \
         as $$ select pg_catalog.pg_sleep(seconds) $$;\n\
         grant execute on function api.nap(float8) to dues_staff;\n",
    )
    .unwrap();
    let s = Server::start_with(
        "limits",
        &[
            "--statement-timeout",
            "1",
            "--pool-size",
            "1",
            "--pool-wait",
            "0.5",
        ],
        Some(&dir),
    );
    let a = s.addr.clone();
    let staff = s.token(&["--staff"]);
    let (slow, busy) = std::thread::scope(|scope| {
        let slow = scope.spawn(|| post(&a, "nap", Some(&staff), r#"{"seconds":3}"#));
        std::thread::sleep(Duration::from_millis(200));
        let busy = post(&a, "nap", Some(&staff), r#"{"seconds":0}"#);
        (slow.join().unwrap(), busy)
    });
    assert_eq!(
        (slow.status, slow.json()["code"].clone()),
        (504, json!("57014")),
        "{}",
        slow.body
    );
    assert_eq!(busy.status, 503, "{}", busy.body);
    // and the pool recovers
    assert_eq!(
        post(&a, "nap", Some(&staff), r#"{"seconds":0}"#).status,
        204
    );
}

#[test]
fn the_openapi_document_validates_as_openapi_3_1() {
    let s = Server::start("openapi");
    let staff = s.token(&["--staff"]);
    for token in [Some(staff.as_str()), None] {
        let doc = get(&s.addr, "/openapi.json", token);
        assert_eq!(doc.status, 200);
        let file = scratch_dir("openapi").join("openapi.json");
        std::fs::write(&file, &doc.body).unwrap();
        let out = std::process::Command::new("python3")
            .args(["-m", "openapi_spec_validator", "--schema", "3.1"])
            .arg(&file)
            .output()
            .expect("python3 (with openapi-spec-validator: pip install openapi-spec-validator)");
        assert!(
            out.status.success(),
            "the document does not validate (pip install openapi-spec-validator if it is missing):\n{}",
            text(&out)
        );
    }
}

#[test]
fn every_call_is_timed_by_stage_in_its_answer_and_in_metrics() {
    let s = Server::start("timing");
    let a = s.addr.as_str();
    let staff = s.token(&["--staff"]);
    let answers = [
        get(a, "/rpc/rule_list", Some(&staff)),
        post(a, "rule_list", Some(&staff), "{}"),
        post(a, "no_such_function", Some(&staff), "{}"),
        post(a, "member_create", Some(&staff), "{\"name\":"),
        post(a, "member_create", Some(&staff), r#"{"name":"x"}"#),
        post(a, "member_balance", Some(&staff), r#"{"member_id":987654}"#),
        request(a, "PUT", "/rpc/rule_list", Some(&staff), Some("{}"), &[]),
        get(a, "/rpc/rule_list", Some("not-a-token")),
    ];
    for r in &answers {
        let timing = r.header("server-timing").unwrap_or_default();
        assert!(
            timing.starts_with("request;dur=") && timing.contains("render;dur="),
            "{} {}: Server-Timing {timing:?}",
            r.status,
            r.body
        );
    }
    let ok = answers[0].header("server-timing").unwrap();
    for stage in ["request", "caller", "plan", "pool", "db", "render"] {
        assert!(ok.contains(&format!("{stage};dur=")), "{ok}");
    }
    for path in ["/health", "/metrics", "/openapi.json", "/nowhere"] {
        let r = get(a, path, None);
        assert!(
            r.header("server-timing")
                .is_some_and(|t| t.starts_with("total;dur=")),
            "{path}: {:?}",
            r.headers
        );
    }
    let metrics = get(a, "/metrics", None).body;
    for stage in ["request", "caller", "plan", "pool", "db", "render"] {
        let count = format!("dues_http_stage_duration_seconds_count{{stage=\"{stage}\"}} ");
        assert!(metrics.contains(&count), "{count} missing:\n{metrics}");
    }
    assert!(
        metrics.contains("dues_http_stage_duration_seconds_bucket{stage=\"db\",le=\"+Inf\"}"),
        "{metrics}"
    );
}

#[test]
fn a_revoked_token_is_refused_within_a_second() {
    let s = Server::start("revoke");
    let a = s.addr.as_str();
    let (ann, _) = member_and_class(&s, "ann@example.org");
    let out = s.dues(&["token", "create", "--member", &ann.to_string()]);
    assert!(out.status.success(), "{}", text(&out));
    let created: Value = serde_json::from_slice(&out.stdout).unwrap();
    let (token, id) = (
        created["token"].as_str().unwrap().to_string(),
        created["token_id"].to_string(),
    );
    let path = format!("/rpc/member_balance?member_id={ann}");
    for _ in 0..3 {
        assert_eq!(get(a, &path, Some(&token)).status, 200);
    }
    let out = s.dues(&["token", "revoke", &id]);
    assert!(out.status.success(), "{}", text(&out));
    // dues trusts the database's word on a token for one second at most
    // (and forgets it sooner when told of the revocation)
    std::thread::sleep(Duration::from_secs(1));
    let r = get(a, &path, Some(&token));
    assert_eq!(
        (r.status, r.json()["code"].clone()),
        (401, json!("28000")),
        "{}",
        r.body
    );
    assert_eq!(
        post(
            a,
            "member_balance",
            Some(&token),
            &format!(r#"{{"member_id":{ann}}}"#)
        )
        .status,
        401
    );
}

#[test]
fn lists_page_by_limit_and_after_and_settings_refuse_what_does_not_fit() {
    let s = Server::start("lists");
    let a = &s.addr;
    let staff = s.token(&["--staff"]);
    let mut ids = Vec::new();
    for i in 0..3 {
        let m = post(
            a,
            "member_create",
            Some(&staff),
            &format!(r#"{{"name":"Lister {i}","email":"lister{i}@example.org"}}"#),
        );
        assert_eq!(m.status, 200, "{}", m.body);
        ids.push(m.json()["id"].as_i64().unwrap());
    }
    // newest first, a page at a time, by GET with a query string
    let page = get(a, "/rpc/member_list?q=LISTER&limit=2", Some(&staff));
    assert_eq!(page.status, 200, "{}", page.body);
    let got: Vec<i64> = page
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_i64().unwrap())
        .collect();
    assert_eq!(got, vec![ids[2], ids[1]]);
    let next = get(
        a,
        &format!("/rpc/member_list?q=lister&limit=2&after={}", ids[1]),
        Some(&staff),
    );
    let got: Vec<i64> = next
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_i64().unwrap())
        .collect();
    assert_eq!(got, vec![ids[0]]);
    // arguments outside the convention are 400s
    for (path, code) in [
        ("/rpc/member_list?limit=0", "DU300"),
        ("/rpc/member_list?limit=501", "DU300"),
        ("/rpc/member_list?after=0", "DU301"),
    ] {
        let r = get(a, path, Some(&staff));
        assert_eq!(r.status, 400, "{path}: {}", r.body);
        assert_eq!(r.json()["code"], code, "{path}");
    }
    let r = get(a, "/rpc/member_list?after=last", Some(&staff));
    assert_eq!(r.status, 400, "a malformed after: {}", r.body);
    // a setting that does not fit its type: 400, naming it and what it expects, nothing changed
    let r = post(
        a,
        "setting_set",
        Some(&staff),
        r#"{"name":"standing_suspend_days","value":"soon"}"#,
    );
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(r.json()["code"], "DU303");
    let message = r.json()["message"].as_str().unwrap().to_string();
    assert!(
        message.contains("standing_suspend_days") && message.contains("whole number"),
        "{message}"
    );
    let settings = get(a, "/rpc/setting_list", Some(&staff)).json();
    let suspend = settings
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "standing_suspend_days")
        .unwrap();
    assert_eq!(suspend["value"], "90");
    // anyone may list the open classes; nobody without a token lists members
    let open = get(a, "/rpc/class_list", None);
    assert_eq!(open.status, 200, "{}", open.body);
    assert_eq!(get(a, "/rpc/member_list", None).status, 404);
}
