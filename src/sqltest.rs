//! `dues test`: loads the pgTAP suites of `tests/sql/**/*.sql` into a scratch
//! database and runs each test function in its own rolled-back transaction,
//! spread over several connections, honouring pgTAP's startup, setup,
//! teardown and shutdown functions.

use crate::database::Database;
use crate::error::{Error, Result};
use crate::scratch::Scratch;
use crate::tap::{self, Outcome};
use regex::Regex;
use std::collections::{BTreeMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tokio_postgres::Client;

/// How the runner was asked to run.
#[derive(Debug, Clone)]
pub struct Options {
    pub dir: PathBuf,
    pub jobs: usize,
    pub pattern: Option<String>,
    pub format: tap::Format,
    /// Longest a single statement of a test may run.
    pub statement_timeout_ms: u64,
}

/// The functions of schema `tests`, by pgTAP's naming conventions.
#[derive(Debug, Default)]
struct Suite {
    startup: Vec<String>,
    setup: Vec<String>,
    tests: Vec<String>,
    teardown: Vec<String>,
    shutdown: Vec<String>,
    /// test function → file it was defined in
    file_of: BTreeMap<String, String>,
}

/// Runs the suites; Ok with the counts when everything passed.
pub async fn run(db: &Database, opts: &Options) -> Result<(usize, usize)> {
    let pattern = match &opts.pattern {
        Some(p) => Some(Regex::new(p).map_err(|e| Error::Usage(format!("--match {p:?}: {e}")))?),
        None => None,
    };
    let files = test_files(&opts.dir)?;
    let scratch = Scratch::create(db).await?;
    let result = run_in(&scratch, opts, pattern.as_ref(), &files).await;
    let dropped = scratch.drop_now().await;
    let (passed, failed) = result?;
    dropped?;
    if failed > 0 {
        return Err(Error::Failed(format!("{failed} SQL test(s) failed")));
    }
    Ok((passed, failed))
}

async fn run_in(
    scratch: &Scratch,
    opts: &Options,
    pattern: Option<&Regex>,
    files: &[PathBuf],
) -> Result<(usize, usize)> {
    let client = scratch.connect().await?;
    let mut reporter = tap::Reporter::new(opts.format);
    let mut suite = Suite::default();
    let mut load_failures = Vec::new();
    for file in files {
        if let Err(outcome) = load_file(&client, file, &mut suite).await? {
            load_failures.push(outcome);
        }
    }
    discover(&client, &mut suite).await?;
    suite
        .tests
        .retain(|t| pattern.is_none_or(|p| p.is_match(t)));
    if suite.tests.is_empty() && load_failures.is_empty() {
        return Err(Error::Failed(match pattern {
            Some(p) => format!("no test function in schema tests matches {:?}", p.as_str()),
            None => format!("no test function found in {}", opts.dir.display()),
        }));
    }
    reporter.plan(suite.tests.len() + load_failures.len());
    for outcome in load_failures {
        reporter.report(outcome);
    }
    for f in &suite.startup {
        for line in call_lines(&client, f).await? {
            reporter.comment(&line);
        }
    }

    let suite = Arc::new(suite);
    let reporter = Arc::new(Mutex::new(reporter));
    let deadlocked = run_side_by_side(scratch, opts, &suite, &reporter).await?;
    run_alone(&client, opts, &suite, &reporter, deadlocked).await?;
    for f in &suite.shutdown {
        let lines = call_lines(&client, f).await?;
        if let Ok(mut r) = reporter.lock() {
            for line in lines {
                r.comment(&line);
            }
        }
    }
    let mut reporter = reporter
        .lock()
        .map_err(|_| Error::Failed("the test reporter failed".into()))?;
    Ok(reporter.finish())
}

/// Runs the tests on `opts.jobs` connections side by side; returns those
/// that died of a deadlock with a test beside them (each holds its
/// transaction open on shared rows), to run again alone.
async fn run_side_by_side(
    scratch: &Scratch,
    opts: &Options,
    suite: &Arc<Suite>,
    reporter: &Arc<Mutex<tap::Reporter>>,
) -> Result<Vec<String>> {
    let queue = Arc::new(Mutex::new(
        suite.tests.iter().cloned().collect::<VecDeque<_>>(),
    ));
    let deadlocked = Arc::new(Mutex::new(Vec::new()));
    let mut workers = Vec::new();
    for _ in 0..opts.jobs.max(1).min(suite.tests.len().max(1)) {
        let conn = scratch.connect().await?;
        conn.batch_execute(&format!(
            "set statement_timeout = {}",
            opts.statement_timeout_ms
        ))
        .await?;
        let (queue, suite, reporter, deadlocked) = (
            queue.clone(),
            suite.clone(),
            reporter.clone(),
            deadlocked.clone(),
        );
        workers.push(tokio::spawn(async move {
            loop {
                let next = queue.lock().ok().and_then(|mut q| q.pop_front());
                let Some(test) = next else { break };
                let (outcome, deadlock) = run_one(&conn, &suite, &test).await;
                if deadlock {
                    if let Ok(mut d) = deadlocked.lock() {
                        d.push(test);
                        continue;
                    }
                }
                if let Ok(mut r) = reporter.lock() {
                    r.report(outcome);
                }
            }
        }));
    }
    for w in workers {
        w.await
            .map_err(|e| Error::Failed(format!("a test connection stopped: {e}")))?;
    }
    let again = deadlocked.lock().map(|d| d.clone()).unwrap_or_default();
    Ok(again)
}

/// Runs the tests that died of a deadlock again, one at a time.
async fn run_alone(
    client: &Client,
    opts: &Options,
    suite: &Suite,
    reporter: &Mutex<tap::Reporter>,
    again: Vec<String>,
) -> Result<()> {
    if !again.is_empty() {
        client
            .batch_execute(&format!(
                "set statement_timeout = {}",
                opts.statement_timeout_ms
            ))
            .await?;
    }
    for test in again {
        let (mut outcome, _) = run_one(client, suite, &test).await;
        outcome.lines.insert(
            0,
            "# ran again alone: it died of a deadlock with a test beside it".into(),
        );
        if let Ok(mut r) = reporter.lock() {
            r.report(outcome);
        }
    }
    Ok(())
}

/// Every `.sql` file under `dir` (tests/sql/api/…, tests/sql/scenarios/…), in
/// path order; in each folder, files whose name starts with `_` (shared
/// fixtures) load before the others and before its subfolders.
fn test_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    collect(dir, &mut files)?;
    Ok(files)
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let rd = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    // fixtures (_name.sql), then the other files, then the subfolders, each by name
    entries.sort_by_key(|p| {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        (p.is_dir(), !name.starts_with('_'), name)
    });
    for p in entries {
        if p.is_dir() {
            collect(&p, out)?;
        } else if p.extension().is_some_and(|x| x == "sql") {
            out.push(p);
        }
    }
    Ok(())
}

