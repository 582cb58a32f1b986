//! `dues serve`: its settings, what every request shares, and the accept
//! loop (HTTP/1.1 with keep-alive, a header timeout). Graceful shutdown on
//! SIGTERM or SIGINT: stop accepting, finish requests in flight, close the pool.

use super::limit::Limiter;
use super::metrics::Metrics;
use crate::api::live::{self, Live};
use crate::database::Database;
use crate::error::{Error, Result};
use crate::pool::{Pool, PoolSettings};
use hyper_util::rt::{TokioIo, TokioTimer};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};

/// How `dues serve` is tuned.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub listen: String,
    pub pool: PoolSettings,
    /// Largest request body, in bytes (413 past it).
    pub body_limit: usize,
    /// How long a client may take to send its request headers.
    pub header_timeout: Duration,
    /// Largest body of `POST /webhooks/paypal`, in bytes (413 past it, nothing stored).
    pub paypal_body_limit: usize,
    /// Requests to `/webhooks/paypal` one client address may send per minute (429 past it).
    pub paypal_rate: u32,
    /// Requests to the webhooks of Stripe, GoCardless and PayPal (REST) one client address may send per minute.
    pub webhook_rate: u32,
    /// PayPal notifications verified at once by the server (postbacks in flight; 0: all left to `dues worker`).
    pub paypal_verifiers: usize,
    /// PayPal notifications waiting for the server's verifiers at most; past it they are left to `dues worker`.
    pub paypal_queue: usize,
    /// The bearer token `GET /metrics` asks for (none: open).
    pub metrics_token: Option<String>,
    /// How often expired idempotency answers are removed.
    pub expire_every: Duration,
    /// A streaming replica of the database: reads of read-only functions go to it.
    pub replica_url: Option<String>,
    /// The database itself when `--database-url` names a pooler: LISTEN goes there.
    pub direct_url: Option<String>,
    /// Behind a reverse proxy it trusts: a call's client address is the last hop of `X-Forwarded-For`,
    /// and `X-Forwarded-Proto: https` makes the session cookie `Secure`.
    pub trusted_proxy: bool,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            listen: "127.0.0.1:8080".into(),
            pool: PoolSettings::default(),
            body_limit: 1 << 20,
            header_timeout: Duration::from_secs(10),
            paypal_body_limit: 32 << 10,
            paypal_rate: 600,
            webhook_rate: 600,
            paypal_verifiers: 4,
            paypal_queue: 1000,
            metrics_token: None,
            expire_every: Duration::from_secs(3600),
            replica_url: None,
            direct_url: None,
            trusted_proxy: false,
        }
    }
}

/// What every request shares.
pub struct State {
    pub pool: Pool,
    /// The notifications the server verifies itself (bounded; the rest is the worker's).
    pub ipn_queue: crate::paypal::Queue,
    pub live: Arc<Live>,
    pub metrics: Metrics,
    pub settings: Settings,
    /// Requests to `/webhooks/paypal` per client address.
    pub paypal_limiter: Limiter,
    /// Requests to the other providers' webhooks per client address.
    pub webhook_limiter: Limiter,
    /// Verifies the other providers' webhooks (and fetches what their events need).
    pub gateway: Arc<crate::gateway::Gateway>,
    /// The streaming replica reads may go to.
    pub replica: Option<Arc<crate::replica::Replica>>,
    next_id: AtomicU64,
    id_prefix: String,
}

impl State {
    /// A request id: the client's own `X-Request-Id` when it is sensible, else one of ours.
    pub fn request_id(&self, given: Option<&str>) -> String {
        match given
            .filter(|v| !v.is_empty() && v.len() <= 200 && v.chars().all(|c| c.is_ascii_graphic()))
        {
            Some(id) => id.to_string(),
            None => format!(
                "{}-{}",
                self.id_prefix,
                self.next_id.fetch_add(1, Ordering::Relaxed)
            ),
        }
    }
}

