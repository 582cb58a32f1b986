//! `dues lint`: plpgsql_check over every PL/pgSQL function and trigger
//! function of the project's schemas, in a scratch copy of the migrations.

use crate::database::Database;
use crate::error::{Error, Result};
use crate::scratch::{self, Scratch};

/// The schemas whose functions are the project's.
pub const SCHEMAS: &[&str] = &["dues", "api", "rules", "jobs"];

/// One finding of plpgsql_check.
#[derive(Debug)]
pub struct Finding {
    pub function: String,
    pub level: String,
    pub line: Option<i32>,
    pub sqlstate: String,
    pub message: String,
    pub detail: Option<String>,
    pub hint: Option<String>,
}

impl Finding {
    pub fn is_error(&self) -> bool {
        self.level == "error"
    }
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.level, self.function)?;
        if let Some(l) = self.line {
            write!(f, " line {l}")?;
        }
        write!(f, ": {} ({})", self.message, self.sqlstate)?;
        if let Some(d) = &self.detail {
            write!(f, "; detail: {d}")?;
        }
        if let Some(h) = &self.hint {
            write!(f, "; hint: {h}")?;
        }
        Ok(())
    }
}

/// Checks the migrated functions; prints every finding and fails on errors.
pub async fn run(db: &Database) -> Result<usize> {
    let scratch = Scratch::create(db).await?;
    let result = check(&scratch).await;
    let dropped = scratch.drop_now().await;
    let (checked, findings) = result?;
    dropped?;
    for f in &findings {
        eprintln!("{f}");
    }
    let errors = findings.iter().filter(|f| f.is_error()).count();
    if errors > 0 {
        return Err(Error::Failed(format!(
            "plpgsql_check found {errors} error(s) in {checked} function(s)"
        )));
    }
    println!(
        "checked {checked} function(s): {} warning(s), no error",
        findings.len()
    );
    Ok(checked)
}

async fn check(scratch: &Scratch) -> Result<(usize, Vec<Finding>)> {
    let client = scratch.connect().await?;
    scratch::require_extension(&client, "plpgsql_check", "plpgsql-check").await?;
    client
        .batch_execute("create extension if not exists plpgsql_check schema public")
        .await?;
    let schemas: Vec<String> = SCHEMAS.iter().map(|s| s.to_string()).collect();
    // a trigger function is checked against each table it is attached to
    let targets = client
        .query(
            "select p.oid, p.oid::regprocedure::text, coalesce(t.tgrelid, 0::oid) \
             from pg_proc p \
             join pg_namespace n on n.oid = p.pronamespace \
             join pg_language l on l.oid = p.prolang and l.lanname = 'plpgsql' \
             left join pg_trigger t on t.tgfoid = p.oid and p.prorettype = 'trigger'::regtype \
             where n.nspname = any($1) and p.prorettype <> 'event_trigger'::regtype \
               and (p.prorettype <> 'trigger'::regtype or t.tgrelid is not null) \
             order by 2, 3",
            &[&schemas],
        )
        .await?;
    let mut findings = Vec::new();
    for t in &targets {
        let oid: u32 = t.get(0);
        let name: String = t.get(1);
        let relid: u32 = t.get(2);
        let rows = client
            .query(
                "select level, lineno, coalesce(sqlstate, ''), message, detail, hint \
                 from public.plpgsql_check_function_tb($1::oid, $2::oid, \
                   extra_warnings => true, performance_warnings => false)",
                &[&oid, &relid],
            )
            .await?;
        for r in rows {
            findings.push(Finding {
                function: name.clone(),
                level: r.get(0),
                line: r.get(1),
                sqlstate: r.get(2),
                message: r.get(3),
                detail: r.get(4),
                hint: r.get(5),
            });
        }
    }
    Ok((targets.len(), findings))
}
