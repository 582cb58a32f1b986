//! The manifest of a backup: what dues measured of the database in the very
//! snapshot pg_dump copied (migration history of both kinds, catalog
//! fingerprint, rows and a content digest per table, `api.ledger_check()`,
//! the roles its grants name), written as `manifest.json` beside the dump,
//! and the `SHA256SUMS` that makes a truncated or altered file detectable.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use tokio_postgres::Client;

mod sums;
pub use sums::{sum_file, sums_text, verify};

/// The version of the manifest's layout; a restore refuses another.
pub const FORMAT: u32 = 1;
/// The archive pg_dump writes (custom format).
pub const DUMP_FILE: &str = "dues.dump";
pub const MANIFEST_FILE: &str = "manifest.json";
/// `dues migrate --fingerprint` of the database, to show how a restore differs.
pub const FINGERPRINT_FILE: &str = "fingerprint.txt";
/// `sha256sum` lines of the three files above; written last, so a backup
/// without it is incomplete.
pub const SUMS_FILE: &str = "SHA256SUMS";

/// A backup's manifest.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    /// The dues that made it.
    pub dues_version: String,
    /// When its snapshot was taken (UTC).
    pub taken_at: String,
    /// The database it copies, without password.
    pub source: String,
    pub server_version: String,
    pub pg_dump_version: String,
    /// The user dues connected as (owner of what dues created).
    pub database_user: String,
    pub contents: Contents,
    /// The dump and the fingerprint: size and SHA-256.
    pub files: Vec<FileSum>,
}

