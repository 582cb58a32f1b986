//! The migration log dues kept before procs/ held one file per function:
//! a database migrated with it is recognised and carried over to the baseline.

use super::*;

/// The log's history as refinery recorded it, and the baseline that replaces it.
pub(super) struct Legacy {
    /// The last version of the baseline.
    pub(super) baseline: i64,
    /// (version, name, checksum).
    pub(super) rows: Vec<(i64, String, String)>,
}

pub(super) fn legacy() -> Legacy {
    let mut baseline = 0;
    let mut rows = Vec::new();
    for line in LEGACY_HISTORY.lines() {
        let cols: Vec<&str> = line.split('\t').collect();
        match cols.as_slice() {
            ["baseline", v] => baseline = version_of(v),
            [v, name, checksum] if !v.starts_with('#') => rows.push((
                v.parse().unwrap_or(-1),
                name.to_string(),
                checksum.to_string(),
            )),
            _ => {}
        }
    }
    Legacy { baseline, rows }
}

pub(super) async fn history_rows(
    client: &impl tokio_postgres::GenericClient,
) -> Result<Option<Vec<(i64, String, String)>>> {
    let exists: bool = client
        .query_one("select to_regclass($1) is not null", &[&HISTORY_TABLE])
        .await?
        .get(0);
    if !exists {
        return Ok(None);
    }
    let rows = client
        .query(
            &format!("select version::int8, name::text, checksum::text from {HISTORY_TABLE} order by version"),
            &[],
        )
        .await?;
    Ok(Some(
        rows.iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect(),
    ))
}

/// Whether a history holds rows of the log (then it must be exactly the log).
pub(super) fn is_legacy(rows: &[(i64, String, String)], legacy: &Legacy) -> bool {
    rows.iter()
        .any(|(v, n, _)| legacy.rows.iter().any(|(lv, ln, _)| lv == v && ln == n))
}

/// A database migrated with the log: checks its history is exactly the log,
/// then replaces those rows by the baseline's, in one transaction. The
/// migrations after the baseline and procs/ then run as on any database.
pub(super) async fn adopt_legacy(client: &mut Client) -> Result<()> {
    let legacy = legacy();
    let Some(rows) = history_rows(client).await? else {
        return Ok(());
    };
    if !is_legacy(&rows, &legacy) {
        return Ok(());
    }
    for (v, name, checksum) in &legacy.rows {
        match rows.iter().find(|(rv, _, _)| rv == v) {
            None => {
                return Err(Error::Migration(format!(
                    "this database was migrated with the migration log of dues before procs/ held one file per \
                     function, but not with all of it: V{v}__{name} was never applied. Migrate it with that \
                     version of dues first, or start from a new database"
                )))
            }
            Some((_, rn, rc)) if rn != name || rc != checksum => {
                return Err(Error::Migration(format!(
                    "this database was migrated with another copy of the migration log of dues: V{v}__{name} \
                     differs from the one dues knows (applied as V{v}__{rn}, checksum {rc}). Migrate it with the \
                     dues that made it first, or start from a new database"
                )))
            }
            Some(_) => {}
        }
    }
    if let Some((v, n, _)) = rows
        .iter()
        .find(|(v, _, _)| !legacy.rows.iter().any(|(lv, _, _)| lv == v))
    {
        return Err(Error::Migration(format!(
            "this database's migration history has V{v}__{n}, which is neither in the migration log of dues \
             before procs/ held one file per function nor in its baseline: it cannot be carried over"
        )));
    }
    let baseline: Vec<File> = files()
        .filter(|f| version_of(f.name) <= legacy.baseline)
        .collect();
    let tx = client.transaction().await?;
    tx.execute(
        &format!("delete from {HISTORY_TABLE} where version = any($1)"),
        &[&legacy.rows.iter().map(|(v, _, _)| *v).collect::<Vec<i64>>()],
    )
    .await?;
    for f in &baseline {
        let m = Migration::unapplied(f.name, f.sql)
            .map_err(|e| Error::Migration(format!("{}: {e}", f.path)))?;
        tx.execute(
            &format!(
                "insert into {HISTORY_TABLE} (version, name, applied_on, checksum) \
                 values ($1, $2, to_char(now() at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), $3)"
            ),
            &[&m.version(), &m.name(), &m.checksum().to_string()],
        )
        .await?;
    }
    tx.commit().await?;
    tracing::info!(
        baseline = legacy.baseline,
        "the migration log's history was replaced by the baseline"
    );
    Ok(())
}
