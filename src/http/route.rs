//! One request: its id, the endpoint it goes to, its log line and its count.

use super::render::{self, Body};
use super::server::State;
use crate::api::ApiError;
use crate::gateway::Provider;
use hyper::body::Incoming;
use hyper::header::HeaderValue;
use hyper::{Method, Request, Response};
use std::net::SocketAddr;
use std::time::Instant;

/// Answers one request.
pub async fn handle(state: &State, req: Request<Incoming>, peer: SocketAddr) -> Response<Body> {
    let started = Instant::now();
    let given = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok());
    let request_id = state.request_id(given);
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let (label, response) = route(state, req, peer, &request_id).await;
    // the pages' security headers go with every answer (nosniff matters for JSON too)
    let mut response = super::web::secure(response);
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert("x-request-id", v);
    }
    let took = started.elapsed();
    if !response.headers().contains_key("server-timing") {
        // the endpoints that are not calls are one stage
        let us = took.as_micros();
        let timing = format!("total;dur={}.{:03}", us / 1000, us % 1000);
        if let Ok(v) = HeaderValue::from_str(&timing) {
            response.headers_mut().insert("server-timing", v);
        }
    }
    let status = response.status().as_u16();
    state.metrics.record(&label, status, took);
    // as PostgREST does: every request at debug, a refusal at info, a failure at warn
    let ms = took.as_secs_f64() * 1000.0;
    match status {
        500.. => {
            tracing::warn!(%method, %path, function = %label, status, ms, request_id, "request")
        }
        400.. => {
            tracing::info!(%method, %path, function = %label, status, ms, request_id, "request")
        }
        _ => tracing::debug!(%method, %path, function = %label, status, ms, request_id, "request"),
    }
    response
}

/// Picks the endpoint; returns the metrics label and the response.
async fn route(
    state: &State,
    req: Request<Incoming>,
    peer: SocketAddr,
    request_id: &str,
) -> (String, Response<Body>) {
    let path = req.uri().path().to_string();
    let (get, post) = (req.method() == Method::GET, req.method() == Method::POST);
    let head = req.method() == Method::HEAD;
    match path.as_str() {
        "/session" if post => (
            "(signin)".into(),
            super::web::signin(state, req, peer.ip(), request_id).await,
        ),
        "/session" if get => (
            "(session)".into(),
            super::web::whoami(state, req, request_id).await,
        ),
        "/session/end" if post => (
            "(signout)".into(),
            super::web::signout(state, req, peer.ip(), request_id).await,
        ),
        p if (get || head) && super::web::is_page(p) => ("(page)".into(), super::web::serve(&req)),
        "/health" if get => ("(health)".into(), super::admin::health(state).await),
        "/metrics" if get => ("(metrics)".into(), super::admin::metrics(state, &req)),
        "/openapi.json" if get => (
            "(openapi)".into(),
            super::openapi::serve(state, &req, request_id).await,
        ),
        "/webhooks/paypal" if post => (
            "(paypal)".into(),
            super::webhooks::paypal(state, req, peer.ip()).await,
        ),
        "/webhooks/stripe" if post => (
            "(stripe)".into(),
            super::gateway::receive(state, req, peer.ip(), Provider::Stripe).await,
        ),
        "/webhooks/gocardless" if post => (
            "(gocardless)".into(),
            super::gateway::receive(state, req, peer.ip(), Provider::GoCardless).await,
        ),
        "/webhooks/paypal-rest" if post => (
            "(paypal-rest)".into(),
            super::gateway::receive(state, req, peer.ip(), Provider::PayPal).await,
        ),
        "/access/check" if post => (
            "(access)".into(),
            super::webhooks::access_check(state, req, request_id).await,
        ),
        "/health"
        | "/metrics"
        | "/openapi.json"
        | "/webhooks/paypal"
        | "/access/check"
        | "/webhooks/stripe"
        | "/webhooks/gocardless"
        | "/webhooks/paypal-rest"
        | "/session"
        | "/session/end" => ("(other)".into(), render::error(&ApiError::Method)),
        p if p.starts_with("/rpc/") => {
            let name = p.trim_start_matches("/rpc/").to_string();
            rpc(state, req, peer, request_id, &name).await
        }
        _ => (
            "(other)".into(),
            render::error(&ApiError::NoEndpoint(path.clone())),
        ),
    }
}

/// `/rpc/{name}`, labelled by its function (or `(unknown)`), from the
/// client's address (the trusted proxy's last hop, else the peer).
async fn rpc(
    state: &State,
    req: Request<Incoming>,
    peer: SocketAddr,
    request_id: &str,
    name: &str,
) -> (String, Response<Body>) {
    let label = if state.live.catalog().functions.contains_key(name) {
        name.to_string()
    } else {
        "(unknown)".into()
    };
    let client =
        super::request::client_address(req.headers(), peer.ip(), state.settings.trusted_proxy);
    (
        label,
        super::rpc::rpc(state, req, name, request_id, &client).await,
    )
}
