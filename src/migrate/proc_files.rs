//! procs/: which files the database does not run yet, applying them in one
//! transaction, and the functions no file defines.

use super::*;

pub(super) async fn ensure_procs_table(client: &impl tokio_postgres::GenericClient) -> Result<()> {
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
pub(super) struct Applied {
    pub(super) files: BTreeMap<String, (String, String, String)>,
    pub(super) functions: BTreeMap<(String, String), Vec<String>>,
    pub(super) definitions: BTreeMap<(String, String), String>,
    pub(super) triggers: BTreeSet<(String, String, String)>,
}

pub(super) async fn applied(client: &impl tokio_postgres::GenericClient) -> Result<Applied> {
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
pub(super) fn pending_reason(p: &Proc, db: &Applied) -> Option<&'static str> {
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
pub(super) fn orphans(db: &Applied) -> Vec<(String, String)> {
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

pub(super) fn refuse_orphans(db: &Applied) -> Result<()> {
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
pub(super) async fn apply_procs(client: &mut Client, sql_changed: bool) -> Result<Vec<String>> {
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
    compile_bodies(&tx).await?;
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

/// Compiles every body, now that all are there (a body may call one defined
/// after it): all at once, then one by one only to name the one that fails.
async fn compile_bodies(tx: &tokio_postgres::Transaction<'_>) -> Result<()> {
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
    Ok(())
}

/// "procs/api/x.sql line 12: relation "y" does not exist (SQLSTATE 42P01)",
/// for a statement of the file starting at `line`.
pub(super) fn describe_proc_failure(
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
pub(super) fn describe_body_failure(p: &Proc, e: &tokio_postgres::Error) -> String {
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
pub(super) fn line_in_context(context: &str) -> Option<usize> {
    let at = context.find("line ")?;
    context[at + 5..]
        .split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}
