//! GoCardless: the signature (`Webhook-Signature: <hex HMAC-SHA256 of the raw
//! body with the endpoint's secret>`, compared in constant time), and reading
//! the resources events wait for from its API (events name a payment, not its
//! amount).

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use std::time::Duration;

/// Checks a delivery; Err says why it is not GoCardless'.
pub fn verify(secret: &str, header: Option<&str>, body: &[u8]) -> Result<(), String> {
    let header = header.ok_or("no Webhook-Signature header")?.trim();
    let tag = hex::decode(header).map_err(|_| "Webhook-Signature is not hex")?;
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .map_err(|_| "the secret cannot key an HMAC".to_string())?;
    mac.update(body);
    mac.verify_slice(&tag)
        .map_err(|_| "Webhook-Signature does not match the body".to_string())
}

/// What the API answered for a resource.
#[derive(Debug)]
pub enum Fetched {
    Found(serde_json::Value),
    /// The API does not know it (404).
    Unknown,
}

/// Largest answer read from the API.
const LIMIT: usize = 1 << 20;

/// `GET {base}/{path}` with the access token; Err is why it could not be read (to retry later).
pub async fn fetch(
    http: &reqwest::Client,
    base: &str,
    key: &str,
    path: &str,
) -> Result<Fetched, String> {
    if key.is_empty() {
        return Err("setting gocardless_api_key is not set".into());
    }
    if !(base.starts_with("https://") || base.starts_with("http://")) {
        return Err(format!(
            "setting gocardless_api_url {base:?} is not an http(s) URL"
        ));
    }
    let url = format!("{base}/{path}");
    let resp = http
        .get(&url)
        .bearer_auth(key)
        .header("GoCardless-Version", "2015-07-06")
        .header("Accept", "application/json")
        .timeout(Duration::from_secs(20))
        .send()
        .await
        .map_err(|e| format!("{url}: {}", without_url(&e)))?;
    let status = resp.status();
    if status == reqwest::StatusCode::NOT_FOUND {
        return Ok(Fetched::Unknown);
    }
    if !status.is_success() {
        return Err(format!("{url} answered {status}"));
    }
    let bytes = super::read_limited(resp, LIMIT)
        .await
        .map_err(|e| format!("{url}: {e}"))?;
    serde_json::from_slice(&bytes)
        .map(Fetched::Found)
        .map_err(|e| format!("{url} answered no JSON: {e}"))
}

/// A reqwest error's text without the URL it repeats.
fn without_url(e: &reqwest::Error) -> String {
    let mut s = e.to_string();
    if let Some(url) = e.url() {
        s = s
            .replace(&format!(" ({url})"), "")
            .replace(url.as_str(), "");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_the_hmac_of_the_body() {
        let body = br#"{"events":[{"id":"EV1"}]}"#;
        let mut mac = Hmac::<Sha256>::new_from_slice(b"secret").unwrap();
        mac.update(body);
        let good = hex::encode(mac.finalize().into_bytes());
        assert_eq!(verify("secret", Some(&good), body), Ok(()));
        assert_eq!(verify("secret", Some(&format!(" {good}\n")), body), Ok(()));
        assert!(verify("other", Some(&good), body).is_err());
        assert!(verify("secret", Some(&good), b"{}").is_err());
        assert!(verify("secret", Some(&good[..62]), body).is_err());
        assert!(verify("secret", Some("zz"), body).is_err());
        assert!(verify("secret", None, body).is_err());
    }
}
