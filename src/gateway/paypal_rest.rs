//! PayPal's webhook signature (REST notifications): the message
//! `<PAYPAL-TRANSMISSION-ID>|<PAYPAL-TRANSMISSION-TIME>|<webhook id>|<CRC-32 of
//! the raw body, unsigned decimal>` signed with RSA PKCS#1 v1.5 SHA-256
//! (`PAYPAL-AUTH-ALGO: SHA256withRSA`, signature base64 in
//! `PAYPAL-TRANSMISSION-SIG`) by the certificate at `PAYPAL-CERT-URL`, fetched
//! only from the hosts setting `paypal_cert_hosts` allows, and cached by URL.

use base64::Engine;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

/// Largest certificate read.
const CERT_LIMIT: usize = 64 << 10;
/// Certificates kept in memory (the cache is emptied when full).
const CERTS_KEPT: usize = 64;

/// Why a delivery was not verified.
#[derive(Debug, PartialEq)]
pub enum Failure {
    /// It is not PayPal's (a wrong signature, a certificate from elsewhere).
    Invalid(String),
    /// It cannot be told now (the certificate could not be fetched): try again later.
    Unverifiable(String),
}

/// The public keys of the certificates fetched, by URL.
#[derive(Default)]
pub struct CertCache {
    keys: Mutex<HashMap<String, Vec<u8>>>,
}

/// The text PayPal signs.
pub fn signed_message(transmission_id: &str, time: &str, webhook_id: &str, body: &[u8]) -> String {
    format!(
        "{transmission_id}|{time}|{webhook_id}|{}",
        crc32fast::hash(body)
    )
}

/// Whether `url` is a certificate URL the setting allows: each entry of
/// `hosts` (separated by commas or spaces) is a host over HTTPS on its usual
/// port (`api.paypal.com`, or `*.paypal.com` for any host under paypal.com),
/// or a scheme, host and port (`http://127.0.0.1:8443`) allowed exactly.
pub fn cert_url_allowed(url: &str, hosts: &str) -> bool {
    let Ok(url) = reqwest::Url::parse(url) else {
        return false;
    };
    if !url.username().is_empty() || url.password().is_some() {
        return false;
    }
    let Some(host) = url.host_str().map(str::to_ascii_lowercase) else {
        return false;
    };
    hosts
        .split(|c: char| c == ',' || c.is_whitespace())
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .any(|entry| {
            let entry = entry.to_ascii_lowercase();
            if entry.contains("://") {
                reqwest::Url::parse(&entry).is_ok_and(|allowed| {
                    allowed.scheme() == url.scheme()
                        && allowed.host_str() == Some(host.as_str())
                        && allowed.port_or_known_default() == url.port_or_known_default()
                })
            } else {
                let host_ok = match entry.strip_prefix("*.") {
                    Some(domain) => host.ends_with(&format!(".{domain}")),
                    None => host == entry,
                };
                url.scheme() == "https" && url.port().is_none() && host_ok
            }
        })
}

/// The headers a delivery needs, by lower-case name.
pub struct Transmission<'a> {
    pub id: Option<&'a str>,
    pub time: Option<&'a str>,
    pub signature: Option<&'a str>,
    pub cert_url: Option<&'a str>,
    pub algorithm: Option<&'a str>,
}

impl CertCache {
    /// Verifies a delivery with the webhook id `webhook_id`, fetching the certificate when it is not cached.
    pub async fn verify(
        &self,
        http: &reqwest::Client,
        t: &Transmission<'_>,
        webhook_id: &str,
        hosts: &str,
        body: &[u8],
    ) -> Result<(), Failure> {
        let invalid = |s: &str| Failure::Invalid(s.to_string());
        let (Some(id), Some(time), Some(signature), Some(cert_url)) =
            (t.id, t.time, t.signature, t.cert_url)
        else {
            return Err(invalid(
                "a PAYPAL-TRANSMISSION-ID, -TIME, -SIG or PAYPAL-CERT-URL header is missing",
            ));
        };
        if !t
            .algorithm
            .is_some_and(|a| a.trim().eq_ignore_ascii_case("SHA256withRSA"))
        {
            return Err(invalid("PAYPAL-AUTH-ALGO is not SHA256withRSA"));
        }
        let signature = base64::engine::general_purpose::STANDARD
            .decode(signature.trim())
            .map_err(|_| invalid("PAYPAL-TRANSMISSION-SIG is not base64"))?;
        let cert_url = cert_url.trim();
        if !cert_url_allowed(cert_url, hosts) {
            return Err(Failure::Invalid(format!(
                "certificate URL {cert_url:?} is not on a host setting paypal_cert_hosts allows"
            )));
        }
        let key = self.key(http, cert_url).await?;
        let message = signed_message(id.trim(), time.trim(), webhook_id, body);
        ring::signature::UnparsedPublicKey::new(&ring::signature::RSA_PKCS1_2048_8192_SHA256, &key)
            .verify(message.as_bytes(), &signature)
            .map_err(|_| invalid("the signature does not match"))
    }

