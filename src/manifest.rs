//! The manifest of a backup: what dues measured of the database in the very
//! snapshot pg_dump copied (migration history of both kinds, catalog
//! fingerprint, rows and a content digest per table, `api.ledger_check()`,
//! the roles its grants name), written as `manifest.json` beside the dump,
//! and the `SHA256SUMS` that makes a truncated or altered file detectable.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use tokio_postgres::Client;

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
    let tables = names
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
        .collect();

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

    let roles = client
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
        .collect();

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

/// Size and SHA-256 of a file, read in blocks.
pub fn sum_file(dir: &Path, name: &str) -> Result<FileSum> {
    use sha2::{Digest, Sha256};
    let path = dir.join(name);
    let mut f = std::fs::File::open(&path).map_err(|e| Error::io(&path, e))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut bytes = 0u64;
    loop {
        let n = f.read(&mut buf).map_err(|e| Error::io(&path, e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        bytes += n as u64;
    }
    let sha256 = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok(FileSum {
        name: name.to_string(),
        bytes,
        sha256,
    })
}

/// The lines of `SHA256SUMS`, as `sha256sum` writes and checks them.
pub fn sums_text(files: &[FileSum]) -> String {
    files
        .iter()
        .map(|f| format!("{}  {}\n", f.sha256, f.name))
        .collect()
}

/// A backup folder whose every file matches `SHA256SUMS`: its manifest and
/// its fingerprint's text. Refuses (naming the file) an incomplete backup, a
/// file truncated or altered, and a manifest of another format.
pub fn verify(dir: &Path) -> Result<(Manifest, String)> {
    let refuse = |msg: String| Error::Failed(format!("{msg}; nothing was restored"));
    if !dir.is_dir() {
        return Err(refuse(format!("{}: no such folder", dir.display())));
    }
    let sums_path = dir.join(SUMS_FILE);
    let sums = match std::fs::read_to_string(&sums_path) {
        Ok(s) => s,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(refuse(format!(
                "{}: no {SUMS_FILE}, so not a complete dues backup ({SUMS_FILE} is written last)",
                dir.display()
            )))
        }
        Err(e) => return Err(Error::io(sums_path, e)),
    };
    let mut listed: BTreeMap<String, String> = BTreeMap::new();
    for (i, line) in sums.lines().enumerate() {
        let parsed = line.split_once("  ").filter(|(hash, name)| {
            hash.len() == 64
                && hash.bytes().all(|b| b.is_ascii_hexdigit())
                && [DUMP_FILE, MANIFEST_FILE, FINGERPRINT_FILE].contains(name)
        });
        let Some((hash, name)) = parsed else {
            return Err(refuse(format!(
                "{} line {}: not a SHA-256 of a file of a dues backup",
                sums_path.display(),
                i + 1
            )));
        };
        listed.insert(name.to_string(), hash.to_ascii_lowercase());
    }
    for name in [MANIFEST_FILE, DUMP_FILE, FINGERPRINT_FILE] {
        let Some(want) = listed.get(name) else {
            return Err(refuse(format!(
                "{} does not list {name}",
                sums_path.display()
            )));
        };
        let path = dir.join(name);
        if !path.is_file() {
            return Err(refuse(format!("{}: missing", path.display())));
        }
        let got = sum_file(dir, name)?;
        if &got.sha256 != want {
            return Err(refuse(format!(
                "{}: its SHA-256 is {}, {SUMS_FILE} says {want}: the file was truncated or altered",
                path.display(),
                got.sha256
            )));
        }
    }
    let manifest_path = dir.join(MANIFEST_FILE);
    let text = std::fs::read_to_string(&manifest_path).map_err(|e| Error::io(&manifest_path, e))?;
    let format = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|v| v["format"].as_u64());
    if format != Some(FORMAT as u64) {
        return Err(refuse(format!(
            "{}: manifest format {}, this dues reads format {FORMAT}",
            manifest_path.display(),
            format.map_or("unknown".to_string(), |f| f.to_string())
        )));
    }
    let manifest: Manifest = serde_json::from_str(&text)
        .map_err(|e| refuse(format!("{}: {e}", manifest_path.display())))?;
    for f in &manifest.files {
        let actual = sum_file(dir, &f.name)?;
        if actual != *f {
            return Err(refuse(format!(
                "{}: {} bytes with SHA-256 {}, the manifest says {} bytes with SHA-256 {}",
                dir.join(&f.name).display(),
                actual.bytes,
                actual.sha256,
                f.bytes,
                f.sha256
            )));
        }
    }
    let fp_path = dir.join(FINGERPRINT_FILE);
    let fingerprint = std::fs::read_to_string(&fp_path).map_err(|e| Error::io(&fp_path, e))?;
    Ok((manifest, fingerprint))
}

