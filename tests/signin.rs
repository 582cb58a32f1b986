//! Signing in and applying over HTTP: codes read from the outbox as the
//! mail would carry them, sessions used and ended, one answer for every
//! refused code and for known and unknown addresses, and the rate limits'
//! 429 with Retry-After (per client address behind a trusted proxy).

mod common;

use common::*;
use serde_json::{json, Value};
use std::time::Duration;

/// `dues call` as staff; its JSON answer.
fn staff_call(s: &Server, args: &[&str]) -> Value {
    let mut all = vec!["call"];
    all.extend_from_slice(args);
    let out = s.dues(&all);
    assert!(out.status.success(), "dues {all:?}: {}", text(&out));
    serde_json::from_slice(&out.stdout).unwrap_or(Value::Null)
}

/// The code of the newest message queued to an address (`template`: signin_code or application_code).
fn mailed_code(s: &Server, template: &str, address: &str) -> String {
    let code = query_value(
        &s.db.url,
        &format!(
            "select data ->> 'code' from dues.outbox where template = '{template}' and recipient = '{address}' \
             order by id desc limit 1"
        ),
    );
    assert_eq!(code.len(), 6, "a 6-digit code was queued to {address}");
    code
}

/// A POST from a client address, as a trusted proxy forwards it.
fn post_from(a: &str, client: &str, name: &str, body: &str) -> Reply {
    request(
        a,
        "POST",
        &format!("/rpc/{name}"),
        None,
        Some(body),
        &[("X-Forwarded-For", &format!("198.51.100.1, {client}"))],
    )
}

