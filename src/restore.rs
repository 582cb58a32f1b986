//! `dues restore`: checks every file of a backup against `SHA256SUMS`,
//! refuses a target database that holds anything, creates the roles the dump
//! grants to, runs pg_restore in one transaction, measures the restored
//! database as the backup measured its own, then migrates it and prints the
//! comparison.

use crate::database::Database;
use crate::error::{Error, Result};
use crate::manifest::{self, Contents, Manifest, DUMP_FILE};
use std::collections::BTreeSet;
use std::path::Path;
use tokio_postgres::Client;

/// The request roles dues' migrations create and grant to the user they run as.
const REQUEST_ROLES: [&str; 3] = ["dues_anonymous", "dues_member", "dues_staff"];

/// Restores the backup in `from` into `db`, which must be empty.
pub async fn run(db: &Database, from: &Path) -> Result<()> {
    let (m, backup_fingerprint) = manifest::verify(from)?;
    if newer(&m.dues_version, env!("CARGO_PKG_VERSION")) {
        return Err(Error::Failed(format!(
            "{} was made by dues {}, newer than this dues {}: its migrations would be refused or put \
             back to older ones; restore it with dues {} or newer; nothing was restored",
            manifest::shown(from).display(),
            m.dues_version,
            env!("CARGO_PKG_VERSION"),
            m.dues_version
        )));
    }
    println!(
        "backup   {} (dues {}, taken {} from {})",
        manifest::shown(from).display(),
        m.dues_version,
        m.taken_at,
        m.source
    );
    db.prepare().await?;
    let mut client = db.connect().await?;
    println!("into     {}", db.describe());
    refuse_unless_empty(&client, db).await?;

    let (server_major, user): (i32, String) = {
        let r = client
            .query_one(
                "select current_setting('server_version_num')::int / 10000, current_user::text",
                &[],
            )
            .await?;
        (r.get(0), r.get(1))
    };
    let dump_major = crate::pg_programs::major_of(&m.pg_dump_version).unwrap_or(0);
    let (bindir, _) = crate::pg_programs::find_dump_bindir((server_major as u32).max(dump_major))?;

    let created = ensure_roles(&client, &m).await?;
    if !created.is_empty() {
        println!("roles    created {}", created.join(", "));
    }
    pg_restore(&bindir, from, db).await?;

    compare_with_backup(&client, &m, &backup_fingerprint, &user).await?;

    migrate_and_check(&mut client).await?;
    println!("restore: OK, {} holds the backup", db.describe());
    Ok(())
}

