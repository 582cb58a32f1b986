//! Running a planned call on a connection, in one round trip: a call by the
//! caller the connection's session already acts for is one statement;
//! otherwise the session is changed (or the token checked) in the call's own
//! transaction, so that nothing runs when the change is refused.

use super::caller::{Caller, Identity};
use super::catalog::{Catalog, Shape};
use super::error::ApiError;
use super::plan::Plan;
use crate::pool::{Connection, Session};
use futures_util::future::join3;
use std::time::{Duration, Instant, SystemTime};
use tokio_postgres::types::{ToSql, Type};
use tokio_postgres::{Row, SimpleQueryMessage, Statement};

/// What a successful call answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub status: u16,
    /// JSON text; None for 204.
    pub body: Option<String>,
    /// The answer was replayed from an earlier call with the same idempotency key.
    pub replayed: bool,
    /// After a call that may change data: a WAL position of the primary read
    /// after the call committed (`pg_current_wal_insert_lsn()`, as text), at
    /// or past the end of its commit record: a replica that replayed up to it
    /// shows what the call did.
    pub lsn: Option<String>,
}

/// COMMIT, then the primary's WAL insert position, in the same round trip.
/// The insert position, read after COMMIT returned, is at or past the end of
/// the commit record whatever `synchronous_commit` says (the write position,
/// `pg_current_wal_lsn()`, lags it when commits do not wait for the flush).
pub const COMMIT_LSN: &str = "commit; select pg_catalog.pg_current_wal_insert_lsn()::text";

/// The primary's WAL insert position, for a call that committed on its own.
const LSN: &str = "select pg_catalog.pg_current_wal_insert_lsn()::text";

/// The first value of a simple query's answer (the LSN of [`COMMIT_LSN`]).
pub fn first_value(messages: &[SimpleQueryMessage]) -> Option<String> {
    messages.iter().find_map(|m| match m {
        SimpleQueryMessage::Row(r) => r.get(0).map(str::to_string),
        _ => None,
    })
}

/// How a call learns whom it acts for.
#[derive(Debug, Clone)]
pub enum Acting {
    /// A caller dues knows to be valid: the session acts for it.
    Trusted(Identity),
    /// A token the database checks first (`dues.session_authenticate`).
    Check(String),
    /// `dues call`: staff or a member, for the call's transaction only.
    Cli(Caller),
}

/// A token the database found valid: who it is, until when, and when it was asked.
#[derive(Debug, Clone)]
pub struct Checked {
    pub identity: Identity,
    pub expires_at: Option<SystemTime>,
    pub asked: Instant,
}

/// What errors are reported against.
pub struct Context<'a> {
    pub catalog: &'a Catalog,
    pub caller: &'a Caller,
    pub request_id: &'a str,
}

impl Context<'_> {
    pub fn fail(&self, e: tokio_postgres::Error) -> ApiError {
        db_error(
            e,
            self.catalog,
            self.caller.authenticated(),
            self.request_id,
        )
    }
}

/// Whether `plan` runs as one statement on `conn`: no idempotency key, and a
/// caller the connection's session already acts for.
pub fn one_statement(conn: &Connection, acting: &Acting, plan: &Plan) -> bool {
    let Acting::Trusted(who) = acting else {
        return false;
    };
    conn.pooler.is_none()
        && plan.idempotency.is_none()
        && matches!(&conn.session, Session::Caller(id, ro) if id == who && *ro == plan.read_only)
}

