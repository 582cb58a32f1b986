//! `dues serve`: the HTTP server. Accepts connections, hands each request to
//! the router, and shuts down gracefully on SIGTERM or SIGINT (stop
//! accepting, finish requests in flight, close the pool).

use crate::database::Database;
use crate::error::{Error, Result};
use bytes_body::Body;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

mod bytes_body {
    pub type Body = http_body_util::Full<hyper::body::Bytes>;
}

/// Connections the pool keeps at most.
const POOL_SIZE: usize = 32;
/// How long a request waits for a free connection before a 503.
const POOL_WAIT: Duration = Duration::from_secs(5);
/// How long a client may take to send its request headers.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// What every request handler shares.
pub struct State {
    pub pool: Pool,
}

pub fn pool(db: &Database, size: usize) -> Result<Pool> {
    let manager = Manager::from_config(
        db.config().clone(),
        tokio_postgres::NoTls,
        ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        },
    );
    Pool::builder(manager)
        .max_size(size)
        .wait_timeout(Some(POOL_WAIT))
        .create_timeout(Some(crate::database::CONNECT_TIMEOUT))
        .runtime(Runtime::Tokio1)
        .build()
        .map_err(|e| Error::Cluster(format!("cannot build the connection pool: {e}")))
}

/// Serves until SIGTERM or SIGINT.
pub async fn serve(db: &Database, listen: &str) -> Result<()> {
    let listener = TcpListener::bind(listen)
        .await
        .map_err(|e| Error::Usage(format!("cannot listen on {listen}: {e}")))?;
    let state = Arc::new(State {
        pool: pool(db, POOL_SIZE)?,
    });
    tracing::info!(listen, database = %db.describe(), "serving");
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown_signal());
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, _) = match accepted {
                    Ok(pair) => pair,
                    Err(e) => {
                        tracing::warn!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let state = state.clone();
                let service = hyper::service::service_fn(move |req| {
                    let state = state.clone();
                    async move { Ok::<_, std::convert::Infallible>(handle(&state, req).await) }
                });
                let conn = hyper::server::conn::http1::Builder::new()
                    .timer(TokioTimer::new())
                    .header_read_timeout(HEADER_TIMEOUT)
                    .keep_alive(true)
                    .serve_connection(TokioIo::new(stream), service);
                let conn = graceful.watch(conn);
                tokio::spawn(async move {
                    if let Err(e) = conn.await {
                        tracing::debug!(error = %e, "connection ended");
                    }
                });
            }
            _ = &mut shutdown => break,
        }
    }
    drop(listener);
    tracing::info!("shutting down: finishing requests in flight");
    if tokio::time::timeout(Duration::from_secs(30), graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("requests still in flight after 30s; closing");
    }
    state.pool.close();
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
}

async fn handle(state: &State, req: Request<Incoming>) -> Response<Body> {
    match (req.method().as_str(), req.uri().path()) {
        ("GET", "/health") => health(state).await,
        _ => json(StatusCode::NOT_FOUND, r#"{"code":"DUNF0","message":"no such endpoint","details":null,"hint":"see /openapi.json"}"#.to_string()),
    }
}

/// `GET /health`: 200 when the database answers, 503 otherwise.
async fn health(state: &State) -> Response<Body> {
    let ok = match state.pool.get().await {
        Ok(client) => client.simple_query("select 1").await.is_ok(),
        Err(_) => false,
    };
    if ok {
        json(StatusCode::OK, r#"{"status":"ok"}"#.into())
    } else {
        json(
            StatusCode::SERVICE_UNAVAILABLE,
            r#"{"status":"database unavailable"}"#.into(),
        )
    }
}

fn json(status: StatusCode, body: String) -> Response<Body> {
    let mut r = Response::new(Full::new(Bytes::from(body)));
    *r.status_mut() = status;
    r.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/json"),
    );
    r
}
