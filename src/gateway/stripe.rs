//! Stripe's signature: `Stripe-Signature: t=<unix time>,v1=<hex>[,v1=…]`,
//! each v1 a lower-case hex HMAC-SHA256, keyed with the endpoint's whole
//! secret (`whsec_…`), of `"<t>." + raw body`; one matching v1 (compared in
//! constant time) and a `t` at most the tolerance older than the delivery.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// Checks a delivery received at `received_at` (unix seconds); Err says why it is not Stripe's.
pub fn verify(
    secret: &str,
    header: Option<&str>,
    body: &[u8],
    received_at: i64,
    tolerance: i64,
) -> Result<(), String> {
    let header = header.ok_or("no Stripe-Signature header")?;
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        let Some((key, value)) = part.trim().split_once('=') else {
            continue;
        };
        match key.trim() {
            "t" if timestamp.is_none() => timestamp = Some(value.trim()),
            "v1" => signatures.push(value.trim()),
            _ => {}
        }
    }
    let t = timestamp.ok_or("Stripe-Signature has no timestamp t")?;
    let t_value: i64 = t
        .parse()
        .map_err(|_| "Stripe-Signature's timestamp is not a number".to_string())?;
    if signatures.is_empty() {
        return Err("Stripe-Signature has no v1 signature".into());
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .map_err(|_| "the secret cannot key an HMAC".to_string())?;
    mac.update(t.as_bytes());
    mac.update(b".");
    mac.update(body);
    let matched = signatures.iter().any(|s| {
        hex::decode(s)
            .ok()
            .map(|tag| mac.clone().verify_slice(&tag).is_ok())
            .unwrap_or(false)
    });
    if !matched {
        return Err("no v1 signature matches the body".into());
    }
    if received_at.saturating_sub(t_value) > tolerance {
        return Err(format!(
            "the signature's timestamp is {} s older than the delivery (tolerance {tolerance} s)",
            received_at.saturating_sub(t_value)
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sign(secret: &str, t: i64, body: &[u8]) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(format!("{t}.").as_bytes());
        mac.update(body);
        hex::encode(mac.finalize().into_bytes())
    }

    #[test]
    fn any_v1_may_match_and_the_timestamp_must_be_recent() {
        let (secret, body, t) = ("whsec_test", br#"{"id":"evt_1"}"#.as_slice(), 1_700_000_000);
        let good = sign(secret, t, body);
        let header = format!("t={t},v1={},v1={good},v0=00", "ab".repeat(32));
        assert_eq!(verify(secret, Some(&header), body, t + 10, 300), Ok(()));
        assert!(verify(secret, Some(&header), body, t + 301, 300)
            .unwrap_err()
            .contains("older"));
        assert!(verify("whsec_other", Some(&header), body, t, 300).is_err());
        assert!(verify(secret, Some(&header), b"{\"id\":\"evt_2\"}", t, 300).is_err());
        // the timestamp is part of what is signed
        let moved = format!("t={},v1={good}", t + 1);
        assert!(verify(secret, Some(&moved), body, t, 300).is_err());
        for bad in ["", "t=1", &format!("v1={good}"), "t=x,v1=00", "garbage"] {
            assert!(verify(secret, Some(bad), body, t, 300).is_err(), "{bad}");
        }
        assert!(verify(secret, None, body, t, 300).is_err());
    }
}
