//! Endpoints other systems post to: PayPal's payment notifications and the
//! access checks of door and machine controllers.

use super::render::{self, Body};
use super::server::State;
use crate::api::execute::db_error;
use crate::api::ApiError;
use crate::paypal::{self, Received};
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use std::net::IpAddr;
use tokio_postgres::types::Type;

/// How long a sender of bodies that are no notification for us is asked to wait.
const FOREIGN_RETRY_SECONDS: u64 = 60;

/// `POST /webhooks/paypal`: the raw message is stored and committed before
/// anything else; only then 200. A 503 when it could not be stored, and a
/// 429 when it was not (too many requests from the address, or another body
/// that is not a notification for us within a minute), make PayPal send it
/// again later. Verification and processing follow in the background, from
/// the server's bounded queue when it has room (the message is then stored
/// leased to the server), else by `dues worker` (which also retries).
pub async fn paypal(state: &State, req: Request<Incoming>, peer: IpAddr) -> Response<Body> {
    if let Err(wait) = state.paypal_limiter.admit(peer) {
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
    let body = match super::request::body(req, state.settings.paypal_body_limit).await {
        Ok(b) => b,
        Err(e) => return render::error(&e),
    };
    let headers = serde_json::Value::Object(headers);
    let room = state.ipn_queue.room();
    let leased = room.is_some();
    match paypal::receive(&state.pool, &body, &headers, &peer.to_string(), leased).await {
        Ok(Received::Pending(id)) => {
            tracing::info!(ipn = id, bytes = body.len(), leased, "IPN message stored");
            if let Some(room) = room {
                room.send(id, body);
            }
            render::text(StatusCode::OK, "text/plain", String::new())
        }
        Ok(Received::Rejected(id)) => {
            tracing::info!(ipn = id, bytes = body.len(), %peer, "a body that is no notification for us stored as rejected");
            render::text(StatusCode::OK, "text/plain", String::new())
        }
        Ok(Received::NotStored) => {
            render::error(&ApiError::ForeignNotification(FOREIGN_RETRY_SECONDS))
        }
        Err(e) => {
            tracing::error!(error = %e, "IPN message NOT stored; answering 503 so that PayPal resends it");
            render::error(&ApiError::Unavailable(
                "the message could not be stored".into(),
            ))
        }
    }
}

/// `POST /access/check` from a door or machine controller: the exact body and
/// its `X-Signature` (hex HMAC-SHA256 with the device's key) go to SQL, which
/// decides, logs and answers `{"granted", "reason"}`.
pub async fn access_check(
    state: &State,
    req: Request<Incoming>,
    request_id: &str,
) -> Response<Body> {
    let signature = req
        .headers()
        .get("x-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .trim()
        .to_string();
    let body = match super::request::body(req, 64 * 1024).await {
        Ok(b) => b,
        Err(e) => return render::error(&e),
    };
    let Ok(body) = String::from_utf8(body) else {
        return render::error(&ApiError::NotUtf8);
    };
    let catalog = state.live.catalog();
    let client = match crate::pool::operator(&state.pool).await {
        Ok(c) => c,
        Err(crate::pool::OperatorError::Pool(e)) => {
            return render::error(&super::rpc::pool_error(e))
        }
        Err(crate::pool::OperatorError::Db(e)) => {
            return render::error(&db_error(e, &catalog, true, request_id))
        }
    };
    match client
        .query_typed_one(
            "select dues.access_check($1, $2, now())::text",
            &[(&body, Type::TEXT), (&signature, Type::TEXT)],
        )
        .await
    {
        Ok(row) => render::text(StatusCode::OK, "application/json", row.get(0)),
        Err(e) => render::error(&db_error(e, &catalog, true, request_id)),
    }
}
