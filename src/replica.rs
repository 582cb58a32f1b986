//! Reads on a streaming replica (`dues serve --replica-url`): `GET /rpc` of
//! a read-only function goes to the replica's pool when the replica is up,
//! verified and not lagging; everything else goes to the primary.
//!
//! Read-your-writes: every answer to a POST carries a WAL position of the
//! primary read after the call committed (`Dues-LSN`, see
//! [`crate::api::execute::COMMIT_LSN`]); a GET sending it back waits until
//! the replica has replayed that far (`pg_last_wal_replay_lsn()`), at most
//! `replica_lsn_wait_ms`, then the primary answers it.
//!
//! A watcher looks at both servers every second: the primary's WAL insert
//! position and the replica's replay position. The replica's lag is how long
//! ago the primary had already written WAL the replica has not replayed yet
//! (no clocks compared); past `replica_lag_max_seconds` it is skipped. A
//! replica that cannot be reached, is not in recovery, is a copy of another
//! cluster (`system_identifier`) or of another database (its catalog
//! fingerprint differs from the primary's) is refused at start, and skipped
//! with a log line while running; it is used again once it passes the checks.

use crate::database::Database;
use crate::error::{Error, Result};
use crate::pool::{Pool, PoolSettings, Pooled};
use std::collections::VecDeque;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio_postgres::Client;

/// How often the watcher looks at the replica.
const WATCH_EVERY: Duration = Duration::from_secs(1);
/// How long the start-up check waits for the replica to replay what the primary has written.
const CATCH_UP: Duration = Duration::from_secs(10);
/// How long a replica that failed a check is left alone before it is checked again.
const RECHECK_EVERY: Duration = Duration::from_secs(5);
/// Defaults of the settings, until they are read.
const LSN_WAIT_DEFAULT: Duration = Duration::from_millis(1000);
const LAG_MAX_DEFAULT: Duration = Duration::from_secs(10);

/// A WAL position from its text form `X/Y` (hexadecimal halves).
pub fn parse_lsn(text: &str) -> Option<u64> {
    let (hi, lo) = text.trim().split_once('/')?;
    if hi.is_empty() || lo.is_empty() || hi.len() > 8 || lo.len() > 8 {
        return None;
    }
    let hi = u32::from_str_radix(hi, 16).ok()?;
    let lo = u32::from_str_radix(lo, 16).ok()?;
    Some((u64::from(hi) << 32) | u64::from(lo))
}

/// Why a read went to the primary although there is a replica.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// Down, not verified, or of another database.
    Down,
    /// Further behind than `replica_lag_max_seconds`.
    Lagging,
    /// The `Dues-LSN` it was sent was not replayed within `replica_lsn_wait_ms`.
    LsnWait,
    /// The replica failed the call (its connection was lost).
    Failed,
}

const WHYS: [(Why, &str); 4] = [
    (Why::Down, "down"),
    (Why::Lagging, "lagging"),
    (Why::LsnWait, "lsn_wait"),
    (Why::Failed, "failed"),
];

/// What the watcher last saw.
struct Seen {
    /// Verified (in recovery, same cluster, same catalog) and answering.
    up: bool,
    /// Why it is not up, as last logged.
    problem: Option<String>,
    /// The replica's replay position.
    replay: u64,
    /// Behind the primary: seconds, and bytes of WAL.
    lag: Duration,
    lag_bytes: u64,
    /// The primary's insert position at each look, newest last.
    samples: VecDeque<(Instant, u64)>,
    lsn_wait: Duration,
    lag_max: Duration,
}

/// The replica, its pool, and where reads went.
pub struct Replica {
    pub pool: Pool,
    config: tokio_postgres::Config,
    target: String,
    seen: Mutex<Seen>,
    to_replica: AtomicU64,
    to_primary: [AtomicU64; 4],
    waits: AtomicU64,
}

