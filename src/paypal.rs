//! PayPal IPN: receiving (store the raw message and commit before anything
//! else), and verifying (post it back unaltered, prefixed with
//! `cmd=_notify-validate`, and accept only `VERIFIED`). What a message is
//! (one for our receiver, or something else kept once a minute per sender)
//! and what a verified one means are decided in SQL (`dues.ipn_intake`,
//! `dues.ipn_verified`).

use crate::pool::{operator, OperatorError, Pool};
use tokio_postgres::types::{Json, Type};

/// What went wrong with a notification.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Database(#[from] OperatorError),
    #[error("verification server {url}: {source}")]
    Unreachable { url: String, source: reqwest::Error },
    #[error("verification server {url} answered {status}: {answer:?}")]
    Answer {
        url: String,
        status: reqwest::StatusCode,
        answer: String,
    },
}

impl From<tokio_postgres::Error> for Error {
    fn from(e: tokio_postgres::Error) -> Error {
        Error::Database(OperatorError::Db(e))
    }
}

/// What became of a received body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Received {
    /// A notification for our receiver, to be verified.
    Pending(i64),
    /// Something else, kept without effect and never verified.
    Rejected(i64),
    /// Something else from a sender whose last such body came less than a minute ago: not kept.
    NotStored,
}

/// PayPal's answer to a verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Verified,
    Invalid,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Verified => "VERIFIED",
            Verdict::Invalid => "INVALID",
        }
    }
}

/// Stores a received body as it came, from `sender`. Committed on return.
/// `lease`: the caller verifies a notification for us itself (it holds room
/// in its [`Queue`]): it is stored leased to the caller, so that no worker
/// verifies it unless the lease runs out first.
pub async fn receive(
    pool: &Pool,
    body: &[u8],
    headers: &serde_json::Value,
    sender: &str,
    lease: bool,
) -> Result<Received, Error> {
    let client = operator(pool).await?;
    let row = client
        .query_typed_opt(
            "select id, state from dues.ipn_intake($1::bytea, $2::jsonb, $3::text, $4::boolean)",
            &[
                (&body, Type::BYTEA),
                (&Json(headers), Type::JSONB),
                (&sender, Type::TEXT),
                (&lease, Type::BOOL),
            ],
        )
        .await?;
    Ok(match row {
        None => Received::NotStored,
        Some(r) if r.get::<_, String>(1) == "received" => Received::Pending(r.get(0)),
        Some(r) => Received::Rejected(r.get(0)),
    })
}

/// Asks the verification server about one message.
pub async fn verify(http: &reqwest::Client, url: &str, body: &[u8]) -> Result<Verdict, Error> {
    let unreachable = |source| Error::Unreachable {
        url: url.to_string(),
        source,
    };
    let mut payload = b"cmd=_notify-validate&".to_vec();
    payload.extend_from_slice(body);
    let resp = http
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(payload)
        .send()
        .await
        .map_err(unreachable)?;
    let status = resp.status();
    let text = resp.text().await.map_err(unreachable)?;
    match text.trim() {
        "VERIFIED" if status.is_success() => Ok(Verdict::Verified),
        "INVALID" if status.is_success() => Ok(Verdict::Invalid),
        other => Err(Error::Answer {
            url: url.to_string(),
            status,
            answer: other.chars().take(100).collect(),
        }),
    }
}

/// The verification server (setting `paypal_verify_url`).
async fn verify_url(client: &tokio_postgres::Client) -> Result<String, Error> {
    Ok(client
        .query_typed_one(
            "select coalesce((select value from dues.setting where name = 'paypal_verify_url'), \
             'https://ipnpb.paypal.com/cgi-bin/webscr')",
            &[],
        )
        .await?
        .get(0))
}

/// `dues serve`'s verification of the notifications it has just stored: one
/// bounded queue, read by a fixed number of verifiers (so at most that many
/// postbacks are in flight, whatever the number of requests; no task per
/// message). A request takes room in the queue before storing its message,
/// and stores it leased to the server only then; when the queue is full the
/// message is stored due at once and left to `dues worker`, and so is a
/// leased one the server could not verify before its lease ran out (it
/// stopped, say). Nothing stored is lost either way.
#[derive(Clone)]
pub struct Queue {
    sender: Option<tokio::sync::mpsc::Sender<(i64, Vec<u8>)>>,
}

