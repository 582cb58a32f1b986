//! Payment providers' webhooks (Stripe, GoCardless, PayPal's REST
//! notifications): storing a delivery as received (committed before it is
//! answered), verifying its signature as each provider specifies, recording
//! the verdict in SQL (`dues.webhook_verified`, which keeps and processes its
//! events), and reading from a provider's API what events wait for. What an
//! event means is decided in SQL; secrets are read from settings and never
//! logged or answered.

mod fetch;
pub mod gocardless;
pub mod paypal_rest;
pub mod stripe;

use crate::pool::{operator, OperatorError, Pool};
use std::collections::HashMap;
use std::time::Duration;
use tokio_postgres::types::{Json, Type};

/// A provider that posts webhooks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provider {
    Stripe,
    GoCardless,
    PayPal,
}

impl Provider {
    /// Its name in SQL (`dues.webhook_message.provider`).
    pub fn name(self) -> &'static str {
        match self {
            Provider::Stripe => "stripe",
            Provider::GoCardless => "gocardless",
            Provider::PayPal => "paypal",
        }
    }

    pub fn from_name(name: &str) -> Option<Provider> {
        match name {
            "stripe" => Some(Provider::Stripe),
            "gocardless" => Some(Provider::GoCardless),
            "paypal" => Some(Provider::PayPal),
            _ => None,
        }
    }

    /// The write-only setting that holds what verifies its signatures.
    pub fn secret_setting(self) -> &'static str {
        match self {
            Provider::Stripe => "stripe_webhook_secret",
            Provider::GoCardless => "gocardless_webhook_secret",
            Provider::PayPal => "paypal_webhook_key",
        }
    }
}

/// What went wrong talking to the database.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Database(#[from] OperatorError),
    #[error("webhook {0} not found")]
    NotFound(i64),
}

impl From<tokio_postgres::Error> for Error {
    fn from(e: tokio_postgres::Error) -> Error {
        Error::Database(OperatorError::Db(e))
    }
}

/// What became of a stored delivery.
#[derive(Debug)]
pub enum Outcome {
    /// Its signature is valid: `dues.webhook_verified`'s summary (state, events with their states).
    Verified(serde_json::Value),
    /// Its signature is not valid (why); it has no effect.
    Invalid(String),
    /// It could not be verified now (why: its secret is unset, the certificate could not be fetched); tried again later.
    Unverifiable(String),
}

/// The HTTP client and the certificates fetched, shared by a process.
pub struct Gateway {
    http: reqwest::Client,
    certs: paypal_rest::CertCache,
}

impl Gateway {
    pub fn new() -> Result<Gateway, reqwest::Error> {
        Ok(Gateway {
            // a certificate URL is checked before it is fetched: no redirect may take the fetch elsewhere
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(Duration::from_secs(30))
                .build()?,
            certs: paypal_rest::CertCache::default(),
        })
    }

    /// Verifies a stored delivery and records the verdict (for a valid one, its events are kept and processed).
    /// No database connection is held while a certificate is fetched.
    pub async fn verify_stored(&self, pool: &Pool, id: i64) -> Result<Outcome, Error> {
        let (provider, body, headers, received_at, settings) = {
            let client = operator(pool).await?;
            let row = client
                .query_typed_opt(
                    "select provider, body, headers, extract(epoch from received_at)::bigint \
                     from dues.webhook_message where id = $1",
                    &[(&id, Type::INT8)],
                )
                .await?
                .ok_or(Error::NotFound(id))?;
            let provider: String = row.get(0);
            let provider = Provider::from_name(&provider).ok_or(Error::NotFound(id))?;
            let names = vec![
                provider.secret_setting(),
                "stripe_webhook_tolerance_seconds",
                "paypal_cert_hosts",
            ];
            let settings: HashMap<String, String> = client
                .query_typed(
                    "select name, btrim(value) from dues.setting where name = any($1)",
                    &[(&names, Type::TEXT_ARRAY)],
                )
                .await?
                .iter()
                .map(|r| (r.get(0), r.get(1)))
                .collect();
            let headers: serde_json::Value = row.get::<_, Json<serde_json::Value>>(2).0;
            (
                provider,
                row.get::<_, Vec<u8>>(1),
                headers,
                row.get::<_, i64>(3),
                settings,
            )
        };
        let verdict = self
            .verify(provider, &body, &headers, received_at, &settings)
            .await;
        let client = operator(pool).await?;
        Ok(match verdict {
            Verdict::Valid => {
                let summary: String = client
                    .query_typed_one(
                        "select dues.webhook_verified($1, true)::text",
                        &[(&id, Type::INT8)],
                    )
                    .await?
                    .get(0);
                Outcome::Verified(serde_json::from_str(&summary).unwrap_or_default())
            }
            Verdict::Invalid(why) => {
                client
                    .execute_typed(
                        "select dues.webhook_verified($1, false, $2)",
                        &[(&id, Type::INT8), (&why, Type::TEXT)],
                    )
                    .await?;
                Outcome::Invalid(why)
            }
            Verdict::Unverifiable(why) => {
                client
                    .execute_typed(
                        "select dues.webhook_verification_failed($1, $2, now())",
                        &[(&id, Type::INT8), (&why, Type::TEXT)],
                    )
                    .await?;
                Outcome::Unverifiable(why)
            }
        })
    }