#[test]
fn a_member_applies_signs_in_reads_its_own_record_and_signs_out() {
    let s = Server::start("signin");
    let a = s.addr.as_str();
    let applied = post(
        a,
        "membership_apply",
        None,
        r#"{"name":"Ann Applicant","email":"ann@example.org"}"#,
    );
    assert_eq!(
        (applied.status, applied.json()),
        (200, json!({"sent": true})),
        "{}",
        applied.body
    );
    let code = mailed_code(&s, "application_code", "ann@example.org");
    let session = post(
        a,
        "signin_complete",
        None,
        &format!(r#"{{"email":"ann@example.org","code":"{code}"}}"#),
    );
    assert_eq!(session.status, 200, "{}", session.body);
    let session = session.json();
    let (token, ann) = (
        session["token"].as_str().unwrap().to_string(),
        session["member_id"].as_i64().unwrap(),
    );
    assert_eq!(session["role"], json!("member"));
    assert!(session["expires_at"].is_string(), "{session}");

    // the session reads the member's own record, not another's
    let own = get(a, &format!("/rpc/member_get?member_id={ann}"), Some(&token));
    assert_eq!(own.status, 200, "{}", own.body);
    assert_eq!(
        own.json()["email"],
        json!("ann@example.org"),
        "{}",
        own.body
    );
    let bob = staff_call(&s, &["member_create", "name=Bob", "email=bob@example.org"])["id"]
        .as_i64()
        .unwrap();
    let other = get(a, &format!("/rpc/member_get?member_id={bob}"), Some(&token));
    let missing = get(a, "/rpc/member_get?member_id=999999", Some(&token));
    assert_eq!((other.status, missing.status), (403, 403), "{}", other.body);
    assert_eq!(other.json()["code"], missing.json()["code"]);
    let staff_only = get(a, "/rpc/member_list", Some(&token));
    assert_eq!(staff_only.status, 404, "{}", staff_only.body);

    // staff see the session among the member's tokens
    let tokens = staff_call(&s, &["token_list", &format!("member_id={ann}")]);
    assert_eq!(tokens[0]["label"], json!("session"), "{tokens}");

    // signing out ends the session
    let out = post(a, "signout", Some(&token), "{}");
    assert_eq!(out.status, 204, "{}", out.body);
    // dues trusts the database's word on a token for one second at most
    std::thread::sleep(Duration::from_secs(1));
    let after = get(a, &format!("/rpc/member_get?member_id={ann}"), Some(&token));
    assert_eq!(after.status, 401, "{}", after.body);
}

#[test]
fn codes_are_refused_alike_addresses_are_not_told_apart_and_requests_are_limited() {
    let s = Server::start_with("signin_limits", &["--trusted-proxy"], None);
    let a = s.addr.as_str();
    staff_call(&s, &["member_create", "name=Cat", "email=cat@example.org"]);

    // an anonymous caller learns nothing about an address
    let known = post_from(
        a,
        "203.0.113.1",
        "signin_request",
        r#"{"email":"cat@example.org"}"#,
    );
    let unknown = post_from(
        a,
        "203.0.113.1",
        "signin_request",
        r#"{"email":"nobody@example.org"}"#,
    );
    assert_eq!((known.status, &known.body), (unknown.status, &unknown.body));
    assert_eq!(known.status, 200, "{}", known.body);
    let applied_known = post_from(
        a,
        "203.0.113.1",
        "membership_apply",
        r#"{"name":"Cat","email":"cat@example.org"}"#,
    );
    let applied_unknown = post_from(
        a,
        "203.0.113.1",
        "membership_apply",
        r#"{"name":"Dan","email":"dan@example.org"}"#,
    );
    assert_eq!(
        (applied_known.status, &applied_known.body),
        (applied_unknown.status, &applied_unknown.body)
    );

    // five wrong codes void the right one; every refusal is the same 401
    let code = mailed_code(&s, "signin_code", "cat@example.org");
    let wrong = format!("{:06}", (code.parse::<u32>().unwrap() + 1) % 1_000_000);
    let complete = |email: &str, code: &str| {
        post_from(
            a,
            "203.0.113.2",
            "signin_complete",
            &format!(r#"{{"email":"{email}","code":"{code}"}}"#),
        )
    };
    let first = complete("cat@example.org", &wrong);
    assert_eq!(
        (first.status, first.json()["code"].clone()),
        (401, json!("DU400")),
        "{}",
        first.body
    );
    for _ in 1..5 {
        let r = complete("cat@example.org", &wrong);
        assert_eq!((r.status, &r.body), (401, &first.body));
    }
    let right = complete("cat@example.org", &code);
    assert_eq!((right.status, &right.body), (401, &first.body));
    let nobody = complete("nobody@example.org", &code);
    assert_eq!((nobody.status, &nobody.body), (401, &first.body));

    // per address: the sixth request in an hour is a 429 saying when to retry
    let mut limited = None;
    for i in 0..6 {
        let r = post_from(
            a,
            &format!("203.0.113.{}", 10 + i),
            "signin_request",
            r#"{"email":"cat@example.org"}"#,
        );
        if r.status != 200 {
            limited = Some(r);
            break;
        }
    }
    let limited = limited.expect("a 429 within six requests of an address");
    assert_eq!(
        (limited.status, limited.json()["code"].clone()),
        (429, json!("DU401")),
        "{}",
        limited.body
    );
    let retry: u64 = limited
        .header("retry-after")
        .expect("Retry-After")
        .parse()
        .unwrap();
    assert!((1..=3600).contains(&retry), "Retry-After: {retry}");

    // per client address (the last hop of X-Forwarded-For behind a trusted proxy)
    staff_call(
        &s,
        &["setting_set", "name=signin_requests_per_client", "value=3"],
    );
    for i in 0..3 {
        let r = post_from(
            a,
            "192.0.2.50",
            "signin_request",
            &format!(r#"{{"email":"x{i}@example.org"}}"#),
        );
        assert_eq!(r.status, 200, "{}", r.body);
    }
    let r = post_from(
        a,
        "192.0.2.50",
        "signin_request",
        r#"{"email":"x9@example.org"}"#,
    );
    assert_eq!(r.status, 429, "{}", r.body);
    assert!(r.header("retry-after").is_some());
    let r = post_from(
        a,
        "192.0.2.51",
        "signin_request",
        r#"{"email":"x9@example.org"}"#,
    );
    assert_eq!(r.status, 200, "another client is not limited: {}", r.body);
    assert_eq!(
        query_value(
            &s.db.url,
            "select client_address from dues.signin_code where email = 'x9@example.org'"
        ),
        "192.0.2.51"
    );
}

#[test]
fn a_member_of_group_staff_signs_in_to_a_staff_session() {
    let s = Server::start("signin_staff");
    let a = s.addr.as_str();
    let eve = staff_call(&s, &["member_create", "name=Eve", "email=eve@example.org"])["id"]
        .as_i64()
        .unwrap();
    let staff_group = query_value(
        &s.db.url,
        "select id from dues.\"group\" where key = 'staff'",
    );
    staff_call(
        &s,
        &[
            "group_add",
            &format!("member_id={eve}"),
            &format!("group_id={staff_group}"),
        ],
    );
    let r = post(a, "signin_request", None, r#"{"email":"eve@example.org"}"#);
    assert_eq!(r.status, 200, "{}", r.body);
    let code = mailed_code(&s, "signin_code", "eve@example.org");
    let session = post(
        a,
        "signin_complete",
        None,
        &format!(r#"{{"email":"eve@example.org","code":"{code}"}}"#),
    )
    .json();
    assert_eq!(
        (session["role"].clone(), session["member_id"].as_i64()),
        (json!("staff"), Some(eve)),
        "{session}"
    );
    let list = get(a, "/rpc/member_list", session["token"].as_str());
    assert_eq!(list.status, 200, "staff rights: {}", list.body);
}