impl Replica {
    /// Checks the replica at `url` against the primary `primary` (a direct
    /// connection: not through a pooler) and builds its pool: an error names
    /// what is wrong. A replica still catching up is accepted, and used once
    /// it has caught up and its catalog is found equal.
    pub async fn start(primary: &Database, url: &str, settings: &PoolSettings) -> Result<Replica> {
        let replica = Database::resolve(Some(url), std::path::PathBuf::new())
            .map_err(|e| Error::Usage(format!("--replica-url: {e}")))?;
        let target = replica.describe();
        let mut pool_settings = settings.clone();
        pool_settings.transaction_pooler = false;
        let pool = crate::pool::pool(&replica, &pool_settings)?;
        let r = Replica {
            pool,
            config: replica.config().clone(),
            target: target.clone(),
            seen: Mutex::new(Seen {
                up: false,
                problem: None,
                replay: 0,
                lag: Duration::ZERO,
                lag_bytes: 0,
                samples: VecDeque::new(),
                lsn_wait: LSN_WAIT_DEFAULT,
                lag_max: LAG_MAX_DEFAULT,
            }),
            to_replica: AtomicU64::new(0),
            to_primary: Default::default(),
            waits: AtomicU64::new(0),
        };
        let p = primary.connect().await?;
        let c = crate::database::connect(replica.config())
            .await
            .map_err(|e| {
                Error::Usage(format!("--replica-url: the replica cannot be reached: {e}"))
            })?;
        match verify(&p, &c).await {
            Ok(()) => {
                r.mark_up();
                tracing::info!(replica = %target, "reads of read-only functions go to the replica");
            }
            Err(Check::Behind(why)) => {
                tracing::warn!(replica = %target, "{why}: the primary serves every read until it has caught up");
                r.mark_down(why);
            }
            Err(Check::Wrong(why)) => {
                return Err(Error::Usage(format!("--replica-url {target}: {why}")))
            }
            Err(Check::Lost(e)) => {
                return Err(Error::Usage(format!(
                    "--replica-url {target}: {}",
                    crate::error::describe_pg(&e)
                )))
            }
        }
        Ok(r)
    }

    /// Keeps watching the replica (and the primary's settings) while dues serves.
    pub fn watch(self: &Arc<Replica>, primary: Database) {
        let r = self.clone();
        tokio::spawn(async move { r.watch_loop(primary).await });
    }

    async fn watch_loop(&self, primary: Database) {
        let mut p: Option<Client> = None;
        let mut c: Option<Client> = None;
        let mut verified = false;
        let mut next_check = Instant::now();
        loop {
            tokio::time::sleep(WATCH_EVERY).await;
            if p.as_ref().is_none_or(|p| p.is_closed()) {
                p = primary.connect().await.ok();
            }
            let Some(pc) = &p else {
                continue;
            };
            // the primary first: its position, then the settings
            let sample = pc
                .simple_query(
                    "select pg_catalog.pg_current_wal_insert_lsn()::text, \
                     (select value from dues.setting where name = 'replica_lsn_wait_ms'), \
                     (select value from dues.setting where name = 'replica_lag_max_seconds')",
                )
                .await;
            let Ok(sample) = sample else {
                p = None;
                continue;
            };
            let row = sample.iter().find_map(|m| match m {
                tokio_postgres::SimpleQueryMessage::Row(r) => Some(r),
                _ => None,
            });
            let Some(row) = row else { continue };
            let primary_lsn = row.get(0).and_then(parse_lsn).unwrap_or(0);
            let number = |i: usize| row.get(i).and_then(|v| v.trim().parse::<u64>().ok());
            {
                let mut s = self.lock();
                if let Some(ms) = number(1) {
                    s.lsn_wait = Duration::from_millis(ms);
                }
                if let Some(secs) = number(2) {
                    s.lag_max = Duration::from_secs(secs);
                }
                s.samples.push_back((Instant::now(), primary_lsn));
                let keep = s.lag_max + Duration::from_secs(60);
                while s.samples.front().is_some_and(|(t, _)| t.elapsed() > keep) {
                    s.samples.pop_front();
                }
            }
            if c.as_ref().is_none_or(|c| c.is_closed()) {
                verified = false;
                match crate::database::connect(self.config_of()).await {
                    Ok(client) => c = Some(client),
                    Err(e) => {
                        self.mark_down(format!("the replica cannot be reached: {e}"));
                        continue;
                    }
                }
            }
            let Some(rc) = &c else { continue };
            if !verified {
                if Instant::now() < next_check {
                    continue;
                }
                match verify(pc, rc).await {
                    Ok(()) => verified = true,
                    Err(Check::Lost(e)) => {
                        c = None;
                        self.mark_down(format!(
                            "the replica cannot be reached: {}",
                            crate::error::describe_pg(&e)
                        ));
                        continue;
                    }
                    Err(Check::Behind(why) | Check::Wrong(why)) => {
                        next_check = Instant::now() + RECHECK_EVERY;
                        self.mark_down(why);
                        continue;
                    }
                }
            }
            match replay_position(rc).await {
                Ok(Some(replay)) => self.observe(replay),
                Ok(None) => {
                    verified = false;
                    self.mark_down("the replica is no longer in recovery (promoted?)".into());
                }
                Err(e) => {
                    c = None;
                    self.mark_down(format!(
                        "the replica cannot be reached: {}",
                        crate::error::describe_pg(&e)
                    ));
                }
            }
        }
    }

