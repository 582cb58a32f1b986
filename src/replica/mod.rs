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
use crate::pool::{Pool, PoolSettings};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio_postgres::Client;

mod check;
mod choose;
mod metrics;

use check::{replay_position, verify, Check};

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
            match self.sample_primary(pc).await {
                Err(_) => {
                    p = None;
                    continue;
                }
                Ok(false) => continue,
                Ok(true) => {}
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

    /// Records the primary's WAL insert position and the two settings; false
    /// when it answered no row.
    async fn sample_primary(
        &self,
        pc: &Client,
    ) -> std::result::Result<bool, tokio_postgres::Error> {
        let sample = pc
            .simple_query(
                "select pg_catalog.pg_current_wal_insert_lsn()::text, \
                 (select value from dues.setting where name = 'replica_lsn_wait_ms'), \
                 (select value from dues.setting where name = 'replica_lag_max_seconds')",
            )
            .await?;
        let row = sample.iter().find_map(|m| match m {
            tokio_postgres::SimpleQueryMessage::Row(r) => Some(r),
            _ => None,
        });
        let Some(row) = row else { return Ok(false) };
        let primary_lsn = row.get(0).and_then(parse_lsn).unwrap_or(0);
        let number = |i: usize| row.get(i).and_then(|v| v.trim().parse::<u64>().ok());
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
        Ok(true)
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
