//! Migrations, both kinds in one run under one advisory lock: first the
//! versioned, append-only stream of `sql/` (refinery, one transaction per
//! migration), then every `procs/` file whose checksum differs from what the
//! database last applied (all in one transaction, recorded in `dues_procs`).
//! A database migrated with the log dues kept before procs/ held one file per
//! function is recognised and carried over to the baseline.

use crate::error::{Error, Result};
use crate::sqlscan;
use refinery::error::Kind;
use refinery::{Migration, Runner};
use std::collections::{BTreeMap, BTreeSet};
use tokio_postgres::Client;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/migrations.rs"));
}

/// The table refinery records applied versioned migrations in.
pub const HISTORY_TABLE: &str = "dues_migrations";
/// The table recording each application of a procs/ file (file, checksum, applied at).
pub const PROCS_TABLE: &str = "dues_procs";
/// The channel told after migrations ran, so servers refresh their catalog cache.
pub const CATALOG_CHANNEL: &str = "dues_catalog";
/// Advisory lock key held while migrating ("dues" + 1).
const LOCK_KEY: i64 = 0x6475_6573_0000_0001;
/// The schemas whose every function has its procs/ file.
pub const SCHEMAS: [&str; 4] = ["api", "rules", "dues", "jobs"];
/// The versions, names and checksums of the log, and the last version of the baseline.
const LEGACY_HISTORY: &str = include_str!("legacy_history.tsv");

/// One versioned migration of `sql/`.
#[derive(Debug, Clone, Copy)]
pub struct File {
    /// Path relative to the crate, e.g. `sql/V202611220401__schemas.sql`.
    pub path: &'static str,
    /// refinery's name, e.g. `V202611220401__schemas`.
    pub name: &'static str,
    pub sql: &'static str,
}

/// One file of `procs/`: the current definition of one function.
#[derive(Debug, Clone)]
pub struct Proc {
    /// e.g. `procs/api/register_payment.sql`.
    pub path: &'static str,
    pub schema: &'static str,
    pub name: &'static str,
    /// (trigger, table schema, table) of the triggers it creates.
    pub triggers: Vec<(&'static str, &'static str, &'static str)>,
    /// Line of its `create … function`.
    pub line: usize,
    pub sql: &'static str,
}

impl Proc {
    /// Hex SHA-256 of the file, what `dues_procs` records.
    pub fn checksum(&self) -> String {
        crate::hex_digest(self.sql.as_bytes())
    }
}

struct Stream {
    versioned: Vec<File>,
    procs: Vec<Proc>,
}

/// The stream read from a folder at run time instead of the built-in copy.
static FROM_DISK: std::sync::OnceLock<Stream> = std::sync::OnceLock::new();

fn stream() -> &'static Stream {
    FROM_DISK.get_or_init(|| Stream {
        versioned: embedded::VERSIONED
            .iter()
            .map(|&(path, name, sql)| File { path, name, sql })
            .collect(),
        procs: embedded::PROCS
            .iter()
            .map(|&(path, schema, name, triggers, line, sql)| Proc {
                path,
                schema,
                name,
                triggers: triggers.to_vec(),
                line,
                sql,
            })
            .collect(),
    })
}

/// The versioned migrations, in version order: built into this binary, or
/// read from disk by [`use_folder`].
pub fn files() -> impl Iterator<Item = File> {
    stream().versioned.iter().copied()
}

/// The procs/ files, in path order.
pub fn procs() -> impl Iterator<Item = &'static Proc> {
    stream().procs.iter()
}

