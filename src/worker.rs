//! `dues worker`: delivers the outbox, verifies payment notifications and
//! webhooks (and reads what their events need from the providers' APIs), and
//! runs the scheduled jobs when they are due. Every step claims its work in
//! SQL (SKIP LOCKED and leases), so several workers share it and a row is
//! handled once; a worker killed mid-way leaves its claims to expire.

use crate::database::Database;
use crate::deliver::{Carriers, Outgoing};
use crate::error::{Error, Result};
use crate::pool::{operator, Pool, PoolSettings};
use futures_util::stream::{FuturesUnordered, StreamExt};
use std::time::Duration;

/// How `dues worker` is tuned.
#[derive(Debug, Clone)]
pub struct Settings {
    /// How long to wait between rounds when there was nothing to do.
    pub poll: Duration,
    /// Messages claimed per round.
    pub batch: i32,
    /// Where e-mail goes (see [`Carriers::new`]).
    pub smtp_url: String,
    /// Longest one delivery may take.
    pub timeout: Duration,
    /// Run one round and exit (for cron and tests).
    pub once: bool,
    /// Names this worker in the leases it takes.
    pub name: String,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            poll: Duration::from_secs(1),
            batch: 50,
            smtp_url: "smtp://127.0.0.1:25".into(),
            timeout: Duration::from_secs(30),
            once: false,
            name: String::new(),
        }
    }
}

/// What one round did.
#[derive(Debug, Default, Clone, Copy)]
pub struct Round {
    pub jobs: usize,
    pub notifications: usize,
    pub sent: usize,
    pub failed: usize,
}

impl Round {
    fn busy(&self) -> bool {
        self.jobs + self.notifications + self.sent + self.failed > 0
    }
}

/// Runs rounds until SIGTERM/SIGINT (or once).
pub async fn run(db: &Database, settings: Settings) -> Result<()> {
    let pool = crate::pool::pool(
        db,
        &PoolSettings {
            size: 4,
            wait: Duration::from_secs(10),
            statement_timeout: Duration::from_secs(300),
            transaction_pooler: false,
        },
    )?;
    let carriers = Carriers::new(&settings.smtp_url, settings.timeout)
        .map_err(|e| Error::Usage(e.to_string()))?;
    tracing::info!(worker = %settings.name, database = %db.describe(), "worker started");
    let mut shutdown = std::pin::pin!(crate::signals::shutdown());
    loop {
        let round = tokio::select! {
            r = round(&pool, &carriers, &settings) => r,
            _ = &mut shutdown => break,
        };
        let busy = match &round {
            Ok(r) if r.busy() => {
                tracing::info!(
                    jobs = r.jobs,
                    notifications = r.notifications,
                    sent = r.sent,
                    failed = r.failed,
                    "round"
                );
                true
            }
            Ok(_) => false,
            Err(e) => {
                tracing::warn!(error = %e, "round failed; retrying");
                false
            }
        };
        if settings.once {
            return round.map(|_| ());
        }
        if !busy {
            tokio::select! {
                _ = tokio::time::sleep(settings.poll) => {}
                _ = &mut shutdown => break,
            }
        }
    }
    tracing::info!("worker stopping");
    pool.close();
    Ok(())
}

/// One round: due jobs, pending notifications, then the outbox.
pub async fn round(pool: &Pool, carriers: &Carriers, settings: &Settings) -> Result<Round> {
    let mut r = Round {
        jobs: run_due_jobs(pool).await?,
        ..Round::default()
    };
    r.notifications = crate::paypal::process_pending(pool, carriers.http(), settings.batch)
        .await
        .unwrap_or_else(|e| {
            tracing::warn!(error = %e, "payment notifications not processed");
            0
        });
    r.notifications += webhooks(pool, settings.batch).await;
    let (sent, failed) = deliver_outbox(pool, carriers, settings).await?;
    r.sent = sent;
    r.failed = failed;
    Ok(r)
}

/// The webhooks of Stripe, GoCardless and PayPal (REST) that could not be
/// verified when they arrived, then the provider resources events wait for.
async fn webhooks(pool: &Pool, batch: i32) -> usize {
    static GATEWAY: std::sync::OnceLock<Option<crate::gateway::Gateway>> =
        std::sync::OnceLock::new();
    let Some(gateway) = GATEWAY.get_or_init(|| {
        crate::gateway::Gateway::new()
            .map_err(|e| tracing::error!(error = %e, "no HTTP client: webhooks are not verified"))
            .ok()
    }) else {
        return 0;
    };
    let verified = gateway
        .process_pending(pool, batch)
        .await
        .unwrap_or_else(|e| {
            tracing::warn!(error = %e, "webhooks not verified");
            0
        });
    let fetched = gateway
        .fetch_pending(pool, batch)
        .await
        .unwrap_or_else(|e| {
            tracing::warn!(error = %e, "provider resources not fetched");
            0
        });
    verified + fetched
}

async fn run_due_jobs(pool: &Pool) -> Result<usize> {
    let client = operator(pool).await?;
    let due: Vec<String> = client
        .query("select dues.job_claim(now())", &[])
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    for job in &due {
        match crate::jobs::run(&client, job, None).await {
            Ok(result) => tracing::info!(job, %result, "job ran"),
            Err(e) => {
                let why = e.to_string();
                tracing::error!(job, error = %why, "job failed");
                client
                    .execute("select dues.job_failed($1, $2, now())", &[job, &why])
                    .await?;
            }
        }
    }
    Ok(due.len())
}

/// Claims due messages, delivers them concurrently, and records each outcome
/// as it comes. A connection is taken to claim and to record, never held
/// while a message is on its way.
async fn deliver_outbox(
    pool: &Pool,
    carriers: &Carriers,
    settings: &Settings,
) -> Result<(usize, usize)> {
    let messages = claim(pool, settings).await?;
    let mut deliveries: FuturesUnordered<_> = messages
        .iter()
        .map(|m| async move { (m, carriers.deliver(m).await) })
        .collect();
    let (mut sent, mut failed) = (0, 0);
    while let Some((m, outcome)) = deliveries.next().await {
        let client = operator(pool).await?;
        match outcome {
            Ok(()) => {
                client
                    .execute(
                        "select dues.outbox_sent($1, $2, now())",
                        &[&m.id, &settings.name],
                    )
                    .await?;
                sent += 1;
            }
            Err(why) => {
                let why = why.to_string();
                let state: String = client
                    .query_one(
                        "select dues.outbox_failed($1, $2, $3, now())",
                        &[&m.id, &settings.name, &why],
                    )
                    .await?
                    .get(0);
                tracing::warn!(outbox = m.id, recipient = %m.recipient, error = %why, %state, "delivery failed");
                failed += 1;
            }
        }
    }
    Ok((sent, failed))
}

/// Leases up to a batch of due messages to this worker.
async fn claim(pool: &Pool, settings: &Settings) -> Result<Vec<Outgoing>> {
    let client = operator(pool).await?;
    let rows = client
        .query(
            "select id, kind, recipient, subject, body_text, body_html, data, mail_from \
             from dues.outbox_claim($1, $2, now())",
            &[&settings.name, &settings.batch],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| Outgoing {
            id: r.get(0),
            kind: r.get(1),
            recipient: r.get(2),
            subject: r.get(3),
            body_text: r.get(4),
            body_html: r.get(5),
            data: r.get(6),
            mail_from: r.get(7),
        })
        .collect())
}