/// Environment variables that point libpq (pg_dump, pg_restore) at the
/// server of `config` without putting a password on a command line; the
/// database is given as `--dbname` with [`dbname_arg`].
pub fn libpq_env(config: &tokio_postgres::Config) -> Vec<(&'static str, String)> {
    use tokio_postgres::config::{Host, SslMode};
    let mut env = Vec::new();
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .map(|h| match h {
            Host::Tcp(name) => name.clone(),
            Host::Unix(path) => path.display().to_string(),
        })
        .collect();
    if !hosts.is_empty() {
        env.push(("PGHOST", hosts.join(",")));
    }
    let ports: Vec<String> = config.get_ports().iter().map(|p| p.to_string()).collect();
    if !ports.is_empty() {
        env.push(("PGPORT", ports.join(",")));
    }
    let addrs: Vec<String> = config
        .get_hostaddrs()
        .iter()
        .map(|a| a.to_string())
        .collect();
    if !addrs.is_empty() {
        env.push(("PGHOSTADDR", addrs.join(",")));
    }
    if let Some(u) = config.get_user() {
        env.push(("PGUSER", u.to_string()));
    }
    if let Some(p) = config.get_password() {
        env.push(("PGPASSWORD", String::from_utf8_lossy(p).into_owned()));
    }
    if let Some(o) = config.get_options() {
        env.push(("PGOPTIONS", o.to_string()));
    }
    if let Some(t) = config.get_connect_timeout() {
        env.push(("PGCONNECT_TIMEOUT", t.as_secs().max(1).to_string()));
    }
    env.push((
        "PGSSLMODE",
        match config.get_ssl_mode() {
            SslMode::Disable => "disable",
            SslMode::Require => "require",
            _ => "prefer",
        }
        .to_string(),
    ));
    env
}

/// Variables of the caller's environment that would override [`libpq_env`].
pub const LIBPQ_CLEARED: [&str; 4] = ["PGSERVICE", "PGSERVICEFILE", "PGDATABASE", "PGPASSFILE"];

/// `--dbname` for pg_dump and pg_restore: a keyword string naming only the
/// database, quoted so that any name is read as a name.
pub fn dbname_arg(dbname: &str) -> String {
    format!(
        "--dbname=dbname='{}'",
        dbname.replace('\\', "\\\\").replace('\'', "\\'")
    )
}

/// `dir` made absolute against the current folder, for messages.
pub fn shown(dir: &Path) -> PathBuf {
    std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_name_is_quoted_for_libpq() {
        assert_eq!(dbname_arg("dues"), "--dbname=dbname='dues'");
        assert_eq!(dbname_arg("a b'c\\d=e"), "--dbname=dbname='a b\\'c\\\\d=e'");
    }

    #[test]
    fn the_password_goes_to_the_environment_only() {
        let c: tokio_postgres::Config =
            "postgres://ann:s3cret@db.example:6543/billing?sslmode=disable"
                .parse()
                .unwrap();
        let env = libpq_env(&c);
        assert!(env.contains(&("PGPASSWORD", "s3cret".into())));
        assert!(env.contains(&("PGHOST", "db.example".into())));
        assert!(env.contains(&("PGPORT", "6543".into())));
        assert!(env.contains(&("PGSSLMODE", "disable".into())));
        assert!(!dbname_arg(c.get_dbname().unwrap()).contains("s3cret"));
    }

    #[test]
    fn sums_are_written_as_sha256sum_reads_them() {
        let f = FileSum {
            name: DUMP_FILE.into(),
            bytes: 3,
            sha256: "ab".repeat(32),
        };
        assert_eq!(sums_text(&[f]), format!("{}  dues.dump\n", "ab".repeat(32)));
    }
}