/// Reads `root/sql` and `root/procs` instead of the copy built into the
/// binary (to try migrations without rebuilding), refusing what the build
/// refuses. Call before any other function of this module.
pub fn use_folder(root: &std::path::Path) -> Result<()> {
    let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
    let mut versioned: Vec<(i64, File)> = Vec::new();
    let dir = root.join("sql");
    let rd = match std::fs::read_dir(&dir) {
        Ok(rd) => Some(rd),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(Error::io(dir, e)),
    };
    for entry in rd.into_iter().flatten().flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        let Some(stem) = file.strip_suffix(".sql") else {
            continue;
        };
        let path = format!("sql/{file}");
        let version = version_of(stem);
        if version < 0 || !stem.contains("__") {
            return Err(Error::Migration(format!(
                "{path}: a versioned migration is named V<version>__<name>.sql"
            )));
        }
        if let Some((_, other)) = versioned.iter().find(|(v, _)| *v == version) {
            return Err(Error::Migration(format!(
                "{path} and {} have the same version {version}",
                other.path
            )));
        }
        let sql = std::fs::read_to_string(entry.path()).map_err(|e| Error::io(entry.path(), e))?;
        versioned.push((
            version,
            File {
                path: leak(path),
                name: leak(stem.to_string()),
                sql: leak(sql),
            },
        ));
    }
    versioned.sort_by_key(|(v, _)| *v);

    let mut paths = Vec::new();
    walk(root, &root.join("procs"), &mut paths)?;
    paths.sort();
    let mut scanned = Vec::new();
    let mut procs = Vec::new();
    for rel in paths {
        let sql =
            std::fs::read_to_string(root.join(&rel)).map_err(|e| Error::io(root.join(&rel), e))?;
        let f = sqlscan::scan_proc(&rel, &sql).map_err(Error::Migration)?;
        scanned.push(f.clone());
        procs.push(Proc {
            path: leak(f.path),
            schema: leak(f.schema),
            name: leak(f.name),
            triggers: f
                .triggers
                .into_iter()
                .map(|(t, s, n)| (leak(t), leak(s), leak(n)))
                .collect(),
            line: f.line,
            sql: leak(sql),
        });
    }
    sqlscan::check_unique(&scanned).map_err(Error::Migration)?;
    FROM_DISK
        .set(Stream {
            versioned: versioned.into_iter().map(|(_, f)| f).collect(),
            procs,
        })
        .map_err(|_| Error::Migration("the migration stream was already chosen".into()))
}

/// Every `.sql` file under `dir`, relative to `root` with `/` separators.
fn walk(root: &std::path::Path, dir: &std::path::Path, out: &mut Vec<String>) -> Result<()> {
    let rd = match std::fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::io(dir, e)),
    };
    for entry in rd.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(root, &path, out)?;
        } else if path.extension().is_some_and(|x| x == "sql") {
            let rel = path.strip_prefix(root).unwrap_or(&path);
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
    Ok(())
}

/// One line of `dues migrate --status`.
#[derive(Debug)]
pub struct State {
    /// applied, pending, legacy (a row of the log, replaced by the baseline at
    /// the next migrate) or orphan (a function with no procs/ file).
    pub state: &'static str,
    /// The file, or for an orphan the function.
    pub path: String,
    /// When it was applied (RFC 3339).
    pub applied_on: Option<String>,
    pub note: Option<String>,
}

fn runner() -> Result<Runner> {
    let migrations = files()
        .map(|f| {
            Migration::unapplied(f.name, f.sql)
                .map_err(|e| Error::Migration(format!("{}: {e}", f.path)))
        })
        .collect::<Result<Vec<_>>>()?;
    let mut runner = Runner::new(&migrations)
        .set_grouped(false)
        .set_abort_divergent(true)
        .set_abort_missing(true);
    runner.set_migration_table_name(HISTORY_TABLE);
    Ok(runner)
}

/// Applies every pending versioned migration, then every changed procs/ file;
/// returns the files applied. Another `dues migrate` on the same database
/// waits for this one to finish.
pub async fn run(client: &mut Client) -> Result<Vec<String>> {
    client
        .execute("select pg_advisory_lock($1)", &[&LOCK_KEY])
        .await?;
    let result = run_locked(client).await;
    let unlock = client
        .execute("select pg_advisory_unlock($1)", &[&LOCK_KEY])
        .await;
    let applied = result?;
    unlock?;
    if !applied.is_empty() {
        client
            .batch_execute(&format!("notify {CATALOG_CHANNEL}, 'migrated'"))
            .await?;
    }
    Ok(applied)
}