/// What a database holds, measured in one snapshot: equal for a database and
/// its restored copy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contents {
    /// refinery's history of `sql/` (table dues_migrations).
    pub sql_migrations: Vec<SqlMigration>,
    /// Every application of a `procs/` file (table dues_procs), oldest first.
    pub procs_applications: Vec<ProcApplication>,
    /// The last line's hash of `dues migrate --fingerprint`.
    pub fingerprint: String,
    /// Every table, schema-qualified: rows and a digest of their contents.
    pub tables: BTreeMap<String, Table>,
    /// The rows of `api.ledger_check()`: empty when the ledger balances.
    pub ledger_check: Vec<serde_json::Value>,
    /// Roles the database's grants name, and dues' request roles: they
    /// belong to the server, not to the dump, so a restore creates them.
    pub roles: Vec<Role>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SqlMigration {
    pub version: i64,
    pub name: String,
    pub checksum: String,
    pub applied_on: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProcApplication {
    pub file: String,
    pub checksum: String,
    pub applied_at: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Table {
    pub rows: i64,
    /// Sum of the first 60 bits of each row's MD5 (as text, with fixed
    /// settings): independent of row order, so a restored copy has the same.
    pub digest: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Role {
    pub name: String,
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileSum {
    pub name: String,
    pub bytes: u64,
    pub sha256: String,
}

/// Settings that fix how values print as text, so that row digests do not
/// depend on the session (run inside the measuring transaction).
const STABLE_TEXT: &str = "set local timezone = 'UTC'; set local datestyle = 'ISO, YMD'; \
     set local intervalstyle = 'postgres'; set local extra_float_digits = 3; \
     set local bytea_output = 'hex'";

/// Measures the database `client` is connected to. The caller has begun a
/// transaction (repeatable read) so that every figure comes from one
/// snapshot; returns the contents and the fingerprint's text.
pub async fn measure(client: &Client) -> Result<(Contents, String)> {
    client.batch_execute(STABLE_TEXT).await?;
    let is_dues: bool = client
        .query_one(
            "select pg_catalog.to_regprocedure('api.ledger_check()') is not null",
            &[],
        )
        .await?
        .get(0);
    if !is_dues {
        return Err(Error::Failed(
            "this database has no api.ledger_check(): it is not a dues database (run dues migrate first)"
                .into(),
        ));
    }
    let fingerprint_text = crate::fingerprint::of(client).await?;
    let fingerprint = fingerprint_text
        .lines()
        .last()
        .and_then(|l| l.strip_prefix("-- fingerprint "))
        .unwrap_or_default()
        .to_string();

    let sql_migrations = sql_migrations(client).await?;
    let procs_applications = procs_applications(client).await?;

    let tables = tables(client).await?;

    let ledger_check = ledger_check(client).await?;

    let roles = roles(client).await?;

    Ok((
        Contents {
            sql_migrations,
            procs_applications,
            fingerprint,
            tables,
            ledger_check,
            roles,
        },
        fingerprint_text,
    ))
}

/// The versioned migrations the database applied (refinery's history).
async fn sql_migrations(client: &Client) -> Result<Vec<SqlMigration>> {
    let mut sql_migrations = Vec::new();
    if table_exists(client, crate::migrate::HISTORY_TABLE).await? {
        for r in client
            .query(
                &format!(
                    "select version::int8, name::text, checksum::text, coalesce(applied_on::text, '') \
                     from {} order by version",
                    crate::migrate::HISTORY_TABLE
                ),
                &[],
            )
            .await?
        {
            sql_migrations.push(SqlMigration {
                version: r.get(0),
                name: r.get(1),
                checksum: r.get(2),
                applied_on: r.get(3),
            });
        }
    }
    Ok(sql_migrations)
}

/// Each application of a procs/ file.
async fn procs_applications(client: &Client) -> Result<Vec<ProcApplication>> {
    let mut procs_applications = Vec::new();
    if table_exists(client, crate::migrate::PROCS_TABLE).await? {
        for r in client
            .query(
                &format!(
                    "select file, checksum, \
                     to_char(applied_at at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') \
                     from {} order by applied_at, file",
                    crate::migrate::PROCS_TABLE
                ),
                &[],
            )
            .await?
        {
            procs_applications.push(ProcApplication {
                file: r.get(0),
                checksum: r.get(1),
                applied_at: r.get(2),
            });
        }
    }
    Ok(procs_applications)
}

/// Every table of the database that an extension does not own, with its row
/// count and a digest of its rows.
async fn tables(client: &Client) -> Result<BTreeMap<String, Table>> {
    // every table of the database that an extension does not own
    let names: Vec<String> = client
        .query(
            "select pg_catalog.format('%I.%I', n.nspname, c.relname) \
               from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace \
              where c.relkind = 'r' and n.nspname <> 'information_schema' and n.nspname !~ '^pg_' \
                and not exists (select from pg_catalog.pg_depend d \
                                 where d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass \
                                   and d.objid = c.oid and d.deptype = 'e') \
              order by 1",
            &[],
        )
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    // one statement per table, pipelined on the connection
    let counted = futures_util::future::try_join_all(names.iter().map(|t| {
        let sql = format!(
            "select pg_catalog.count(*), coalesce(pg_catalog.sum(('x' || pg_catalog.substr(pg_catalog.md5(t::text), 1, 15))\
             ::bit(60)::int8::numeric), 0)::text from only {t} t"
        );
        async move { client.query_one(&sql, &[]).await }
    }))
    .await?;
    Ok(names
        .into_iter()
        .zip(counted)
        .map(|(name, r)| {
            (
                name,
                Table {
                    rows: r.get(0),
                    digest: r.get(1),
                },
            )
        })
        .collect())
}

/// What `api.ledger_check()` finds, as JSON.
async fn ledger_check(client: &Client) -> Result<Vec<serde_json::Value>> {
    let ledger: String = client
        .query_one(
            "select coalesce(pg_catalog.json_agg(l order by l.kind, l.object, l.detail)::text, '[]') \
               from api.ledger_check() l",
            &[],
        )
        .await?
        .get(0);
    let ledger_check = serde_json::from_str(&ledger)
        .map_err(|e| Error::Failed(format!("api.ledger_check() as JSON: {e}")))?;
    Ok(ledger_check)
}

/// The request roles and the roles owning objects of the database.
async fn roles(client: &Client) -> Result<Vec<Role>> {
    Ok(client
        .query(
            "select r.rolname::text, pg_catalog.shobj_description(r.oid, 'pg_authid') \
               from pg_catalog.pg_roles r \
              where r.rolname like 'dues\\_%' \
                 or r.oid in (select d.refobjid from pg_catalog.pg_shdepend d \
                               where d.dbid = (select oid from pg_catalog.pg_database \
                                                where datname = pg_catalog.current_database()) \
                                 and d.refclassid = 'pg_catalog.pg_authid'::pg_catalog.regclass \
                                 and d.deptype = 'a') \
              order by 1",
            &[],
        )
        .await?
        .iter()
        .map(|r| Role {
            name: r.get(0),
            comment: r.get(1),
        })
        .collect())
}

async fn table_exists(client: &Client, name: &str) -> Result<bool> {
    Ok(client
        .query_one("select pg_catalog.to_regclass($1) is not null", &[&name])
        .await?
        .get(0))
}

impl Contents {
    /// Rows in all tables.
    pub fn rows(&self) -> i64 {
        self.tables.values().map(|t| t.rows).sum()
    }
}

/// `dir` made absolute against the current folder, for messages.
pub fn shown(dir: &Path) -> PathBuf {
    std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf())
}
