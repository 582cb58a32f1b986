//! `dues serve`: HTTP/1.1 with keep-alive. A request reads as one short
//! function: authenticate → parse → plan and run the call in one transaction
//! → render. Graceful shutdown on SIGTERM or SIGINT: stop accepting, finish
//! requests in flight, close the pool.

mod metrics;
mod openapi;
mod request;

pub use request::{json_args, query_args};

use crate::api::call;
use crate::api::error::Shell;
use crate::api::{Answer, ApiError, Catalog};
use crate::database::Database;
use crate::error::{Error, Result};
use deadpool_postgres::{Manager, ManagerConfig, Pool, PoolError, RecyclingMethod, Runtime};
use futures_util::StreamExt;
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderValue, ALLOW, CONTENT_TYPE};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;

type Body = Full<Bytes>;

/// How `dues serve` is tuned.
#[derive(Debug, Clone)]
pub struct Settings {
    pub listen: String,
    /// Connections the pool keeps at most.
    pub pool_size: usize,
    /// How long a request waits for a connection before a 503.
    pub pool_wait: Duration,
    /// Longest a statement may run before a 504.
    pub statement_timeout: Duration,
    /// Largest request body, in bytes (413 past it).
    pub body_limit: usize,
    /// How long a client may take to send its request headers.
    pub header_timeout: Duration,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            listen: "127.0.0.1:8080".into(),
            pool_size: 32,
            pool_wait: Duration::from_secs(5),
            statement_timeout: Duration::from_secs(30),
            body_limit: 1 << 20,
            header_timeout: Duration::from_secs(10),
        }
    }
}

/// What every request shares.
struct State {
    pool: Pool,
    /// Verifies payment notifications right after they are stored.
    http_client: reqwest::Client,
    catalog: RwLock<Arc<Catalog>>,
    metrics: metrics::Metrics,
    settings: Settings,
    next_id: AtomicU64,
    id_prefix: String,
}

impl State {
    fn catalog(&self) -> Arc<Catalog> {
        self.catalog
            .read()
            .map(|c| c.clone())
            .unwrap_or_else(|p| p.into_inner().clone())
    }

    /// Reads the catalog again and forgets prepared statements.
    async fn refresh(&self) -> Result<()> {
        let client = self
            .pool
            .get()
            .await
            .map_err(|e| Error::Failed(format!("refreshing the catalog: {e}")))?;
        let fresh = Catalog::load(&client).await?;
        self.pool.manager().statement_caches.clear();
        let n = fresh.functions.len();
        match self.catalog.write() {
            Ok(mut c) => *c = Arc::new(fresh),
            Err(p) => *p.into_inner() = Arc::new(fresh),
        }
        tracing::info!(functions = n, "api catalog loaded");
        Ok(())
    }
}

/// A pool of connections to the target, each with the statement time limit.
pub fn pool(
    db: &Database,
    size: usize,
    wait: Duration,
    statement_timeout: Duration,
) -> Result<Pool> {
    let mut config = db.config().clone();
    let options = format!(
        "{} -c statement_timeout={}",
        config.get_options().unwrap_or(""),
        statement_timeout.as_millis()
    );
    config.options(options.trim());
    let manager = Manager::from_config(
        config,
        tokio_postgres::NoTls,
        ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        },
    );
    Pool::builder(manager)
        .max_size(size)
        .wait_timeout(Some(wait))
        .create_timeout(Some(crate::database::CONNECT_TIMEOUT))
        .recycle_timeout(Some(Duration::from_secs(5)))
        .runtime(Runtime::Tokio1)
        .build()
        .map_err(|e| Error::Failed(format!("cannot build the connection pool: {e}")))
}

