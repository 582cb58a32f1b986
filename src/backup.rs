//! `dues backup`: a consistent copy of the database with pg_dump's custom
//! format, and its manifest measured in the same snapshot (pg_dump
//! `--snapshot` imports the one this connection exported), so the counts,
//! digests and ledger check describe exactly what the dump holds while
//! servers keep writing. The folder is written as `DIR.partial` and renamed
//! when complete; `SHA256SUMS` is its last file.

use crate::database::Database;
use crate::error::{Error, Result};
use crate::manifest::{self, Manifest, DUMP_FILE, FINGERPRINT_FILE, MANIFEST_FILE, SUMS_FILE};
use std::fs;
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Writes a backup of `db` into `to` (a new folder; default
/// `dues-backup-<UTC time>`) and prints what it holds.
pub async fn run(db: &Database, to: Option<PathBuf>) -> Result<()> {
    if let Some(cluster) = db.cluster().filter(|c| !c.initialized()) {
        // never create a cluster only to find it empty
        return Err(Error::Failed(format!(
            "there is no embedded cluster under {}: nothing to back up (is --home or DUES_HOME right?)",
            cluster.home.display()
        )));
    }
    db.prepare().await?;
    let client = db.connect().await?;
    let (server_version, server_major, user) = server_facts(&client).await?;
    let (bindir, pg_dump_version) = crate::pg_programs::find_dump_bindir(server_major as u32)?;

    client
        .batch_execute("begin isolation level repeatable read, read only")
        .await?;
    let r = client
        .query_one(
            "select pg_catalog.pg_export_snapshot(), \
                    to_char(now() at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), \
                    to_char(now() at time zone 'UTC', 'YYYYMMDD\"T\"HH24MISS\"Z\"')",
            &[],
        )
        .await?;
    let (snapshot, taken_at, stamp): (String, String, String) = (r.get(0), r.get(1), r.get(2));
    let dir = to.unwrap_or_else(|| PathBuf::from(format!("dues-backup-{stamp}")));
    let partial = partial_of(&dir)?;
    let written = async {
        make_private_dir(&partial)?;
        let mut dump = pg_dump(&bindir, &snapshot, &partial.join(DUMP_FILE), db);
        let (dumped, measured) = tokio::join!(dump.output(), manifest::measure(&client));
        let dumped = dumped.map_err(|e| Error::io(bindir.join("pg_dump"), e))?;
        if !dumped.status.success() {
            return Err(Error::Failed(format!(
                "pg_dump of {} failed ({}): {}",
                db.describe(),
                dumped.status,
                String::from_utf8_lossy(&dumped.stderr).trim()
            )));
        }
        let (contents, fingerprint_text) = measured?;
        private_file(&partial.join(DUMP_FILE))?;
        write_file(&partial.join(FINGERPRINT_FILE), fingerprint_text.as_bytes())?;
        let files = vec![
            manifest::sum_file(&partial, DUMP_FILE)?,
            manifest::sum_file(&partial, FINGERPRINT_FILE)?,
        ];
        let m = Manifest {
            format: manifest::FORMAT,
            dues_version: env!("CARGO_PKG_VERSION").into(),
            taken_at,
            source: db.describe(),
            server_version,
            pg_dump_version,
            database_user: user,
            contents,
            files,
        };
        write_manifest(&partial, &m)?;
        publish(&partial, &dir)?;
        Ok::<_, Error>(m)
    }
    .await;
    let _ = client.batch_execute("commit").await;
    let m = match written {
        Ok(m) => m,
        Err(e) => {
            let _ = fs::remove_dir_all(&partial);
            return Err(e);
        }
    };
    print_summary(&dir, &m);
    Ok(())
}

/// The server's version, its major number, and the user dues connects as.
async fn server_facts(client: &tokio_postgres::Client) -> Result<(String, i32, String)> {
    let r = client
        .query_one(
            "select current_setting('server_version'), \
                    current_setting('server_version_num')::int / 10000, current_user::text",
            &[],
        )
        .await?;
    Ok((r.get(0), r.get(1), r.get(2)))
}

/// pg_dump of the database in the exported snapshot, custom format.
fn pg_dump(bindir: &Path, snapshot: &str, file: &Path, db: &Database) -> tokio::process::Command {
    let mut dump = tokio::process::Command::new(bindir.join("pg_dump"));
    dump.args(["--format=custom", "--no-password"])
        .arg(format!("--snapshot={snapshot}"))
        .arg(format!("--file={}", file.display()))
        .arg(crate::pg_programs::dbname_arg(db.dbname()))
        .envs(crate::pg_programs::libpq_env(db.config()))
        .env("PGAPPNAME", "dues backup")
        .stdin(std::process::Stdio::null());
    for v in crate::pg_programs::LIBPQ_CLEARED {
        dump.env_remove(v);
    }
    dump
}

/// Writes the manifest, then `SHA256SUMS` (last: a backup without it is incomplete).
fn write_manifest(partial: &Path, m: &Manifest) -> Result<()> {
    let json = serde_json::to_string_pretty(m)
        .map_err(|e| Error::Failed(format!("writing the manifest: {e}")))?;
    write_file(&partial.join(MANIFEST_FILE), format!("{json}\n").as_bytes())?;
    let mut sums = vec![manifest::sum_file(partial, MANIFEST_FILE)?];
    sums.extend(m.files.iter().cloned());
    write_file(
        &partial.join(SUMS_FILE),
        manifest::sums_text(&sums).as_bytes(),
    )
}

/// Moves the finished folder to its name, each step flushed to disk.
fn publish(partial: &Path, dir: &Path) -> Result<()> {
    sync_dir(partial)?;
    fs::rename(partial, dir).map_err(|e| Error::io(dir, e))?;
    if let Some(parent) = dir.parent() {
        sync_dir(if parent.as_os_str().is_empty() {
            Path::new(".")
        } else {
            parent
        })?;
    }
    Ok(())
}

fn print_summary(dir: &Path, m: &Manifest) {
    let c = &m.contents;
    let dump = m.files.iter().find(|f| f.name == DUMP_FILE);
    println!("backup   {}", manifest::shown(dir).display());
    println!("taken    {} from {}", m.taken_at, m.source);
    if let Some(d) = dump {
        println!(
            "dump     {DUMP_FILE}: {} bytes, SHA-256 {} ({})",
            d.bytes, d.sha256, m.pg_dump_version
        );
    }
    println!(
        "contents {} tables, {} rows; {} sql/ migrations, {} procs/ applications; fingerprint {}",
        c.tables.len(),
        c.rows(),
        c.sql_migrations.len(),
        c.procs_applications.len(),
        c.fingerprint
    );
    if c.ledger_check.is_empty() {
        println!("ledger   api.ledger_check() is empty");
    } else {
        println!(
            "ledger   api.ledger_check() reports {} problems (kept in the manifest)",
            c.ledger_check.len()
        );
        eprintln!(
            "dues: warning: api.ledger_check() reported {} problems in the database backed up: {}",
            c.ledger_check.len(),
            serde_json::Value::Array(c.ledger_check.clone())
        );
    }
}

/// `DIR.partial`, refusing a `DIR` that exists with something in it and a
/// `DIR.partial` left by another backup.
fn partial_of(dir: &Path) -> Result<PathBuf> {
    let name = dir
        .file_name()
        .ok_or_else(|| Error::Usage(format!("--to {}: not a folder name", dir.display())))?;
    if let Ok(mut entries) = fs::read_dir(dir) {
        if entries.next().is_some() {
            return Err(Error::Usage(format!(
                "{} exists and is not empty: dues backup writes a new folder",
                manifest::shown(dir).display()
            )));
        }
    } else if dir.exists() {
        return Err(Error::Usage(format!(
            "{} exists and is not a folder",
            manifest::shown(dir).display()
        )));
    }
    let mut partial_name = name.to_os_string();
    partial_name.push(".partial");
    let partial = dir.with_file_name(partial_name);
    if partial.exists() {
        return Err(Error::Usage(format!(
            "{} exists: another backup is writing it, or one was interrupted (then remove it)",
            manifest::shown(&partial).display()
        )));
    }
    Ok(partial)
}

/// A folder only its owner may read (a backup holds members' data and token hashes).
fn make_private_dir(dir: &Path) -> Result<()> {
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| Error::io(dir, e))?;
    fs::set_permissions(dir, fs::Permissions::from_mode(0o700)).map_err(|e| Error::io(dir, e))
}

fn private_file(path: &Path) -> Result<()> {
    fs::set_permissions(path, fs::Permissions::from_mode(0o600)).map_err(|e| Error::io(path, e))
}

/// Writes a new file (mode 0600) and flushes it to disk.
fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut f = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| Error::io(path, e))?;
    f.write_all(bytes).map_err(|e| Error::io(path, e))?;
    f.sync_all().map_err(|e| Error::io(path, e))
}

fn sync_dir(dir: &Path) -> Result<()> {
    fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| Error::io(dir, e))
}