async fn run_locked(client: &mut Client) -> Result<Vec<String>> {
    adopt_legacy(client).await?;
    let report = runner()?.run_async(client).await.map_err(explain)?;
    let mut applied: Vec<String> = report
        .applied_migrations()
        .iter()
        .map(|m| path_of(m.version()))
        .collect();
    applied.extend(apply_procs(client, !applied.is_empty()).await?);
    Ok(applied)
}

// ---- the log ------------------------------------------------------------------

/// The log's history as refinery recorded it, and the baseline that replaces it.
struct Legacy {
    /// The last version of the baseline.
    baseline: i64,
    /// (version, name, checksum).
    rows: Vec<(i64, String, String)>,
}

fn legacy() -> Legacy {
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

async fn history_rows(
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
fn is_legacy(rows: &[(i64, String, String)], legacy: &Legacy) -> bool {
    rows.iter()
        .any(|(v, n, _)| legacy.rows.iter().any(|(lv, ln, _)| lv == v && ln == n))
}

/// A database migrated with the log: checks its history is exactly the log,
/// then replaces those rows by the baseline's, in one transaction. The
/// migrations after the baseline and procs/ then run as on any database.
async fn adopt_legacy(client: &mut Client) -> Result<()> {
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

// ---- procs/ -------------------------------------------------------------------

async fn ensure_procs_table(client: &impl tokio_postgres::GenericClient) -> Result<()> {
    client
        .batch_execute(&format!(
            "create table if not exists {PROCS_TABLE} (\n\
                 file       text        not null,\n\
                 checksum   text        not null,\n\
                 definition text        not null,\n\
                 applied_at timestamptz not null default clock_timestamp(),\n\
                 primary key (file, applied_at)\n\
             );\n\
             comment on table {PROCS_TABLE} is \
                 'Each application of a procs/ file by dues migrate: the newest row of a file is the definition the database runs. \
                  checksum: SHA-256 of the file; definition: MD5 of pg_get_functiondef of its function just after.'"
        ))
        .await?;
    Ok(())
}

/// What the database holds of procs/: per file the checksum, time and function
/// definition of its last application; functions (schema, name) → signatures
/// and → MD5 of their definition; triggers (name, schema, table).
struct Applied {
    files: BTreeMap<String, (String, String, String)>,
    functions: BTreeMap<(String, String), Vec<String>>,
    definitions: BTreeMap<(String, String), String>,
    triggers: BTreeSet<(String, String, String)>,
}

async fn applied(client: &impl tokio_postgres::GenericClient) -> Result<Applied> {
    let mut files = BTreeMap::new();
    let exists: bool = client
        .query_one("select to_regclass($1) is not null", &[&PROCS_TABLE])
        .await?
        .get(0);
    if exists {
        for r in client
            .query(
                &format!(
                    "select distinct on (file) file, checksum, \
                     to_char(applied_at at time zone 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), definition \
                     from {PROCS_TABLE} order by file, applied_at desc"
                ),
                &[],
            )
            .await?
        {
            files.insert(r.get::<_, String>(0), (r.get(1), r.get(2), r.get(3)));
        }
    }
    let mut functions: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    let mut definitions = BTreeMap::new();
    for r in client
        .query(
            "select n.nspname::text, p.proname::text, p.oid::regprocedure::text, \
                    pg_catalog.md5(pg_catalog.pg_get_functiondef(p.oid)) \
             from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace \
             where n.nspname = any($1) and p.prokind in ('f', 'p') order by 3",
            &[&SCHEMAS.to_vec()],
        )
        .await?
    {
        let key: (String, String) = (r.get(0), r.get(1));
        definitions.insert(key.clone(), r.get(3));
        functions.entry(key).or_default().push(r.get(2));
    }
    let triggers = client
        .query(
            "select t.tgname::text, n.nspname::text, c.relname::text \
             from pg_catalog.pg_trigger t join pg_catalog.pg_class c on c.oid = t.tgrelid \
             join pg_catalog.pg_namespace n on n.oid = c.relnamespace where not t.tgisinternal",
            &[],
        )
        .await?
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    Ok(Applied {
        files,
        functions,
        definitions,
        triggers,
    })
}

/// Why a procs/ file is to be applied, or None when the database runs it.
fn pending_reason(p: &Proc, db: &Applied) -> Option<&'static str> {
    let key = (p.schema.to_string(), p.name.to_string());
    match db.files.get(p.path) {
        None => return Some("new"),
        Some((checksum, _, _)) if *checksum != p.checksum() => return Some("changed"),
        Some((_, _, definition)) => match db.definitions.get(&key) {
            None => return Some("its function is missing from the database"),
            Some(now) if now != definition => {
                return Some("its function was changed outside procs/")
            }
            _ => {}
        },
    }
    if p.triggers.iter().any(|(t, s, n)| {
        !db.triggers
            .contains(&(t.to_string(), s.to_string(), n.to_string()))
    }) {
        return Some("a trigger of it is missing from the database");
    }
    None
}

/// Functions of schemas api, rules, dues and jobs that no procs/ file defines,
/// and names defined more than once (overloads): each with what to do.
fn orphans(db: &Applied) -> Vec<(String, String)> {
    let defined: BTreeSet<(String, String)> = procs()
        .map(|p| (p.schema.to_string(), p.name.to_string()))
        .collect();
    let mut out = Vec::new();
    for (key, signatures) in &db.functions {
        if !defined.contains(key) {
            for s in signatures {
                out.push((
                    s.clone(),
                    format!("no file in procs/: a sql/ migration drops it (drop function if exists {s};)"),
                ));
            }
        } else if signatures.len() > 1 {
            out.push((
                signatures.join(", "),
                format!(
                    "{}.{} has {} definitions, procs/{}/{}.sql one: a sql/ migration drops the old ones",
                    key.0,
                    key.1,
                    signatures.len(),
                    key.0,
                    key.1
                ),
            ));
        }
    }
    out
}

fn refuse_orphans(db: &Applied) -> Result<()> {
    let found = orphans(db);
    if found.is_empty() {
        return Ok(());
    }
    let list: Vec<String> = found.iter().map(|(f, why)| format!("{f}: {why}")).collect();
    Err(Error::Migration(format!(
        "the database has functions that procs/ does not define: {}; nothing of procs/ was applied",
        list.join("; ")
    )))
}

/// Applies the procs/ files the database does not run yet, in one transaction
/// with function bodies checked only once all are loaded; then checks every
/// function against procs/. Returns the files applied.
async fn apply_procs(client: &mut Client, sql_changed: bool) -> Result<Vec<String>> {
    ensure_procs_table(client).await?;
    let db = applied(client).await?;
    let pending: Vec<&Proc> = procs()
        .filter(|p| pending_reason(p, &db).is_some())
        .collect();
    if pending.is_empty() && !sql_changed {
        refuse_orphans(&db)?;
        return Ok(Vec::new());
    }
    let tx = client.transaction().await?;
    tx.batch_execute("set local check_function_bodies = off")
        .await?;
    for p in &pending {
        // statement by statement, to name the line of the one that fails
        let statements =
            sqlscan::statements(p.sql).map_err(|e| Error::Migration(format!("{}: {e}", p.path)))?;
        for st in statements {
            if let Err(e) = tx.batch_execute(&p.sql[st.start..st.end]).await {
                return Err(Error::Migration(format!(
                    "{}: nothing of procs/ was applied",
                    describe_proc_failure(p, &p.sql[st.start..st.end], st.line, &e)
                )));
            }
        }
    }
    tx.batch_execute("set local check_function_bodies = on")
        .await?;
    // every body, now that all are there (a body may call one defined after it):
    // all at once, then one by one only to name the one that fails
    tx.batch_execute("savepoint bodies").await?;
    let mut all_compile = true;
    for (language, validator) in [
        ("plpgsql", "plpgsql_validator"),
        ("sql", "fmgr_sql_validator"),
    ] {
        let checked = tx
            .execute(
                &format!(
                    "select pg_catalog.{validator}(p.oid) from pg_catalog.pg_proc p \
                     join pg_catalog.pg_namespace n on n.oid = p.pronamespace \
                     join pg_catalog.pg_language l on l.oid = p.prolang \
                     where n.nspname = any($1) and l.lanname = $2"
                ),
                &[&SCHEMAS.to_vec(), &language],
            )
            .await;
        if checked.is_err() {
            all_compile = false;
            tx.batch_execute("rollback to savepoint bodies").await?;
            break;
        }
    }
    for p in procs().filter(|_| !all_compile) {
        let rows = tx
            .query(
                "select p.oid, l.lanname::text from pg_catalog.pg_proc p \
                 join pg_catalog.pg_namespace n on n.oid = p.pronamespace \
                 join pg_catalog.pg_language l on l.oid = p.prolang \
                 where n.nspname = $1 and p.proname = $2",
                &[&p.schema, &p.name],
            )
            .await?;
        for r in rows {
            let oid: u32 = r.get(0);
            let validator = match r.get::<_, String>(1).as_str() {
                "plpgsql" => "plpgsql_validator",
                "sql" => "fmgr_sql_validator",
                _ => continue,
            };
            if let Err(e) = tx
                .execute(&format!("select pg_catalog.{validator}($1)"), &[&oid])
                .await
            {
                return Err(Error::Migration(format!(
                    "{}: nothing of procs/ was applied",
                    describe_body_failure(p, &e)
                )));
            }
        }
    }
    let after = applied(&tx).await?;
    refuse_orphans(&after)?;
    for p in &pending {
        let definition = after
            .definitions
            .get(&(p.schema.to_string(), p.name.to_string()))
            .cloned()
            .unwrap_or_default();
        tx.execute(
            &format!("insert into {PROCS_TABLE} (file, checksum, definition) values ($1, $2, $3)"),
            &[&p.path, &p.checksum(), &definition],
        )
        .await?;
    }
    tx.commit().await?;
    Ok(pending.iter().map(|p| p.path.to_string()).collect())
}

/// "procs/api/x.sql line 12: relation "y" does not exist (SQLSTATE 42P01)",
/// for a statement of the file starting at `line`.
fn describe_proc_failure(
    p: &Proc,
    statement: &str,
    line: usize,
    e: &tokio_postgres::Error,
) -> String {
    let mut msg = p.path.to_string();
    if let Some(db) = e.as_db_error() {
        let within = match db.position() {
            Some(tokio_postgres::error::ErrorPosition::Original(pos)) => {
                line_of(statement, *pos as usize)
            }
            _ => 1,
        };
        msg.push_str(&format!(" line {}", line + within - 1));
        msg.push_str(&format!(": {}", crate::error::describe_pg(e)));
        if let Some(w) = db.where_() {
            msg.push_str(&format!(" ({})", w.replace('\n', "; ")));
        }
        if *db.code() == tokio_postgres::error::SqlState::INVALID_FUNCTION_DEFINITION {
            msg.push_str(&format!(
                "; a change of arguments or of the return type comes with a sql/ migration that drops \
                 the old function (drop function if exists {}.{}(<its argument types>);)",
                p.schema, p.name
            ));
        }
    } else {
        msg.push_str(&format!(": {}", crate::error::describe_pg(e)));
    }
    msg
}

/// A body that does not compile, at its line in the file.
fn describe_body_failure(p: &Proc, e: &tokio_postgres::Error) -> String {
    let mut msg = p.path.to_string();
    let body = sqlscan::body_line(p.sql).unwrap_or(p.line);
    if let Some(db) = e.as_db_error() {
        let in_body = match db.position() {
            Some(tokio_postgres::error::ErrorPosition::Internal { position, query }) => {
                Some(line_of(query, *position as usize))
            }
            _ => db.where_().and_then(line_in_context),
        };
        if let Some(n) = in_body {
            msg.push_str(&format!(" line {}", body + n - 1));
        }
        msg.push_str(&format!(": {}", crate::error::describe_pg(e)));
        if let Some(w) = db.where_() {
            msg.push_str(&format!(" ({})", w.replace('\n', "; ")));
        }
    } else {
        msg.push_str(&format!(": {}", crate::error::describe_pg(e)));
    }
    msg
}

/// The body line of PL/pgSQL's "compilation of PL/pgSQL function "f" near line 3".
fn line_in_context(context: &str) -> Option<usize> {
    let at = context.find("line ")?;
    context[at + 5..]
        .split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

// ---- status -------------------------------------------------------------------

/// Applied and pending versioned migrations in version order, then each
/// procs/ file (applied, or pending and why), then functions no file defines.
pub async fn status(client: &mut Client) -> Result<Vec<State>> {
    let legacy = legacy();
    let rows = history_rows(client).await?.unwrap_or_default();
    let mut states = Vec::new();
    let legacy_db = is_legacy(&rows, &legacy);
    if legacy_db {
        for (v, n, _) in &rows {
            states.push(State {
                state: "legacy",
                path: format!("V{v}__{n}"),
                applied_on: None,
                note: Some(
                    "the migration log before procs/; dues migrate replaces it by the baseline"
                        .into(),
                ),
            });
        }
    }
    let applied_on: BTreeMap<i64, Option<String>> = if rows.is_empty() || legacy_db {
        BTreeMap::new()
    } else {
        runner()?
            .get_applied_migrations_async(client)
            .await
            .map_err(explain)?
            .iter()
            .map(|m| (m.version(), m.applied_on().map(|t| t.to_string())))
            .collect()
    };
    for (v, at) in &applied_on {
        states.push(State {
            state: "applied",
            path: path_of(*v),
            applied_on: at.clone(),
            note: None,
        });
    }
    for f in files() {
        let v = version_of(f.name);
        let baseline_of_legacy = legacy_db && v <= legacy.baseline;
        if !applied_on.contains_key(&v) {
            states.push(State {
                state: "pending",
                path: f.path.to_string(),
                applied_on: None,
                note: baseline_of_legacy.then(|| "marked applied in place of the log".to_string()),
            });
        }
    }
    let db = applied(client).await?;
    for p in procs() {
        match pending_reason(p, &db) {
            None => states.push(State {
                state: "applied",
                path: p.path.to_string(),
                applied_on: db.files.get(p.path).map(|(_, at, _)| at.clone()),
                note: None,
            }),
            Some(why) => states.push(State {
                state: "pending",
                path: p.path.to_string(),
                applied_on: None,
                note: Some(why.to_string()),
            }),
        }
    }
    if !legacy_db {
        for (f, why) in orphans(&db) {
            states.push(State {
                state: "orphan",
                path: f,
                applied_on: None,
                note: Some(why),
            });
        }
    }
    Ok(states)
}

fn version_of(name: &str) -> i64 {
    name.trim_start_matches('V')
        .split("__")
        .next()
        .and_then(|v| v.parse().ok())
        .unwrap_or(-1)
}

/// The file of a version, or a description when no file has it.
fn path_of(version: i64) -> String {
    files()
        .find(|f| version_of(f.name) == version)
        .map(|f| f.path.to_string())
        .unwrap_or_else(|| format!("version {version} (no such file)"))
}

/// Turns refinery's errors into one message naming the file at fault, and
/// for a failed statement the line and PostgreSQL's message.
fn explain(e: refinery::Error) -> Error {
    let msg = match e.kind() {
        Kind::DivergentVersion(applied, _) => format!(
            "migration {} was changed after it was applied to this database; \
             a landed migration is never edited: restore it and add a new migration",
            path_of(applied.version())
        ),
        Kind::MissingVersion(m) if m.applied_on().is_some() => format!(
            "migration V{}__{} was applied to this database but its file is missing",
            m.version(),
            m.name()
        ),
        Kind::MissingVersion(m) => format!(
            "migration {} is older than the newest migration applied to this database \
             and was never applied: give it a version after the newest one",
            path_of(m.version())
        ),
        Kind::RepeatedVersion(m) => format!("migration version {} is repeated", m.version()),
        Kind::Connection(context, source) => {
            let pg = source.downcast_ref::<tokio_postgres::Error>();
            let failed = failed_file(context);
            match (failed, pg) {
                (Some(file), Some(pg)) => describe_failure(file, pg),
                (_, Some(pg)) => format!("{context}: {}", crate::error::describe_pg(pg)),
                _ => format!("{context}: {source}"),
            }
        }
        other => other.to_string(),
    };
    Error::Migration(msg)
}

/// The file refinery was applying when it failed ("error applying migration V…__…").
fn failed_file(context: &str) -> Option<File> {
    let shown = context.strip_prefix("error applying migration ")?;
    files().find(|f| f.name == shown.trim())
}

/// "sql/V…__x.sql line 12: relation "y" does not exist (SQLSTATE 42P01)".
fn describe_failure(file: File, e: &tokio_postgres::Error) -> String {
    let mut msg = format!("migration {} failed", file.path);
    if let Some(db) = e.as_db_error() {
        if let Some(tokio_postgres::error::ErrorPosition::Original(pos)) = db.position() {
            msg.push_str(&format!(" at line {}", line_of(file.sql, *pos as usize)));
        }
        if let Some(w) = db.where_() {
            msg.push_str(&format!(" ({})", w.replace('\n', "; ")));
        }
    }
    msg.push_str(&format!(
        ": {}; the database stays at the migration before it",
        crate::error::describe_pg(e)
    ));
    msg
}

/// The 1-based line of a 1-based character position.
fn line_of(sql: &str, pos: usize) -> usize {
    1 + sql
        .chars()
        .take(pos.saturating_sub(1))
        .filter(|&c| c == '\n')
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_of_counts_newlines_before_the_position() {
        let sql = "create table a();\ncreate tabel b();\n";
        let pos = sql.find("tabel").unwrap() + 1;
        assert_eq!(line_of(sql, pos), 2);
        assert_eq!(line_of(sql, 1), 1);
    }

    #[test]
    fn versions_are_unique_and_ordered() {
        let versions: Vec<i64> = files().map(|f| version_of(f.name)).collect();
        let mut sorted = versions.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(versions, sorted);
        assert!(versions.iter().all(|&v| v > 0));
    }

    #[test]
    fn the_baseline_follows_the_log_and_is_in_the_stream() {
        let legacy = legacy();
        assert!(!legacy.rows.is_empty());
        let newest_log = legacy.rows.iter().map(|(v, _, _)| *v).max().unwrap();
        assert!(files().any(|f| version_of(f.name) == legacy.baseline));
        assert!(files().all(|f| version_of(f.name) > newest_log));
    }

    #[test]
    fn the_log_history_is_what_refinery_computes_from_the_frozen_log() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/legacy");
        for (v, name, checksum) in legacy().rows {
            let file = ["sql", "procs"]
                .iter()
                .map(|d| root.join(d).join(format!("V{v}__{name}.sql")))
                .find(|p| p.exists())
                .unwrap_or_else(|| panic!("V{v}__{name} is not in tests/fixtures/legacy"));
            let sql = std::fs::read_to_string(file).unwrap();
            let m = Migration::unapplied(&format!("V{v}__{name}"), &sql).unwrap();
            assert_eq!(m.checksum().to_string(), checksum, "V{v}__{name}");
        }
    }

    #[test]
    fn a_plpgsql_context_gives_the_body_line() {
        assert_eq!(
            line_in_context("compilation of PL/pgSQL function \"f\" near line 3"),
            Some(3)
        );
        assert_eq!(line_in_context("SQL function \"f\""), None);
    }
}