/// Loads one file in its own transaction. A file that does not load is
/// reported as a failed test naming the file, line and PostgreSQL's message;
/// the other files still run.
async fn load_file(
    client: &Client,
    file: &Path,
    suite: &mut Suite,
) -> Result<std::result::Result<(), Outcome>> {
    let display = file.display().to_string();
    let sql = std::fs::read_to_string(file).map_err(|e| Error::io(file, e))?;
    let before = test_functions(client).await?;
    let started = Instant::now();
    let loaded = client
        .batch_execute(&format!("begin;\n{sql}\n;commit;"))
        .await;
    if let Err(e) = loaded {
        let _ = client.batch_execute("rollback").await;
        let mut msg = crate::error::describe_pg(&e);
        if let Some(db) = e.as_db_error() {
            if let Some(tokio_postgres::error::ErrorPosition::Original(pos)) = db.position() {
                // the file starts after "begin;\n"
                let line = sql_line(&sql, (*pos as usize).saturating_sub(7));
                msg = format!("line {line}: {msg}");
            }
        }
        return Ok(Err(Outcome {
            name: format!("load {display}"),
            file: display,
            passed: false,
            lines: vec![format!("# {msg}")],
            seconds: started.elapsed().as_secs_f64(),
        }));
    }
    for f in test_functions(client).await? {
        if !before.contains(&f) {
            suite.file_of.insert(f, display.clone());
        }
    }
    Ok(Ok(()))
}