    async fn verify(
        &self,
        provider: Provider,
        body: &[u8],
        headers: &serde_json::Value,
        received_at: i64,
        settings: &HashMap<String, String>,
    ) -> Verdict {
        let secret = settings
            .get(provider.secret_setting())
            .map(String::as_str)
            .unwrap_or("");
        if secret.is_empty() {
            return Verdict::Unverifiable(format!(
                "setting {} is not set",
                provider.secret_setting()
            ));
        }
        let header = |name: &str| headers.get(name).and_then(|v| v.as_str());
        let checked = match provider {
            Provider::Stripe => {
                let tolerance = settings
                    .get("stripe_webhook_tolerance_seconds")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(300);
                stripe::verify(
                    secret,
                    header("stripe-signature"),
                    body,
                    received_at,
                    tolerance,
                )
            }
            Provider::GoCardless => gocardless::verify(secret, header("webhook-signature"), body),
            Provider::PayPal => {
                let transmission = paypal_rest::Transmission {
                    id: header("paypal-transmission-id"),
                    time: header("paypal-transmission-time"),
                    signature: header("paypal-transmission-sig"),
                    cert_url: header("paypal-cert-url"),
                    algorithm: header("paypal-auth-algo"),
                };
                let hosts = settings
                    .get("paypal_cert_hosts")
                    .map(String::as_str)
                    .unwrap_or("");
                match self
                    .certs
                    .verify(&self.http, &transmission, secret, hosts, body)
                    .await
                {
                    Ok(()) => Ok(()),
                    Err(paypal_rest::Failure::Invalid(why)) => Err(why),
                    Err(paypal_rest::Failure::Unverifiable(why)) => {
                        return Verdict::Unverifiable(why)
                    }
                }
            }
        };
        match checked {
            Ok(()) => Verdict::Valid,
            Err(why) => Verdict::Invalid(why),
        }
    }

    /// Verifies the deliveries that wait for it (claimed in SQL, so two processes never take the same one); returns how many.
    pub async fn process_pending(&self, pool: &Pool, batch: i32) -> Result<usize, Error> {
        let ids: Vec<i64> = {
            let client = operator(pool).await?;
            client
                .query_typed(
                    "select id from dues.webhook_pending(now(), $1)",
                    &[(&batch, Type::INT4)],
                )
                .await?
                .iter()
                .map(|r| r.get(0))
                .collect()
        };
        for &id in &ids {
            match self.verify_stored(pool, id).await {
                Ok(outcome) => log(id, &outcome),
                Err(e) => {
                    tracing::warn!(webhook = id, error = %e, "webhook not verified; it stays for a retry")
                }
            }
        }
        Ok(ids.len())
    }
}

enum Verdict {
    Valid,
    Invalid(String),
    Unverifiable(String),
}

/// Stores a delivery as it came, from `sender`; committed on return.
pub async fn receive(
    pool: &Pool,
    provider: Provider,
    body: &[u8],
    headers: &serde_json::Value,
    sender: &str,
) -> Result<i64, Error> {
    let client = operator(pool).await?;
    Ok(client
        .query_typed_one(
            "select dues.webhook_intake($1, $2::bytea, $3::jsonb, $4::text)",
            &[
                (&provider.name(), Type::TEXT),
                (&body, Type::BYTEA),
                (&Json(headers), Type::JSONB),
                (&sender, Type::TEXT),
            ],
        )
        .await?
        .get(0))
}

/// Logs what became of a delivery and its events (never a secret: only states and the reasons SQL gave).
pub fn log(id: i64, outcome: &Outcome) {
    match outcome {
        Outcome::Verified(summary) => {
            let events = summary["events"].as_array().cloned().unwrap_or_default();
            for e in &events {
                let (event, kind, state) = (&e["event_id"], &e["type"], &e["state"]);
                if e["duplicate"].as_bool() == Some(true) {
                    tracing::info!(webhook = id, %event, %kind, %state, "webhook event delivered again: nothing more");
                } else if state == "ignored" {
                    tracing::info!(webhook = id, %event, %kind, "webhook event type not handled: stored, no effect");
                } else {
                    tracing::info!(webhook = id, %event, %kind, %state, "webhook event processed");
                }
            }
            if events.is_empty() {
                tracing::warn!(webhook = id, state = %summary["state"], note = %summary["note"], "webhook delivery without events");
            }
        }
        Outcome::Invalid(why) => {
            tracing::warn!(webhook = id, why = %why, "webhook signature not valid: stored as invalid, no effect")
        }
        Outcome::Unverifiable(why) => tracing::warn!(
            webhook = id,
            why = %why,
            "webhook stored but not verified; it is verified again later"
        ),
    }
}

/// Whether any event of a verified delivery waits for a resource of the provider's API.
pub fn waits(outcome: &Outcome) -> bool {
    matches!(outcome, Outcome::Verified(s)
        if s["events"].as_array().is_some_and(|e| e.iter().any(|e| e["state"] == "waiting")))
}

/// A response's body, refused past `limit` bytes.
async fn read_limited(mut resp: reqwest::Response, limit: usize) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(|e| e.to_string())? {
        if out.len() + chunk.len() > limit {
            return Err(format!("the answer is larger than {limit} bytes"));
        }
        out.extend_from_slice(&chunk);
    }
    Ok(out)
}
