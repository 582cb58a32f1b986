//! The replica's checks: in recovery, the same cluster, the same database
//! (catalog fingerprint), and its replay position.

use super::{parse_lsn, CATCH_UP};
use std::time::{Duration, Instant};
use tokio_postgres::Client;

/// What a check of the replica found.
pub(super) enum Check {
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
pub(super) async fn replay_position(
    c: &Client,
) -> std::result::Result<Option<u64>, tokio_postgres::Error> {
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
pub(super) async fn verify(primary: &Client, replica: &Client) -> std::result::Result<(), Check> {
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