/// Serves until SIGTERM or SIGINT.
pub async fn serve(db: &Database, settings: Settings) -> Result<()> {
    raise_open_files_limit();
    let listener = TcpListener::bind(&settings.listen)
        .await
        .map_err(|e| Error::Usage(format!("cannot listen on {}: {e}", settings.listen)))?;
    let state = Arc::new(State {
        pool: pool(
            db,
            settings.pool_size,
            settings.pool_wait,
            settings.statement_timeout,
        )?,
        http_client: reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| Error::Failed(format!("HTTP client: {e}")))?,
        catalog: RwLock::new(Arc::new(Catalog::default())),
        metrics: metrics::Metrics::default(),
        next_id: AtomicU64::new(1),
        id_prefix: format!(
            "{:x}",
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0)
        ),
        settings: settings.clone(),
    });
    state.refresh().await?;
    tokio::spawn(listen_for_migrations(db.clone(), state.clone()));
    tracing::info!(listen = %settings.listen, database = %db.describe(), "serving");
    println!(
        "dues serving http://{} on {}",
        listener
            .local_addr()
            .map(|a| a.to_string())
            .unwrap_or_default(),
        db.describe()
    );

    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown_signal());
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, _) = match accepted {
                    Ok(pair) => pair,
                    Err(e) => {
                        // out of file descriptors and the like: wait instead of spinning
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
                    .header_read_timeout(settings.header_timeout)
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
    tracing::info!("stopped");
    Ok(())
}

/// Raises the soft limit of open files to the hard one. Every client
/// connection is a file: with the usual default of 1 024, a thousand idle
/// clients plus the pool's connections would leave no file for a new client
/// (accept fails until idle clients time out).
fn raise_open_files_limit() {
    use nix::sys::resource::{getrlimit, setrlimit, Resource, RLIM_INFINITY};
    let Ok((soft, hard)) = getrlimit(Resource::RLIMIT_NOFILE) else {
        return;
    };
    // an unlimited hard limit is not a valid soft limit for open files
    let want = if hard == RLIM_INFINITY {
        soft.max(1 << 20)
    } else {
        hard
    };
    if soft >= want {
        return;
    }
    match setrlimit(Resource::RLIMIT_NOFILE, want, hard) {
        Ok(()) => tracing::debug!(from = soft, to = want, "raised the limit of open files"),
        Err(e) => tracing::warn!(soft, hard, error = %e, "could not raise the limit of open files"),
    }
}

/// Resolves on SIGTERM or SIGINT.
pub async fn shutdown_signal() {
    use tokio::signal::unix::{signal, SignalKind};
    match signal(SignalKind::terminate()) {
        Ok(mut term) => {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
        }
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

/// Keeps a LISTEN on the catalog channel; reloads the catalog when
/// migrations ran, and after every reconnection (a notice may have been missed).
async fn listen_for_migrations(db: Database, state: Arc<State>) {
    let mut backoff = Duration::from_millis(200);
    loop {
        let connected = tokio::time::timeout(
            crate::database::CONNECT_TIMEOUT,
            db.config().connect(tokio_postgres::NoTls),
        )
        .await;
        let (client, mut connection) = match connected {
            Ok(Ok(pair)) => pair,
            _ => {
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(5));
                continue;
            }
        };
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let driver = tokio::spawn(async move {
            let mut messages = futures_util::stream::poll_fn(move |cx| connection.poll_message(cx));
            while let Some(Ok(m)) = messages.next().await {
                if let tokio_postgres::AsyncMessage::Notification(_) = m {
                    let _ = tx.send(());
                }
            }
        });
        let listen = format!("listen {}", crate::migrate::CATALOG_CHANNEL);
        if client.batch_execute(&listen).await.is_ok() {
            backoff = Duration::from_millis(200);
            if let Err(e) = state.refresh().await {
                tracing::warn!(error = %e, "catalog refresh failed");
            }
            while rx.recv().await.is_some() {
                while rx.try_recv().is_ok() {}
                if let Err(e) = state.refresh().await {
                    tracing::warn!(error = %e, "catalog refresh failed");
                }
            }
        }
        driver.abort();
        tracing::warn!("lost the catalog listener connection; reconnecting");
        tokio::time::sleep(backoff).await;
    }
}

async fn handle(state: &State, req: Request<Incoming>) -> Response<Body> {
    let started = Instant::now();
    let request_id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 200 && v.chars().all(|c| c.is_ascii_graphic()))
        .map(str::to_string)
        .unwrap_or_else(|| {
            format!(
                "{}-{}",
                state.id_prefix,
                state.next_id.fetch_add(1, Ordering::Relaxed)
            )
        });
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let (label, mut response) = route(state, req, &request_id).await;
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert("x-request-id", v);
    }
    let took = started.elapsed();
    let status = response.status().as_u16();
    state.metrics.record(&label, status, took);
    tracing::info!(%method, %path, function = %label, status, ms = took.as_secs_f64() * 1000.0, request_id, "request");
    response
}