/// pg_restore of the backup's dump, in one transaction.
async fn pg_restore(bindir: &Path, from: &Path, db: &Database) -> Result<()> {
    let mut restore = tokio::process::Command::new(bindir.join("pg_restore"));
    restore
        .args([
            "--single-transaction",
            "--exit-on-error",
            "--no-owner",
            "--no-password",
        ])
        .arg(crate::pg_programs::dbname_arg(db.dbname()))
        .arg(from.join(DUMP_FILE))
        .envs(crate::pg_programs::libpq_env(db.config()))
        .env("PGAPPNAME", "dues restore")
        .stdin(std::process::Stdio::null());
    for v in crate::pg_programs::LIBPQ_CLEARED {
        restore.env_remove(v);
    }
    let out = restore
        .output()
        .await
        .map_err(|e| Error::io(bindir.join("pg_restore"), e))?;
    if !out.status.success() {
        return Err(Error::Failed(format!(
            "pg_restore into {} failed ({}), and in one transaction nothing of the dump was kept: {}",
            db.describe(),
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    println!(
        "restored {DUMP_FILE} with {}, in one transaction",
        bindir.join("pg_restore").display()
    );
    Ok(())
}

/// Measures the restored database and compares it with the manifest; on a
/// difference, prints how the fingerprints differ and refuses.
async fn compare_with_backup(
    client: &Client,
    m: &Manifest,
    backup_fingerprint: &str,
    user: &str,
) -> Result<()> {
    client
        .batch_execute("begin isolation level repeatable read, read only")
        .await?;
    let measured = manifest::measure(client).await;
    client.batch_execute("commit").await?;
    let (restored, restored_fingerprint) = measured?;
    let same_owner = user == m.database_user;
    let differences = compare(&m.contents, &restored, same_owner);
    print_comparison(&m.contents, &restored);
    if !same_owner {
        println!(
            "owner    the restored objects belong to {user}, the backup's to {}: owners and grants \
             of the owner differ in the fingerprint",
            m.database_user
        );
    }
    if !differences.is_empty() {
        for line in crate::fingerprint::changes(backup_fingerprint, &restored_fingerprint) {
            println!("  {line}");
        }
        return Err(Error::Failed(format!(
            "the restored database differs from the backup ({}); it is left as restored, not migrated, \
             for inspection",
            differences.join("; ")
        )));
    }
    Ok(())
}

/// Migrates the restored database to this dues and checks its ledger.
async fn migrate_and_check(client: &mut Client) -> Result<()> {
    let applied = crate::migrate::run(client).await?;
    if applied.is_empty() {
        println!("migrate  nothing to apply: the backup is of this dues' migrations");
    } else {
        for path in &applied {
            println!("migrate  applied {path}");
        }
    }
    let ledger: i64 = client
        .query_one("select pg_catalog.count(*) from api.ledger_check()", &[])
        .await?
        .get(0);
    if ledger != 0 {
        return Err(Error::Failed(format!(
            "api.ledger_check() reports {ledger} problems in the restored, migrated database"
        )));
    }
    println!("ledger   api.ledger_check() is empty");
    Ok(())
}

/// Refuses a database holding any schema, table, function, type or
/// extension of its own: a restore never merges into data.
async fn refuse_unless_empty(client: &Client, db: &Database) -> Result<()> {
    let found: Vec<String> = client
        .query(
            "with sys(n) as (select oid from pg_catalog.pg_namespace \
                              where nspname in ('pg_catalog', 'information_schema') or nspname ~ '^pg_(toast|temp)') \
             (select 'schema ' || n.nspname from pg_catalog.pg_namespace n \
               where n.oid not in (select n from sys) and n.nspname <> 'public' \
              union all \
              select 'table ' || c.oid::pg_catalog.regclass::text from pg_catalog.pg_class c \
               where c.relnamespace not in (select n from sys) \
              union all \
              select 'function ' || p.oid::pg_catalog.regprocedure::text from pg_catalog.pg_proc p \
               where p.pronamespace not in (select n from sys) \
              union all \
              select 'type ' || t.oid::pg_catalog.regtype::text from pg_catalog.pg_type t \
               where t.typnamespace not in (select n from sys) and t.typrelid = 0 \
              union all \
              select 'extension ' || e.extname from pg_catalog.pg_extension e where e.extname <> 'plpgsql') \
             limit 6",
            &[],
        )
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    if found.is_empty() {
        return Ok(());
    }
    let mut list = found.iter().take(5).cloned().collect::<Vec<_>>().join(", ");
    if found.len() > 5 {
        list.push_str(", …");
    }
    Err(Error::Failed(format!(
        "{} is not empty ({list}): dues restores only into an empty database (a new --home, or a \
         database just made with createdb); nothing was changed",
        db.describe()
    )))
}

/// Creates the roles of the manifest the server lacks (without login, with
/// their comment), and grants the request roles to the user restoring, as a
/// migration does; returns the roles created.
async fn ensure_roles(client: &Client, m: &Manifest) -> Result<Vec<String>> {
    let mut created = Vec::new();
    for role in &m.contents.roles {
        let exists = client
            .query_opt(
                "select 1 from pg_catalog.pg_roles where rolname = $1",
                &[&role.name],
            )
            .await?
            .is_some();
        if !exists {
            let ident = quote_ident(&role.name);
            match client
                .batch_execute(&format!("create role {ident} nologin"))
                .await
            {
                Ok(()) => created.push(role.name.clone()),
                // another restore or migration made it at this moment
                Err(e) if e.code() == Some(&tokio_postgres::error::SqlState::DUPLICATE_OBJECT) => {}
                Err(e) => return Err(e.into()),
            }
            if let Some(comment) = &role.comment {
                client
                    .batch_execute(&format!(
                        "comment on role {ident} is {}",
                        quote_literal(comment)
                    ))
                    .await?;
            }
        }
        if REQUEST_ROLES.contains(&role.name.as_str()) {
            let member: bool = client
                .query_one(
                    "select pg_catalog.pg_has_role(current_user, $1, 'member')",
                    &[&role.name],
                )
                .await?
                .get(0);
            if !member {
                client
                    .batch_execute(&format!(
                        "grant {} to current_user",
                        quote_ident(&role.name)
                    ))
                    .await?;
            }
        }
    }
    Ok(created)
}

/// Whether version `a` (`major.minor.patch`) is newer than `b`.
fn newer(a: &str, b: &str) -> bool {
    let parts = |v: &str| -> Vec<u64> {
        v.split(['.', '-', '+'])
            .take(3)
            .map(|p| p.parse().unwrap_or(0))
            .collect()
    };
    parts(a) > parts(b)
}

fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn quote_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// What differs between the backup and the restored database, one phrase
/// each; the fingerprint counts only when the same user owns both.
fn compare(backup: &Contents, restored: &Contents, same_owner: bool) -> Vec<String> {
    let mut out = Vec::new();
    if backup.sql_migrations != restored.sql_migrations {
        out.push("the history of sql/ migrations".to_string());
    }
    if backup.procs_applications != restored.procs_applications {
        out.push("the history of procs/ files".to_string());
    }
    if same_owner && backup.fingerprint != restored.fingerprint {
        out.push(format!(
            "fingerprint {} instead of {}",
            restored.fingerprint, backup.fingerprint
        ));
    }
    let tables: BTreeSet<&String> = backup.tables.keys().chain(restored.tables.keys()).collect();
    let differing: Vec<&str> = tables
        .into_iter()
        .filter(|t| backup.tables.get(*t) != restored.tables.get(*t))
        .map(|t| t.as_str())
        .collect();
    if !differing.is_empty() {
        out.push(format!("the rows of {}", differing.join(", ")));
    }
    if backup.ledger_check != restored.ledger_check {
        out.push("api.ledger_check()".to_string());
    }
    out
}

fn print_comparison(backup: &Contents, restored: &Contents) {
    let mark = |same: bool| if same { "equal" } else { "DIFFERENT" };
    println!();
    println!("{:<44} {:>18} {:>18}", "", "backup", "restored");
    let row = |what: &str, a: String, b: String| {
        println!("{what:<44} {a:>18} {b:>18}  {}", mark(a == b));
    };
    row(
        "sql/ migrations",
        backup.sql_migrations.len().to_string(),
        restored.sql_migrations.len().to_string(),
    );
    println!(
        "{:<44} {:>18} {:>18}  {}",
        "procs/ applications",
        backup.procs_applications.len(),
        restored.procs_applications.len(),
        mark(backup.procs_applications == restored.procs_applications)
    );
    row(
        "fingerprint",
        backup.fingerprint.clone(),
        restored.fingerprint.clone(),
    );
    let ledger = |c: &Contents| {
        if c.ledger_check.is_empty() {
            "empty".to_string()
        } else {
            format!("{} problems", c.ledger_check.len())
        }
    };
    println!(
        "{:<44} {:>18} {:>18}  {}",
        "api.ledger_check()",
        ledger(backup),
        ledger(restored),
        mark(backup.ledger_check == restored.ledger_check)
    );
    println!(
        "{:<44} {:>18} {:>18}  {}",
        format!("tables ({})", backup.tables.len()),
        format!("{} rows", backup.rows()),
        format!("{} rows", restored.rows()),
        mark(backup.tables == restored.tables)
    );
    let names: BTreeSet<&String> = backup.tables.keys().chain(restored.tables.keys()).collect();
    for t in names {
        let (a, b) = (backup.tables.get(t), restored.tables.get(t));
        if a.is_none_or(|x| x.rows == 0) && b.is_none_or(|x| x.rows == 0) && a == b {
            continue;
        }
        let rows = |x: Option<&manifest::Table>| x.map_or("-".to_string(), |x| x.rows.to_string());
        println!(
            "  {t:<42} {:>18} {:>18}  {}",
            rows(a),
            rows(b),
            if a == b {
                "equal"
            } else if a.map(|x| x.rows) == b.map(|x| x.rows) {
                "DIFFERENT contents"
            } else {
                "DIFFERENT"
            }
        );
    }
    println!();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_by_number() {
        assert!(newer("0.10.0", "0.9.3"));
        assert!(newer("1.0.0", "0.99.99"));
        assert!(!newer("0.1.0", "0.1.0"));
        assert!(!newer("0.1.0", "0.2.0"));
    }

    #[test]
    fn identifiers_and_literals_are_quoted() {
        assert_eq!(quote_ident("dues_staff"), "\"dues_staff\"");
        assert_eq!(quote_ident("a\"b"), "\"a\"\"b\"");
        assert_eq!(quote_literal("it's"), "'it''s'");
    }
}