    fn config_of(&self) -> &tokio_postgres::Config {
        &self.config
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Seen> {
        self.seen.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The replica replayed up to `replay`: its lag, and whether it is used.
    fn observe(&self, replay: u64) {
        let mut s = self.lock();
        s.replay = s.replay.max(replay);
        let newest = s.samples.back().map_or(0, |(_, l)| *l);
        s.lag_bytes = newest.saturating_sub(replay);
        // the oldest look at the primary that saw WAL the replica has not replayed
        s.lag = s
            .samples
            .iter()
            .find(|(_, lsn)| *lsn > replay)
            .map_or(Duration::ZERO, |(t, _)| t.elapsed());
        let lagging = s.lag > s.lag_max;
        if !s.up {
            tracing::info!(replica = %self.target, lag_ms = s.lag.as_millis() as u64, "the replica is back: reads go to it again");
        }
        s.up = true;
        match (lagging, s.problem.is_some()) {
            (true, false) => {
                tracing::warn!(replica = %self.target, lag_s = s.lag.as_secs_f64(), max_s = s.lag_max.as_secs(),
                    "the replica lags: the primary serves its reads until it catches up");
                s.problem = Some("lagging".into());
            }
            (false, true) => {
                tracing::info!(replica = %self.target, "the replica caught up");
                s.problem = None;
            }
            _ => {}
        }
    }

    fn mark_up(&self) {
        let mut s = self.lock();
        s.up = true;
        s.problem = None;
    }

    /// Not to be used until the watcher finds it well again; logged once per reason.
    fn mark_down(&self, why: String) {
        let mut s = self.lock();
        if s.up || s.problem.as_deref() != Some(why.as_str()) {
            tracing::warn!(replica = %self.target, "{why}: skipped, the primary serves its reads");
        }
        s.up = false;
        s.problem = Some(why);
    }

    /// The replica failed a call (its connection was lost): skipped until the watcher sees it well again.
    pub fn failed(&self, why: &str) {
        self.count(Why::Failed);
        self.mark_down(format!("a read failed on the replica ({why})"));
    }

    /// The replica failed a read that the primary may answer (counted as failed, still used).
    pub fn missed(&self) {
        self.count(Why::Failed);
    }

    fn count(&self, why: Why) {
        let i = WHYS.iter().position(|(w, _)| *w == why).unwrap_or(0);
        self.to_primary[i].fetch_add(1, Ordering::Relaxed);
    }

    /// A connection of the replica for a read, after the replica has replayed
    /// `lsn` (when given); None when the primary is to serve it (counted).
    pub async fn choose(&self, lsn: Option<u64>) -> Option<Pooled> {
        let (up, lagging, replay, wait) = {
            let s = self.lock();
            (s.up, s.lag > s.lag_max, s.replay, s.lsn_wait)
        };
        if !up {
            self.count(Why::Down);
            return None;
        }
        if lagging {
            self.count(Why::Lagging);
            return None;
        }
        let conn = match self.pool.get().await {
            Ok(c) => c,
            Err(e) => {
                self.failed(&e.to_string());
                return None;
            }
        };
        if let Some(lsn) = lsn.filter(|l| *l > replay) {
            self.waits.fetch_add(1, Ordering::Relaxed);
            let deadline = Instant::now() + wait;
            let mut pause = Duration::from_millis(1);
            loop {
                match replay_position(&conn).await {
                    Ok(Some(now)) => {
                        {
                            let mut s = self.lock();
                            s.replay = s.replay.max(now);
                        }
                        if now >= lsn {
                            break;
                        }
                    }
                    Ok(None) => {
                        self.failed("no longer in recovery");
                        return None;
                    }
                    Err(e) => {
                        self.failed(&crate::error::describe_pg(&e));
                        return None;
                    }
                }
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    self.count(Why::LsnWait);
                    return None;
                }
                tokio::time::sleep(pause.min(left)).await;
                pause = (pause * 2).min(Duration::from_millis(20));
            }
        }
        self.to_replica.fetch_add(1, Ordering::Relaxed);
        Some(conn)
    }

    /// The replica's series for `GET /metrics`.
    pub fn render(&self) -> String {
        let s = self.lock();
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# HELP dues_replica_up Whether reads go to the replica (1): answering, verified, not lagging.\n\
             # TYPE dues_replica_up gauge\n\
             dues_replica_up {}",
            u8::from(s.up && s.lag <= s.lag_max)
        );
        let _ = writeln!(
            out,
            "# HELP dues_replica_lag_seconds How long ago the primary had written WAL the replica has not replayed yet.\n\
             # TYPE dues_replica_lag_seconds gauge\n\
             dues_replica_lag_seconds {}",
            s.lag.as_secs_f64()
        );
        let _ = writeln!(
            out,
            "# HELP dues_replica_lag_bytes WAL the primary had written that the replica had not replayed, at the last look.\n\
             # TYPE dues_replica_lag_bytes gauge\n\
             dues_replica_lag_bytes {}",
            s.lag_bytes
        );
        let _ = writeln!(
            out,
            "# HELP dues_replica_reads_total Reads of read-only functions, by the server that answered them and why.\n\
             # TYPE dues_replica_reads_total counter\n\
             dues_replica_reads_total{{server=\"replica\",why=\"\"}} {}",
            self.to_replica.load(Ordering::Relaxed)
        );
        for (i, (_, name)) in WHYS.iter().enumerate() {
            let _ = writeln!(
                out,
                "dues_replica_reads_total{{server=\"primary\",why=\"{name}\"}} {}",
                self.to_primary[i].load(Ordering::Relaxed)
            );
        }
        let _ = writeln!(
            out,
            "# HELP dues_replica_lsn_waits_total Reads that waited for the replica to replay their Dues-LSN.\n\
             # TYPE dues_replica_lsn_waits_total counter\n\
             dues_replica_lsn_waits_total {}",
            self.waits.load(Ordering::Relaxed)
        );
        out
    }
}

