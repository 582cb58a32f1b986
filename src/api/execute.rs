//! Running a planned call on a connection, in one round trip: a call by the
//! caller the connection's session already acts for is one statement;
//! otherwise the session is changed (or the token checked) in the call's own
//! transaction, so that nothing runs when the change is refused.

use super::caller::{Caller, Identity};
use super::catalog::Catalog;
use super::error::ApiError;
use super::outcome::identity_of;
pub use super::outcome::{answer, db_error};
use super::plan::Plan;
use crate::pool::{CallSettings, Connection, Session};
use futures_util::future::join3;
use std::time::{Instant, SystemTime};
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

/// What errors are reported against, and what the call tells the database
/// of its request.
pub struct Context<'a> {
    pub catalog: &'a Catalog,
    pub caller: &'a Caller,
    pub request_id: &'a str,
    /// The HTTP client's address (none for `dues call`).
    pub client_address: Option<&'a str>,
}

impl Context<'_> {
    /// The session settings the call runs with (`dues.client_address`, `dues.token_hash`).
    pub fn call_settings(&self) -> CallSettings {
        CallSettings {
            client_address: self.client_address.map(str::to_string),
            token_hash: match self.caller {
                Caller::Token(hash) => Some(hash.clone()),
                _ => None,
            },
        }
    }

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
/// found of the token. A call refused with a code whose `dues.error_code`
/// row names an `on_failure` function is followed by that function, with the
/// call's arguments, in a transaction of its own (what the refusal must
/// record although its transaction was rolled back).
pub async fn execute(
    conn: &mut Connection,
    ctx: &Context<'_>,
    acting: &Acting,
    plan: &Plan,
) -> Result<(Answer, Option<Checked>), ApiError> {
    let result = execute_call(conn, ctx, acting, plan).await;
    if let Err(ApiError::Database(refusal)) = &result {
        if let Some(hook) = ctx.catalog.on_failure.get(&refusal.code) {
            super::on_failure::run(conn, ctx, hook, plan).await;
        }
    }
    result
}

async fn execute_call(
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
            let prologue = format!("{}{local}; {}", begin(ro), caller_set(who));
            let (answer, _) = in_transaction(conn, ctx, plan, &stmt, &prologue).await?;
            conn.session = Session::Operator;
            Ok((answer, None))
        }
        Acting::Trusted(who) => {
            let want = Session::Caller(who.clone(), ro);
            if conn.session == want {
                return same_session(conn, ctx, plan, &stmt).await;
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
            let prologue = check_prologue(conn, hash, ro);
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

/// `dues.caller_set` of `who`: the caller for the transaction only.
pub fn caller_set(who: &Identity) -> String {
    format!(
        "select dues.caller_set({}, {}, {})",
        literal(&who.role),
        who.member_id.map_or("null".into(), |m| m.to_string()),
        literal(&who.actor)
    )
}

/// BEGIN and the check of a token, whose identity row is the answer's first:
/// behind a pooler the caller for this transaction only, else the session's.
fn check_prologue(conn: &Connection, hash: &str, ro: bool) -> String {
    match &conn.pooler {
        Some(local) => format!(
            "{}; {local}; select t.role, t.member_id, t.actor, extract(epoch from t.expires_at)::text \
             from dues.token_identity({}) t, lateral dues.caller_set(t.role, t.member_id, t.actor) c",
            begin(ro),
            literal(hash)
        ),
        None => format!(
            "{}; reset role; select role, member_id, actor, extract(epoch from expires_at)::text \
             from dues.session_authenticate({}, {ro})",
            begin(ro),
            literal(hash)
        ),
    }
}

/// A call on a connection whose session already acts for the caller: one
/// statement, preceded by the call settings when the session holds others,
/// and (for a call that may change data, which commits on its own) followed
/// by the WAL position read right after it, all in one round trip.
async fn same_session(
    conn: &mut Connection,
    ctx: &Context<'_>,
    plan: &Plan,
    stmt: &Prepared,
) -> Result<(Answer, Option<Checked>), ApiError> {
    let settings = ctx.call_settings();
    let held = conn.call_settings.as_ref() == Some(&settings);
    conn.call_settings = None;
    let sql = settings.sql();
    let set = async {
        match held {
            true => Ok(()),
            false => conn.batch_execute(&sql).await,
        }
    };
    let lsn = async {
        match plan.read_only {
            true => Ok(Vec::new()),
            false => conn.simple_query(LSN).await,
        }
    };
    let (set, rows, lsn) = join3(set, run(conn, stmt, plan), lsn).await;
    set.map_err(|e| ctx.fail(e))?;
    conn.call_settings = Some(settings);
    let mut answer = answer(conn, ctx, plan, rows).await?;
    answer.lsn = lsn.ok().as_deref().and_then(first_value);
    Ok((answer, None))
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
    conn.call_settings = None;
    let settings = ctx.call_settings();
    // behind a pooler the next transaction on the server connection may be
    // another client's: the settings are the transaction's only
    let prologue = match conn.pooler {
        Some(_) => format!("{prologue}; {}", settings.local_sql()),
        None => format!("{prologue}; {}", settings.sql()),
    };
    let commit = if plan.read_only { "commit" } else { COMMIT_LSN };
    let (p, r, c) = join3(
        conn.simple_query(&prologue),
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
    if conn.pooler.is_none() {
        conn.call_settings = Some(settings);
    }
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