/// Runs `plan` on `conn`; with `Acting::Check`, also says what the database
/// found of the token.
pub async fn execute(
    conn: &mut Connection,
    ctx: &Context<'_>,
    acting: &Acting,
    plan: &Plan,
) -> Result<(Answer, Option<Checked>), ApiError> {
    if plan.idempotency.is_some() {
        let answer = super::once::execute_once(conn, ctx, acting, plan).await?;
        return Ok((answer, None));
    }
    let stmt = prepare(conn, ctx, &plan.sql).await?;
    let ro = plan.read_only;
    let local = conn
        .pooler
        .clone()
        .map_or(String::new(), |l| format!("; {l}"));
    match acting {
        Acting::Trusted(who) if conn.pooler.is_some() => {
            // behind a pooler: the caller for this transaction only
            let prologue = format!(
                "{}{local}; select dues.caller_set({}, {}, {})",
                begin(ro),
                literal(&who.role),
                who.member_id.map_or("null".into(), |m| m.to_string()),
                literal(&who.actor)
            );
            let (answer, _) = in_transaction(conn, ctx, plan, &stmt, &prologue).await?;
            conn.session = Session::Operator;
            Ok((answer, None))
        }
        Acting::Trusted(who) => {
            let want = Session::Caller(who.clone(), ro);
            if conn.session == want {
                if ro {
                    let rows = run(conn, &stmt, plan).await;
                    return Ok((answer(conn, ctx, plan, rows).await?, None));
                }
                // the call commits on its own; the WAL position read right after it
                let (rows, lsn) =
                    futures_util::future::join(run(conn, &stmt, plan), conn.simple_query(LSN))
                        .await;
                let mut answer = answer(conn, ctx, plan, rows).await?;
                answer.lsn = lsn.ok().as_deref().and_then(first_value);
                return Ok((answer, None));
            }
            let member = who.member_id.map_or("null".into(), |m| m.to_string());
            let prologue = format!(
                "{}; reset role; select dues.session_set({}, {member}, {}, {ro})",
                begin(ro),
                literal(&who.role),
                literal(&who.actor)
            );
            let (answer, _) = in_transaction(conn, ctx, plan, &stmt, &prologue).await?;
            conn.session = want;
            Ok((answer, None))
        }
        Acting::Check(hash) => {
            let asked = Instant::now();
            let prologue = if conn.pooler.is_some() {
                // the identity, and the caller for this transaction only
                format!(
                    "{}{local}; select t.role, t.member_id, t.actor, extract(epoch from t.expires_at)::text \
                     from dues.token_identity({}) t, lateral dues.caller_set(t.role, t.member_id, t.actor) c",
                    begin(ro),
                    literal(hash)
                )
            } else {
                format!(
                    "{}; reset role; select role, member_id, actor, extract(epoch from expires_at)::text \
                     from dues.session_authenticate({}, {ro})",
                    begin(ro),
                    literal(hash)
                )
            };
            let (answer, prologue) = in_transaction(conn, ctx, plan, &stmt, &prologue).await?;
            let checked = identity_of(&prologue, asked).ok_or_else(|| {
                tracing::error!(
                    request_id = ctx.request_id,
                    "dues.session_authenticate answered no row"
                );
                ApiError::Internal(ctx.request_id.to_string())
            })?;
            conn.session = if conn.pooler.is_some() {
                Session::Operator
            } else {
                Session::Caller(checked.identity.clone(), ro)
            };
            Ok((answer, Some(checked)))
        }
        Acting::Cli(caller) => {
            conn.as_operator().await.map_err(|e| ctx.fail(e))?;
            let member = match caller {
                Caller::Member(id) => id.to_string(),
                _ => "null".into(),
            };
            let prologue = format!("{}{local}; select dues.impersonate({member})", begin(ro));
            let (answer, _) = in_transaction(conn, ctx, plan, &stmt, &prologue).await?;
            // the role and the caller were the transaction's only
            conn.session = Session::Operator;
            Ok((answer, None))
        }
    }
}

/// A call's statement: prepared once per connection, or (behind a pooler in
/// transaction mode) unnamed, parsed and run in one round trip.
pub enum Prepared {
    Named(Statement),
    Unnamed(String),
}

/// Runs the call's statement with its arguments.
pub async fn run(
    conn: &Connection,
    stmt: &Prepared,
    plan: &Plan,
) -> Result<Vec<Row>, tokio_postgres::Error> {
    match stmt {
        Prepared::Named(stmt) => conn.query(stmt, &params(plan)).await,
        Prepared::Unnamed(sql) => conn.query_typed(sql, &typed_params(plan)).await,
    }
}

/// The arguments, each of type text (the statement converts them).
pub fn typed_params(plan: &Plan) -> Vec<(&(dyn ToSql + Sync), Type)> {
    plan.params
        .iter()
        .map(|p| (p as &(dyn ToSql + Sync), Type::TEXT))
        .collect()
}

/// The call's statement, prepared once per connection. A session that may not
/// even read what the statement names (a type in another schema) prepares it
/// as dues itself.
pub async fn prepare(
    conn: &mut Connection,
    ctx: &Context<'_>,
    sql: &str,
) -> Result<Prepared, ApiError> {
    if conn.pooler.is_some() {
        return Ok(Prepared::Unnamed(sql.to_string()));
    }
    prepare_named(conn, ctx, sql).await.map(Prepared::Named)
}

async fn prepare_named(
    conn: &mut Connection,
    ctx: &Context<'_>,
    sql: &str,
) -> Result<Statement, ApiError> {
    match conn.prepare_cached(sql).await {
        Ok(stmt) => Ok(stmt),
        Err(e) if conn.session != Session::Operator && e.code().is_some() => {
            conn.as_operator().await.map_err(|e| ctx.fail(e))?;
            conn.prepare_cached(sql).await.map_err(|e| ctx.fail(e))
        }
        Err(e) => Err(ctx.fail(e)),
    }
}