    /// The RSA public key (PKCS#1 DER) of the certificate at `url`.
    async fn key(&self, http: &reqwest::Client, url: &str) -> Result<Vec<u8>, Failure> {
        if let Some(k) = self.keys.lock().ok().and_then(|m| m.get(url).cloned()) {
            return Ok(k);
        }
        let resp = http
            .get(url)
            .timeout(Duration::from_secs(20))
            .send()
            .await
            .map_err(|e| Failure::Unverifiable(format!("certificate {url}: {e}")))?;
        let status = resp.status();
        if status.is_server_error() {
            return Err(Failure::Unverifiable(format!(
                "certificate {url}: the server answered {status}"
            )));
        }
        if !status.is_success() {
            return Err(Failure::Invalid(format!(
                "certificate {url}: the server answered {status}"
            )));
        }
        let bytes = super::read_limited(resp, CERT_LIMIT)
            .await
            .map_err(|e| Failure::Unverifiable(format!("certificate {url}: {e}")))?;
        let key =
            public_key(&bytes).map_err(|e| Failure::Invalid(format!("certificate {url}: {e}")))?;
        if let Ok(mut keys) = self.keys.lock() {
            if keys.len() >= CERTS_KEPT {
                keys.clear();
            }
            keys.insert(url.to_string(), key.clone());
        }
        Ok(key)
    }
}

/// The RSA public key of a certificate (PEM, else DER), as ring reads it.
pub fn public_key(cert: &[u8]) -> Result<Vec<u8>, String> {
    use x509_parser::prelude::*;
    let der = if cert.trim_ascii_start().starts_with(b"-----BEGIN") {
        let (_, pem) = x509_parser::pem::parse_x509_pem(cert)
            .map_err(|e| format!("not a PEM certificate: {e}"))?;
        pem.contents
    } else {
        cert.to_vec()
    };
    let (_, parsed) =
        X509Certificate::from_der(&der).map_err(|e| format!("not an X.509 certificate: {e}"))?;
    let spki = parsed.public_key();
    match spki.parsed() {
        Ok(x509_parser::public_key::PublicKey::RSA(_)) => Ok(spki.subject_public_key.data.to_vec()),
        _ => Err("its key is not an RSA key".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signed_message_ends_with_the_bodys_crc32_unsigned() {
        // CRC-32 of "123456789" is the standard check value 0xCBF43926
        assert_eq!(
            signed_message("id", "2026-01-01T00:00:00Z", "WH-1", b"123456789"),
            "id|2026-01-01T00:00:00Z|WH-1|3421780262"
        );
    }

    #[test]
    fn certificates_come_only_from_allowed_hosts() {
        let d = "*.paypal.com";
        assert!(cert_url_allowed(
            "https://api.paypal.com/v1/notifications/certs/CERT-1",
            d
        ));
        assert!(cert_url_allowed("https://API.sandbox.PayPal.com/c", d));
        assert!(
            !cert_url_allowed("http://api.paypal.com/c", d),
            "not over HTTPS"
        );
        assert!(
            !cert_url_allowed("https://api.paypal.com:8443/c", d),
            "another port"
        );
        assert!(!cert_url_allowed("https://paypal.com.evil.example/c", d));
        assert!(!cert_url_allowed("https://evilpaypal.com/c", d));
        assert!(!cert_url_allowed("https://user@api.paypal.com/c", d));
        assert!(!cert_url_allowed("https://127.0.0.1/c", d));
        assert!(!cert_url_allowed("not a url", d));
        let t = "*.paypal.com, http://127.0.0.1:8123";
        assert!(cert_url_allowed("http://127.0.0.1:8123/cert.pem", t));
        assert!(!cert_url_allowed("http://127.0.0.1:8124/cert.pem", t));
        assert!(!cert_url_allowed("https://127.0.0.1:8123/cert.pem", t));
        assert!(!cert_url_allowed("http://127.0.0.1/cert.pem", t));
        assert!(
            !cert_url_allowed("https://api.paypal.com/c", ""),
            "nothing allowed"
        );
    }
}