/// Picks the endpoint; returns the metrics label and the response.
async fn route(
    state: &State,
    req: Request<Incoming>,
    request_id: &str,
) -> (String, Response<Body>) {
    let path = req.uri().path().to_string();
    let get = req.method() == hyper::Method::GET;
    match path.as_str() {
        "/health" if get => ("(health)".into(), health(state).await),
        "/metrics" if get => (
            "(metrics)".into(),
            text(
                StatusCode::OK,
                "text/plain; version=0.0.4",
                state.metrics.render(state.pool.status()),
            ),
        ),
        "/openapi.json" if get => ("(openapi)".into(), openapi(state, &req, request_id).await),
        "/webhooks/paypal" if req.method() == hyper::Method::POST => {
            ("(paypal)".into(), paypal_ipn(state, req).await)
        }
        "/access/check" if req.method() == hyper::Method::POST => (
            "(access)".into(),
            access_check(state, req, request_id).await,
        ),
        "/health" | "/metrics" | "/openapi.json" | "/webhooks/paypal" | "/access/check" => {
            ("(other)".into(), error(&request::method_not_allowed()))
        }
        p if p.starts_with("/rpc/") => {
            let name = p.trim_start_matches("/rpc/").to_string();
            let catalog = state.catalog();
            let label = if catalog.functions.contains_key(&name) {
                name.clone()
            } else {
                "(unknown)".into()
            };
            let response = match rpc(state, req, &name, &catalog, request_id).await {
                Ok(answer) => render(answer),
                Err(e) => error(&e),
            };
            (label, response)
        }
        _ => (
            "(other)".into(),
            error(
                &ApiError::shell(Shell::NotFound, format!("no endpoint {path}"))
                    .with_hint("functions are at /rpc/{name}; see /openapi.json"),
            ),
        ),
    }
}

/// `/rpc/{name}`: authenticate, parse, then call in one transaction.
async fn rpc(
    state: &State,
    req: Request<Incoming>,
    name: &str,
    catalog: &Arc<Catalog>,
    request_id: &str,
) -> std::result::Result<Answer, ApiError> {
    let caller = request::caller(req.headers())?;
    let call = request::call(req, name, state.settings.body_limit).await?;
    let (pool, catalog, id) = (state.pool.clone(), catalog.clone(), request_id.to_string());
    run_to_end(request_id, async move {
        let client = pool.get().await.map_err(pool_error)?;
        call::execute(&client, &catalog, &caller, &call, &id).await
    })
    .await
}

/// Runs the database part of a request in a task of its own, so that it ends
/// (commit or rollback) even when the client goes away. hyper drops a
/// request's future when its client disconnects: dropped between two of its
/// statements, a call would return its connection to the pool inside an open
/// transaction, under the caller's role and holding its locks, for the next
/// request to run in (and commit).
async fn run_to_end<T: Send + 'static>(
    request_id: &str,
    work: impl std::future::Future<Output = std::result::Result<T, ApiError>> + Send + 'static,
) -> std::result::Result<T, ApiError> {
    match tokio::spawn(work).await {
        Ok(result) => result,
        Err(e) => {
            tracing::error!(request_id, error = %e, "request task failed");
            Err(ApiError::internal(request_id))
        }
    }
}

/// `POST /webhooks/paypal`: the raw message is stored and committed before
/// anything else; only then 200. If it could not be stored, a 503 makes
/// PayPal send it again. Verification and processing follow in the background
/// (and are retried by `dues worker`).
async fn paypal_ipn(state: &State, req: Request<Incoming>) -> Response<Body> {
    let headers: serde_json::Map<String, serde_json::Value> = req
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned().into(),
            )
        })
        .collect();
    let body = match request::body_bytes(req, state.settings.body_limit).await {
        Ok(b) => b,
        Err(e) => return error(&e),
    };
    match crate::paypal::receive(&state.pool, &body, &serde_json::Value::Object(headers)).await {
        Ok(id) => {
            tracing::info!(ipn = id, bytes = body.len(), "IPN message stored");
            let (pool, http) = (state.pool.clone(), state.http_client.clone());
            tokio::spawn(async move {
                if let Err(e) = crate::paypal::process_pending(&pool, &http, 10).await {
                    tracing::warn!(error = %e, "IPN processing deferred to the worker");
                }
            });
            text(StatusCode::OK, "text/plain", String::new())
        }
        Err(e) => {
            tracing::error!(error = %e, "IPN message NOT stored; answering 503 so that PayPal resends it");
            error(&ApiError::unavailable("the message could not be stored"))
        }
    }
}

