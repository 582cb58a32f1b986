//! Which connection a read gets: the replica's, once it has replayed the
//! caller's `Dues-LSN`, or none (the primary serves it, counted by why).

use super::check::replay_position;
use super::{Replica, Why};
use crate::pool::Pooled;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

impl Replica {
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
}