/// Room for one message in a [`Queue`], taken before the message is stored.
pub struct Room(tokio::sync::mpsc::OwnedPermit<(i64, Vec<u8>)>);

impl Room {
    /// Hands the stored message to the verifiers.
    pub fn send(self, id: i64, body: Vec<u8>) {
        self.0.send((id, body));
    }
}

impl Queue {
    /// Starts `verifiers` verifiers reading a queue of `capacity` messages
    /// (no verifier: the server leaves every message to the worker).
    pub fn start(pool: Pool, http: reqwest::Client, capacity: usize, verifiers: usize) -> Queue {
        if verifiers == 0 || capacity == 0 {
            return Queue { sender: None };
        }
        let (sender, receiver) = tokio::sync::mpsc::channel::<(i64, Vec<u8>)>(capacity);
        let receiver = std::sync::Arc::new(tokio::sync::Mutex::new(receiver));
        for _ in 0..verifiers {
            let (receiver, pool, http) = (receiver.clone(), pool.clone(), http.clone());
            tokio::spawn(async move {
                loop {
                    let next = receiver.lock().await.recv().await;
                    let Some((id, body)) = next else { break };
                    if let Err(e) = verify_one(&pool, &http, id, &body).await {
                        tracing::warn!(ipn = id, error = %e, "IPN message not verified; the worker takes it when its lease ends");
                    }
                }
            });
        }
        Queue {
            sender: Some(sender),
        }
    }

    /// Room for one more message, or None when the queue is full.
    pub fn room(&self) -> Option<Room> {
        self.sender
            .as_ref()
            .and_then(|s| s.clone().try_reserve_owned().ok())
            .map(Room)
    }
}

/// Verifies one message the server stored leased to itself, and records the answer.
async fn verify_one(
    pool: &Pool,
    http: &reqwest::Client,
    id: i64,
    body: &[u8],
) -> Result<(), Error> {
    let url = verify_url(&*operator(pool).await?).await?;
    let outcome = verify(http, &url, body).await;
    let state = record(pool, id, &outcome).await?;
    tracing::info!(ipn = id, %state, "IPN message handled");
    Ok(())
}

/// Verifies and processes the messages waiting for it (claimed in SQL, so
/// two processes never verify the same one); returns how many were handled.
/// No connection is held while the verification server is asked.
pub async fn process_pending(
    pool: &Pool,
    http: &reqwest::Client,
    batch: i32,
) -> Result<usize, Error> {
    let (url, pending) = {
        let client = operator(pool).await?;
        let url = verify_url(&client).await?;
        let pending = client
            .query_typed(
                "select id, body from dues.ipn_pending(now(), $1)",
                &[(&batch, Type::INT4)],
            )
            .await?;
        (url, pending)
    };
    for row in &pending {
        let id: i64 = row.get(0);
        let body: Vec<u8> = row.get(1);
        let outcome = verify(http, &url, &body).await;
        match record(pool, id, &outcome).await {
            Ok(state) => tracing::info!(ipn = id, %state, "IPN message handled"),
            Err(e) => {
                tracing::warn!(ipn = id, error = %e, "IPN message not handled; it stays for a retry")
            }
        }
    }
    Ok(pending.len())
}

/// Records PayPal's verdict (and processes a verified message), or the failed verification.
async fn record(pool: &Pool, id: i64, outcome: &Result<Verdict, Error>) -> Result<String, Error> {
    let client = operator(pool).await?;
    Ok(match outcome {
        Ok(verdict) => client
            .query_typed_one(
                "select dues.ipn_verified($1, $2)",
                &[(&id, Type::INT8), (&verdict.as_str(), Type::TEXT)],
            )
            .await?
            .get::<_, Option<String>>(0)
            .unwrap_or_default(),
        Err(e) => {
            client
                .execute_typed(
                    "select dues.ipn_verification_failed($1, $2, now())",
                    &[(&id, Type::INT8), (&e.to_string(), Type::TEXT)],
                )
                .await?;
            "unverified".to_string()
        }
    })
}