/// Whether a read failed on the replica for a reason of the replica's (a
/// fault, or an object a migration made that it has not replayed yet): the
/// primary is asked instead. A refusal (a privilege, a bad value, a business
/// error) is the answer, wherever the read ran.
pub fn not_there(e: &crate::api::ApiError) -> bool {
    use crate::api::ApiError;
    match e {
        ApiError::Internal(_) => true,
        ApiError::Database(r) => matches!(r.code.as_str(), "42883" | "42P01" | "42704" | "3F000"),
        _ => false,
    }
}

/// What a check of the replica found.
enum Check {
    /// It cannot be used: another cluster, another database, a primary.
    Wrong(String),
    /// It has not replayed what the primary wrote (yet).
    Behind(String),
    /// The connection failed.
    Lost(tokio_postgres::Error),
}

impl From<tokio_postgres::Error> for Check {
    fn from(e: tokio_postgres::Error) -> Check {
        Check::Lost(e)
    }
}

/// The replica's replay position; None when it is not in recovery.
async fn replay_position(c: &Client) -> std::result::Result<Option<u64>, tokio_postgres::Error> {
    let messages = c
        .simple_query("select pg_catalog.pg_last_wal_replay_lsn()::text")
        .await?;
    Ok(crate::api::execute::first_value(&messages)
        .as_deref()
        .and_then(parse_lsn))
}