/// `POST /access/check` from a door or machine controller: the exact body and
/// its `X-Signature` (hex HMAC-SHA256 with the device's key) go to SQL, which
/// decides, logs and answers `{"granted", "reason"}`.
async fn access_check(state: &State, req: Request<Incoming>, request_id: &str) -> Response<Body> {
    let signature = req
        .headers()
        .get("x-signature")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .trim()
        .to_string();
    let body = match request::body_bytes(req, 64 * 1024).await {
        Ok(b) => b,
        Err(e) => return error(&e),
    };
    let Ok(body) = String::from_utf8(body) else {
        return error(&ApiError::shell(
            Shell::MalformedJson,
            "the body is not UTF-8",
        ));
    };
    let catalog = state.catalog();
    let caller = call::Caller::Token(String::new());
    let client = match state.pool.get().await {
        Ok(c) => c,
        Err(e) => return error(&pool_error(e)),
    };
    match client
        .query_one(
            "select dues.access_check($1, $2, now())::text",
            &[&body, &signature],
        )
        .await
    {
        Ok(row) => text(StatusCode::OK, "application/json", row.get(0)),
        Err(e) => error(&call::db_error(e, &catalog, &caller, request_id)),
    }
}

fn pool_error(e: PoolError) -> ApiError {
    match e {
        PoolError::Timeout(_) => ApiError::unavailable("every database connection is busy"),
        other => ApiError::unavailable(&other.to_string()),
    }
}

/// `GET /health`: 200 when the database answers, 503 otherwise.
async fn health(state: &State) -> Response<Body> {
    let ok = match state.pool.get().await {
        Ok(client) => client.simple_query("select 1").await.is_ok(),
        Err(_) => false,
    };
    if ok {
        text(
            StatusCode::OK,
            "application/json",
            r#"{"status":"ok"}"#.into(),
        )
    } else {
        error(&ApiError::unavailable("no answer from PostgreSQL"))
    }
}

/// `GET /openapi.json` for the caller's role.
async fn openapi(state: &State, req: &Request<Incoming>, request_id: &str) -> Response<Body> {
    let catalog = state.catalog();
    let role = match request::caller(req.headers()) {
        Err(e) => return error(&e),
        Ok(call::Caller::Token(hash)) => match role_of(state, &catalog, hash, request_id).await {
            Ok(role) => role,
            Err(e) => return error(&e),
        },
        Ok(_) => "dues_anonymous".to_string(),
    };
    let doc = openapi::document(&catalog, &role);
    text(StatusCode::OK, "application/json", doc.to_string())
}

/// The role a token's requests run under (its transaction, too, runs to its
/// end if the client goes away).
async fn role_of(
    state: &State,
    catalog: &Arc<Catalog>,
    hash: String,
    request_id: &str,
) -> std::result::Result<String, ApiError> {
    let (pool, catalog, id) = (state.pool.clone(), catalog.clone(), request_id.to_string());
    run_to_end(request_id, async move {
        let client = pool.get().await.map_err(pool_error)?;
        let caller = call::Caller::Token(hash.clone());
        let fail = |e| call::db_error(e, &catalog, &caller, &id);
        client
            .batch_execute("begin read only")
            .await
            .map_err(fail)?;
        let result = async {
            client
                .execute("select dues.authenticate($1::text)", &[&hash])
                .await
                .map_err(fail)?;
            let row = client
                .query_one("select current_user::text", &[])
                .await
                .map_err(fail)?;
            Ok(row.get::<_, String>(0))
        }
        .await;
        let _ = client.batch_execute("rollback").await;
        result
    })
    .await
}

fn render(answer: Answer) -> Response<Body> {
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::OK);
    let mut r = match answer.body {
        Some(body) => text(status, "application/json", body),
        None => {
            let mut r = Response::new(Full::new(Bytes::new()));
            *r.status_mut() = status;
            r
        }
    };
    if answer.replayed {
        r.headers_mut()
            .insert("idempotency-replayed", HeaderValue::from_static("true"));
    }
    r
}

fn error(e: &ApiError) -> Response<Body> {
    let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut r = text(status, "application/json", e.body());
    if status == StatusCode::METHOD_NOT_ALLOWED {
        r.headers_mut()
            .insert(ALLOW, HeaderValue::from_static("GET, POST"));
    }
    if status == StatusCode::UNAUTHORIZED {
        r.headers_mut()
            .insert("www-authenticate", HeaderValue::from_static("Bearer"));
    }
    r
}

fn text(status: StatusCode, content_type: &'static str, body: String) -> Response<Body> {
    let mut r = Response::new(Full::new(Bytes::from(body)));
    *r.status_mut() = status;
    r.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    r
}
