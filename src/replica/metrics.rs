//! The replica's series for `GET /metrics`.

use super::{Replica, WHYS};
use std::fmt::Write;
use std::sync::atomic::Ordering;

impl Replica {
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
