//! `POST /access/check` from a door controller: a signed request is decided,
//! logged and answered; a bad signature or a replayed nonce is refused.

mod common;

use common::*;
use sha2::{Digest, Sha256};

/// HMAC-SHA256 (RFC 2104), hex: what a controller computes over the exact body.
fn sign(key: &[u8], body: &str) -> String {
    let mut k = [0u8; 64];
    if key.len() > 64 {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let pad = |b: u8| k.iter().map(|x| x ^ b).collect::<Vec<u8>>();
    let inner = Sha256::new()
        .chain_update(pad(0x36))
        .chain_update(body.as_bytes())
        .finalize();
    let outer = Sha256::new()
        .chain_update(pad(0x5c))
        .chain_update(inner)
        .finalize();
    outer.iter().map(|b| format!("{b:02x}")).collect()
}

fn check(s: &Server, key: &str, body: &str) -> Reply {
    let sig = sign(key.as_bytes(), body);
    request(
        &s.addr,
        "POST",
        "/access/check",
        None,
        Some(body),
        &[("X-Signature", &sig)],
    )
}

#[test]
fn a_signed_request_is_decided_and_logged_and_forgeries_are_refused() {
    let s = Server::start("access");
    let call = |args: &[&str]| -> serde_json::Value {
        let mut all = vec!["call"];
        all.extend_from_slice(args);
        let out = s.dues(&all);
        assert!(out.status.success(), "{args:?}: {}", text(&out));
        serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null)
    };
    let ann = call(&["member_create", "name=Ann", "email=ann@example.org"])["id"].to_string();
    let bob = call(&["member_create", "name=Bob", "email=bob@example.org"])["id"].to_string();
    let door = call(&["item_create", "name=front_door"])["id"].to_string();
    let device = call(&[
        "device_create",
        "name=front_controller",
        "secret_key=s3cret-key-of-the-front-door",
    ]);
    let key = device["secret_key"]
        .as_str()
        .unwrap_or("s3cret-key-of-the-front-door")
        .to_string();
    let members_group = query_text(
        &s.db.url,
        "select id from dues.\"group\" where key = 'members'",
    );
    call(&[
        "access_grant",
        &format!("group_id={members_group}"),
        &format!("item_id={door}"),
    ]);
    call(&[
        "group_add",
        &format!("member_id={ann}"),
        &format!("group_id={members_group}"),
    ]);
    call(&["badge_assign", &format!("member_id={ann}"), "number=0042"]);
    call(&["badge_assign", &format!("member_id={bob}"), "number=0043"]);

    let body = |badge: &str, nonce: &str| {
        format!(
            r#"{{"device":"front_controller","item":"front_door","badge":"{badge}","nonce":"{nonce}"}}"#
        )
    };
    let r = check(&s, &key, &body("0042", "n-1"));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["granted"], serde_json::json!(true), "{}", r.body);
    let r = check(&s, &key, &body("0043", "n-2"));
    assert_eq!(
        (r.status, r.json()["granted"].clone()),
        (200, serde_json::json!(false)),
        "{}",
        r.body
    );
    assert_eq!(r.json()["reason"], serde_json::json!("no_grant"));
    let r = check(&s, &key, &body("9999", "n-3"));
    assert_eq!(
        r.json()["reason"],
        serde_json::json!("unknown_badge"),
        "{}",
        r.body
    );

    // a replayed request, a wrong key, a body changed after signing
    let replay = check(&s, &key, &body("0042", "n-1"));
    assert_eq!(replay.status, 409, "{}", replay.body);
    let forged = check(&s, "not-the-key", &body("0042", "n-4"));
    assert_eq!(forged.status, 401, "{}", forged.body);
    let sig = sign(key.as_bytes(), &body("0043", "n-5"));
    let tampered = request(
        &s.addr,
        "POST",
        "/access/check",
        None,
        Some(&body("0042", "n-5")),
        &[("X-Signature", &sig)],
    );
    assert_eq!(tampered.status, 401, "{}", tampered.body);
    let unsigned = request(
        &s.addr,
        "POST",
        "/access/check",
        None,
        Some(&body("0042", "n-6")),
        &[],
    );
    assert_eq!(unsigned.status, 401, "{}", unsigned.body);

    // every decision is logged, unknown badges included; refusals of the request itself are not decisions
    assert_eq!(
        query_text(&s.db.url, "select count(*) from dues.access_log"),
        "3"
    );
    assert_eq!(
        query_text(
            &s.db.url,
            "select string_agg(granted::text, ',' order by id) from dues.access_log"
        ),
        "true,false,false"
    );
}