/// Whether `replica` is a streaming replica of `primary` with the same
/// database: in recovery, the same cluster (system identifier), and, once it
/// has replayed what the primary had written, the same catalog fingerprint.
async fn verify(primary: &Client, replica: &Client) -> std::result::Result<(), Check> {
    let in_recovery: bool = replica
        .query_one("select pg_catalog.pg_is_in_recovery()", &[])
        .await?
        .get(0);
    if !in_recovery {
        return Err(Check::Wrong(
            "it is a primary (pg_is_in_recovery() is false), not a replica: reads would go to a server that takes writes of its own".into(),
        ));
    }
    let system = "select system_identifier::text from pg_catalog.pg_control_system()";
    let ours: String = primary.query_one(system, &[]).await?.get(0);
    let theirs: String = replica.query_one(system, &[]).await?.get(0);
    if ours != theirs {
        return Err(Check::Wrong(format!(
            "it is not a copy of the primary's cluster (system identifier {theirs}, the primary's {ours}): a streaming replica made from it (pg_basebackup -R) is"
        )));
    }
    let target: String = primary
        .query_one("select pg_catalog.pg_current_wal_insert_lsn()::text", &[])
        .await?
        .get(0);
    let target = parse_lsn(&target).unwrap_or(0);
    let started = Instant::now();
    loop {
        match replay_position(replica).await? {
            None => return Err(Check::Wrong("it is no longer in recovery".into())),
            Some(replayed) if replayed >= target => break,
            Some(_) if started.elapsed() > CATCH_UP => {
                return Err(Check::Behind(format!(
                    "the replica has not replayed the primary's WAL within {} s (not streaming, or far behind)",
                    CATCH_UP.as_secs()
                )))
            }
            Some(_) => tokio::time::sleep(Duration::from_millis(50)).await,
        }
    }
    let ours = crate::fingerprint::of(primary)
        .await
        .map_err(|e| Check::Behind(format!("the primary's catalog could not be read: {e}")))?;
    let theirs = crate::fingerprint::of(replica)
        .await
        .map_err(|e| Check::Wrong(format!("the replica's catalog could not be read: {e}")))?;
    if ours != theirs {
        let differs = ours
            .lines()
            .zip(theirs.lines())
            .find(|(a, b)| a != b)
            .map(|(a, b)| format!(" (first difference: primary {a:?}, replica {b:?})"))
            .unwrap_or_default();
        return Err(Check::Wrong(format!(
            "its database is not the primary's: the catalog fingerprints differ{differs} (another database of the cluster?)"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_wal_positions() {
        assert_eq!(parse_lsn("0/16B3748"), Some(0x16B3748));
        assert_eq!(parse_lsn("1/0"), Some(1 << 32));
        assert_eq!(parse_lsn("FFFFFFFF/FFFFFFFF"), Some(u64::MAX));
        assert!(parse_lsn("1/0") > parse_lsn("0/FFFFFFFF"));
        for bad in ["", "0", "/1", "1/", "x/1", "1/2/3", "100000000/0", "-1/0"] {
            assert_eq!(parse_lsn(bad), None, "{bad}");
        }
    }
}