fn sql_line(sql: &str, pos: usize) -> usize {
    1 + sql
        .chars()
        .take(pos.saturating_sub(1))
        .filter(|&c| c == '\n')
        .count()
}

/// Every function of schema `tests` that takes no argument and returns setof text.
async fn test_functions(client: &Client) -> Result<Vec<String>> {
    let rows = client
        .query(
            "select p.proname::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace \
             where n.nspname = 'tests' and p.pronargs = 0 and p.proretset \
             and p.prorettype = 'text'::regtype order by p.proname",
            &[],
        )
        .await?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

async fn discover(client: &Client, suite: &mut Suite) -> Result<()> {
    for f in test_functions(client).await? {
        let bucket = if f.starts_with("startup") {
            &mut suite.startup
        } else if f.starts_with("setup") {
            &mut suite.setup
        } else if f.starts_with("teardown") {
            &mut suite.teardown
        } else if f.starts_with("shutdown") {
            &mut suite.shutdown
        } else if f.starts_with("test") {
            &mut suite.tests
        } else {
            continue;
        };
        bucket.push(f);
    }
    Ok(())
}

/// The TAP lines a function of schema `tests` returns.
async fn call_lines(
    client: &Client,
    function: &str,
) -> std::result::Result<Vec<String>, tokio_postgres::Error> {
    lines_of(client, &format!("select * from tests.{function}()")).await
}

/// The TAP lines a query returns, one per line of text.
async fn lines_of(
    client: &Client,
    sql: &str,
) -> std::result::Result<Vec<String>, tokio_postgres::Error> {
    let rows = client.query(sql, &[]).await?;
    Ok(rows
        .iter()
        .filter_map(|r| r.get::<_, Option<String>>(0))
        .flat_map(|s| s.lines().map(str::to_string).collect::<Vec<_>>())
        .collect())
}

/// One test function: setup, the test, teardown, in one transaction that is
/// rolled back whatever happens; true when it died of a deadlock.
async fn run_one(client: &Client, suite: &Suite, test: &str) -> (Outcome, bool) {
    let started = Instant::now();
    let mut lines = Vec::new();
    let result = async {
        client.batch_execute("begin").await?;
        client.query("select * from no_plan()", &[]).await?;
        for f in suite
            .setup
            .iter()
            .chain([test.to_string()].iter())
            .chain(suite.teardown.iter())
        {
            lines.extend(call_lines(client, f).await?);
        }
        lines.extend(lines_of(client, "select * from finish()").await?);
        Ok::<_, tokio_postgres::Error>(())
    }
    .await;
    let _ = client.batch_execute("rollback").await;
    let deadlock = result.as_ref().err().and_then(|e| e.code())
        == Some(&tokio_postgres::error::SqlState::T_R_DEADLOCK_DETECTED);
    let died = result.err().map(|e| {
        let mut msg = format!("died: {}", crate::error::describe_pg(&e));
        if let Some(w) = e.as_db_error().and_then(|d| d.where_()) {
            msg.push_str(&format!(" (context: {})", w.replace('\n', "; ")));
        }
        msg
    });
    let assertions = lines.iter().filter(|l| tap::is_assertion(l)).count();
    let failures = lines.iter().filter(|l| tap::is_failure(l)).count();
    if let Some(msg) = &died {
        lines.push(format!("# {msg}"));
    } else if assertions == 0 {
        lines.push("# no assertion ran".to_string());
    }
    let outcome = Outcome {
        name: format!("tests.{test}"),
        file: suite.file_of.get(test).cloned().unwrap_or_default(),
        passed: died.is_none() && failures == 0 && assertions > 0,
        lines,
        seconds: started.elapsed().as_secs_f64(),
    };
    (outcome, deadlock)
}
