//! For operators: `GET /health` (does the database answer) and `GET /metrics`
//! (Prometheus; behind a bearer token when `--metrics-token` is given).

use super::render::{self, Body};
use super::server::State;
use crate::api::ApiError;
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};

/// `GET /health`: 200 when the database answers, 503 otherwise.
pub async fn health(state: &State) -> Response<Body> {
    let ok = match state.pool.get().await {
        Ok(client) => client.simple_query("select 1").await.is_ok(),
        Err(_) => false,
    };
    if ok {
        render::text(
            StatusCode::OK,
            "application/json",
            r#"{"status":"ok"}"#.into(),
        )
    } else {
        render::error(&ApiError::Unavailable("no answer from PostgreSQL".into()))
    }
}

/// `GET /metrics`: counts, latencies by stage, the pool.
pub fn metrics(state: &State, req: &Request<Incoming>) -> Response<Body> {
    if let Some(want) = &state.settings.metrics_token {
        let given = super::request::bearer(req.headers()).ok().flatten();
        if !given.is_some_and(|g| same(g.as_bytes(), want.as_bytes())) {
            return render::error(&ApiError::MetricsToken);
        }
    }
    let mut text = state.metrics.render(state.pool.status());
    if let Some(r) = &state.replica {
        text.push_str(&r.render());
    }
    render::text(StatusCode::OK, "text/plain; version=0.0.4", text)
}

/// Compares two secrets in a time that does not depend on where they differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    #[test]
    fn secrets_compare_whole() {
        assert!(super::same(b"abc", b"abc"));
        assert!(!super::same(b"abc", b"abd"));
        assert!(!super::same(b"abc", b"ab"));
    }
}
