//! `POST /webhooks/stripe`, `/webhooks/gocardless`, `/webhooks/paypal-rest`:
//! the delivery is stored and committed first (503 when it could not be),
//! then verified at once; the answer says what the provider must know: 2xx
//! once the signature is valid (its events are kept and processed, whatever
//! becomes of them), 400 (GoCardless: 498) when it is not, 503 when it could
//! not be verified now (the provider sends it again; `dues worker` verifies
//! the stored copy too).

use super::render::{self, Body};
use super::server::State;
use crate::api::ApiError;
use crate::gateway::{self, Outcome, Provider};
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use std::net::IpAddr;

pub async fn receive(
    state: &State,
    req: Request<Incoming>,
    peer: IpAddr,
    provider: Provider,
) -> Response<Body> {
    if let Err(wait) = state.webhook_limiter.admit(peer) {
        return render::error(&ApiError::RateLimited(wait));
    }
    let headers: serde_json::Map<String, serde_json::Value> = req
        .headers()
        .iter()
        .map(|(k, v)| {
            let v = String::from_utf8_lossy(v.as_bytes()).into_owned();
            (k.as_str().to_string(), v.into())
        })
        .collect();
    let body = match super::request::body(req, state.settings.body_limit).await {
        Ok(b) => b,
        Err(e) => return render::error(&e),
    };
    let headers = serde_json::Value::Object(headers);
    let id = match gateway::receive(&state.pool, provider, &body, &headers, &peer.to_string()).await
    {
        Ok(id) => id,
        Err(e) => {
            tracing::error!(provider = provider.name(), error = %e, "webhook NOT stored; answering 503 so that the provider resends it");
            return render::error(&ApiError::Unavailable(
                "the delivery could not be stored".into(),
            ));
        }
    };
    tracing::info!(
        provider = provider.name(),
        webhook = id,
        bytes = body.len(),
        "webhook stored"
    );
    let outcome = match state.gateway.verify_stored(&state.pool, id).await {
        Ok(outcome) => outcome,
        Err(e) => {
            tracing::warn!(webhook = id, error = %e, "webhook stored, not verified now: the worker verifies it");
            return render::error(&ApiError::WebhookNotVerified);
        }
    };
    gateway::log(id, &outcome);
    match outcome {
        Outcome::Verified(_) if gateway::waits(&outcome) => {
            // its events wait for the provider's API: read it now rather than at the worker's next round
            let (pool, gw) = (state.pool.clone(), state.gateway.clone());
            tokio::spawn(async move {
                if let Err(e) = gw.fetch_pending(&pool, 20).await {
                    tracing::warn!(error = %e, "provider resources not fetched; the worker retries");
                }
            });
            accepted(provider)
        }
        Outcome::Verified(_) => accepted(provider),
        Outcome::Invalid(_) if provider == Provider::GoCardless => {
            render::error(&ApiError::GoCardlessSignature)
        }
        Outcome::Invalid(_) => render::error(&ApiError::WebhookSignature),
        Outcome::Unverifiable(_) => render::error(&ApiError::WebhookNotVerified),
    }
}

/// GoCardless expects 204; Stripe and PayPal any 2xx.
fn accepted(provider: Provider) -> Response<Body> {
    if provider == Provider::GoCardless {
        let mut r = Response::new(Full::new(Bytes::new()));
        *r.status_mut() = StatusCode::NO_CONTENT;
        r
    } else {
        render::text(
            StatusCode::OK,
            "application/json",
            r#"{"received":true}"#.into(),
        )
    }
}