/// Serves until SIGTERM or SIGINT.
pub async fn serve(db: &Database, settings: Settings) -> Result<()> {
    raise_open_files_limit();
    let listener = TcpListener::bind(&settings.listen)
        .await
        .map_err(|e| Error::Usage(format!("cannot listen on {}: {e}", settings.listen)))?;
    // LISTEN, and the replica's checks, need the database itself, not a pooler
    let direct = match settings.direct_url.as_deref() {
        Some(url) => Database::resolve(Some(url), std::path::PathBuf::new())
            .map_err(|e| Error::Usage(format!("--direct-url: {e}")))?,
        None => db.clone(),
    };
    let replica = match settings.replica_url.as_deref() {
        Some(url) => Some(Arc::new(
            crate::replica::Replica::start(&direct, url, &settings.pool).await?,
        )),
        None => None,
    };
    let pool = crate::pool::pool(db, &settings.pool)?;
    let http_client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| Error::Failed(format!("HTTP client: {e}")))?;
    let state = Arc::new(State {
        ipn_queue: crate::paypal::Queue::start(
            pool.clone(),
            http_client,
            settings.paypal_queue,
            settings.paypal_verifiers,
        ),
        pool,
        replica,
        live: Arc::new(Live::default()),
        metrics: Metrics::default(),
        paypal_limiter: Limiter::new(settings.paypal_rate, Duration::from_secs(60)),
        webhook_limiter: Limiter::new(settings.webhook_rate, Duration::from_secs(60)),
        gateway: Arc::new(
            crate::gateway::Gateway::new()
                .map_err(|e| Error::Failed(format!("HTTP client: {e}")))?,
        ),
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
    if let Some(r) = &state.replica {
        state.live.forget_statements_of(r.pool.clone());
        r.watch(direct.clone());
    }
    state.live.refresh(&state.pool).await?;
    tokio::spawn(live::listen(
        direct.clone(),
        state.pool.clone(),
        state.live.clone(),
    ));
    tokio::spawn(expire_idempotency(state.clone()));
    tracing::info!(listen = %settings.listen, database = %db.describe(), "serving");
    let local = listener
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or_default();
    println!("dues serving http://{local} on {}", db.describe());
    accept_until_signal(&listener, &state).await;
    state.pool.close();
    tracing::info!("stopped");
    Ok(())
}

/// Accepts connections until SIGTERM or SIGINT, then lets those in flight finish (30 s at most).
async fn accept_until_signal(listener: &TcpListener, state: &Arc<State>) {
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(crate::signals::shutdown());
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => serve_connection(&graceful, state, stream, peer),
                Err(e) => {
                    // out of file descriptors and the like: wait instead of spinning
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            _ = &mut shutdown => break,
        }
    }
    tracing::info!("shutting down: finishing requests in flight");
    if tokio::time::timeout(Duration::from_secs(30), graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("requests still in flight after 30s; closing");
    }
}

fn serve_connection(
    graceful: &hyper_util::server::graceful::GracefulShutdown,
    state: &Arc<State>,
    stream: TcpStream,
    peer: SocketAddr,
) {
    let _ = stream.set_nodelay(true);
    let header_timeout = state.settings.header_timeout;
    let state = state.clone();
    let service = hyper::service::service_fn(move |req| {
        let state = state.clone();
        async move { Ok::<_, std::convert::Infallible>(super::route::handle(&state, req, peer).await) }
    });
    let conn = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout)
        .keep_alive(true)
        .serve_connection(TokioIo::new(stream), service);
    let conn = graceful.watch(conn);
    tokio::spawn(async move {
        if let Err(e) = conn.await {
            tracing::debug!(error = %e, "connection ended");
        }
    });
}

/// Removes expired idempotency answers at start and then every
/// `expire_every`, so that they go even where no worker runs.
async fn expire_idempotency(state: Arc<State>) {
    loop {
        let expired = async {
            let client = crate::pool::operator(&state.pool).await?;
            let row = client
                .query_typed_one("select dues.idempotency_expire(now())", &[])
                .await?;
            Ok::<i32, Error>(row.get(0))
        }
        .await;
        match expired {
            Ok(0) => {}
            Ok(n) => tracing::info!(removed = n, "expired idempotency answers removed"),
            Err(e) => tracing::warn!(error = %e, "expired idempotency answers not removed"),
        }
        tokio::time::sleep(state.settings.expire_every).await;
    }
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