/// `prologue` (a simple query that opens the transaction), the call and
/// COMMIT, pipelined. The session is unknown until it committed.
async fn in_transaction(
    conn: &mut Connection,
    ctx: &Context<'_>,
    plan: &Plan,
    stmt: &Prepared,
    prologue: &str,
) -> Result<(Answer, Vec<SimpleQueryMessage>), ApiError> {
    conn.session = Session::Unknown;
    let commit = if plan.read_only { "commit" } else { COMMIT_LSN };
    let (p, r, c) = join3(
        conn.simple_query(prologue),
        run(conn, stmt, plan),
        conn.simple_query(commit),
    )
    .await;
    let prologue = p.map_err(|e| ctx.fail(e))?;
    // after a failed call the pipelined COMMIT rolled the transaction back:
    // the call's error is the one to report
    let mut answer = answer(conn, ctx, plan, r).await?;
    // a deferred check can still refuse the transaction at COMMIT
    let committed = c.map_err(|e| ctx.fail(e))?;
    answer.lsn = first_value(&committed);
    Ok((answer, prologue))
}

/// BEGIN, read-only or not whatever the session's default.
pub fn begin(read_only: bool) -> &'static str {
    if read_only {
        "begin read only"
    } else {
        "begin read write"
    }
}

/// A SQL string literal.
pub fn literal(s: &str) -> String {
    if s.contains('\\') {
        format!("E'{}'", s.replace('\\', "\\\\").replace('\'', "''"))
    } else {
        format!("'{}'", s.replace('\'', "''"))
    }
}

/// The arguments bound to the call's statement.
pub fn params(plan: &Plan) -> Vec<&(dyn ToSql + Sync)> {
    plan.params
        .iter()
        .map(|p| p as &(dyn ToSql + Sync))
        .collect()
}

/// The identity row of `dues.session_authenticate`.
fn identity_of(messages: &[SimpleQueryMessage], asked: Instant) -> Option<Checked> {
    let row = messages.iter().find_map(|m| match m {
        SimpleQueryMessage::Row(r) => Some(r),
        _ => None,
    })?;
    let expires_at = row
        .get(3)
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s > 0.0)
        .map(|s| SystemTime::UNIX_EPOCH + Duration::from_secs_f64(s));
    Some(Checked {
        identity: Identity {
            role: row.get(0)?.to_string(),
            member_id: row.get(1).and_then(|m| m.parse().ok()),
            actor: row.get(2).unwrap_or("").to_string(),
        },
        expires_at,
        asked,
    })
}

/// The call's rows as its answer; a value that does not convert is named.
pub async fn answer(
    conn: &Connection,
    ctx: &Context<'_>,
    plan: &Plan,
    rows: Result<Vec<Row>, tokio_postgres::Error>,
) -> Result<Answer, ApiError> {
    let rows = match rows {
        Ok(rows) => rows,
        Err(e) => return Err(explain_value_error(conn, plan, ctx.fail(e)).await),
    };
    if plan.shape == Shape::Void {
        return Ok(Answer {
            status: 204,
            body: None,
            replayed: false,
            lsn: None,
        });
    }
    let body = rows
        .first()
        .and_then(|r| r.get::<_, Option<String>>(0))
        .unwrap_or_else(|| "null".to_string());
    Ok(Answer {
        status: 200,
        body: Some(body),
        replayed: false,
        lsn: None,
    })
}

/// A PostgreSQL error as the caller sees it; faults of dues or the database
/// are logged in full and shown only as a request id.
pub fn db_error(
    e: tokio_postgres::Error,
    catalog: &Catalog,
    authenticated: bool,
    request_id: &str,
) -> ApiError {
    if let Some(db) = e.as_db_error() {
        if let Some(err) = ApiError::from_db(db, &catalog.statuses, authenticated) {
            return err;
        }
        tracing::error!(request_id, code = db.code().code(), error = %crate::error::describe_pg(&e), "database error");
        return ApiError::Internal(request_id.to_string());
    }
    if e.is_closed() || std::error::Error::source(&e).is_some() {
        tracing::warn!(request_id, error = %e, "database connection failed");
        return ApiError::Unavailable("the connection to PostgreSQL was lost".into());
    }
    tracing::error!(request_id, error = %e, "database error");
    ApiError::Internal(request_id.to_string())
}

/// A value that does not convert (SQLSTATE class 22) is named: each argument
/// is converted alone until one fails.
async fn explain_value_error(conn: &Connection, plan: &Plan, err: ApiError) -> ApiError {
    if !err.code().starts_with("22") {
        return err;
    }
    for (probe, value) in plan.probes.iter().zip(&plan.params) {
        let sql = format!("select {}", probe.expression);
        if let Err(e) = conn.query_typed(&sql, &[(value, Type::TEXT)]).await {
            let why = e
                .as_db_error()
                .map(|d| d.message().to_string())
                .unwrap_or_else(|| e.to_string());
            return ApiError::BadValue {
                argument: probe.argument.clone(),
                why,
                type_name: probe.type_name.clone(),
            };
        }
    }
    err
}
