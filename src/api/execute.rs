//! Running a planned call on a connection, in one round trip: a call by the
//! caller the connection's session already acts for is one statement;
//! otherwise the session is changed (or the token checked) in the call's own
//! transaction, so that nothing runs when the change is refused.

use super::caller::{Caller, Identity};
use super::catalog::{Catalog, Shape};
use super::error::ApiError;
use super::plan::Plan;
use crate::pool::{CallSettings, Connection, Session};
use futures_util::future::{join, join3};
use std::time::{Duration, Instant, SystemTime};
use tokio_postgres::types::ToSql;
use tokio_postgres::{Row, SimpleQueryMessage, Statement};

/// What a successful call answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    pub status: u16,
    /// JSON text; None for 204.
    pub body: Option<String>,
    /// The answer was replayed from an earlier call with the same idempotency key.
    pub replayed: bool,
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
    plan.idempotency.is_none()
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
            on_failure(conn, ctx, hook, plan).await;
        }
    }
    result
}

/// The `on_failure` function of a refusal, as dues itself, with the call's
/// arguments and settings; its own failure is logged, the refusal answered.
async fn on_failure(conn: &mut Connection, ctx: &Context<'_>, hook: &str, plan: &Plan) {
    if !hook
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.')
    {
        tracing::error!(
            request_id = ctx.request_id,
            hook,
            "on_failure is no function name"
        );
        return;
    }
    let sql = format!("select {hook}({})", plan.arguments);
    let result = async {
        conn.as_operator().await?;
        conn.call_settings = None;
        conn.batch_execute(&ctx.call_settings().sql()).await?;
        conn.call_settings = Some(ctx.call_settings());
        conn.execute(&sql, &params(plan)).await
    }
    .await;
    if let Err(e) = result {
        tracing::error!(request_id = ctx.request_id, hook, error = %crate::error::describe_pg(&e), "on_failure function failed");
    }
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
    match acting {
        Acting::Trusted(who) => {
            let want = Session::Caller(who.clone(), ro);
            if conn.session == want {
                let settings = ctx.call_settings();
                if conn.call_settings.as_ref() == Some(&settings) {
                    let rows = conn.query(&stmt, &params(plan)).await;
                    return Ok((answer(conn, ctx, plan, rows).await?, None));
                }
                // the settings first, in the same round trip
                conn.call_settings = None;
                let args = params(plan);
                let sql = settings.sql();
                let (set, rows) = join(conn.batch_execute(&sql), conn.query(&stmt, &args)).await;
                set.map_err(|e| ctx.fail(e))?;
                conn.call_settings = Some(settings);
                return Ok((answer(conn, ctx, plan, rows).await?, None));
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
            let prologue = format!(
                "{}; reset role; select role, member_id, actor, extract(epoch from expires_at)::text \
                 from dues.session_authenticate({}, {ro})",
                begin(ro),
                literal(hash)
            );
            let (answer, prologue) = in_transaction(conn, ctx, plan, &stmt, &prologue).await?;
            let checked = identity_of(&prologue, asked).ok_or_else(|| {
                tracing::error!(
                    request_id = ctx.request_id,
                    "dues.session_authenticate answered no row"
                );
                ApiError::Internal(ctx.request_id.to_string())
            })?;
            conn.session = Session::Caller(checked.identity.clone(), ro);
            Ok((answer, Some(checked)))
        }
        Acting::Cli(caller) => {
            conn.as_operator().await.map_err(|e| ctx.fail(e))?;
            let member = match caller {
                Caller::Member(id) => id.to_string(),
                _ => "null".into(),
            };
            let prologue = format!("{}; select dues.impersonate({member})", begin(ro));
            let (answer, _) = in_transaction(conn, ctx, plan, &stmt, &prologue).await?;
            // the role and the caller were the transaction's only
            conn.session = Session::Operator;
            Ok((answer, None))
        }
    }
}

/// The call's statement, prepared once per connection. A session that may not
/// even read what the statement names (a type in another schema) prepares it
/// as dues itself.
pub async fn prepare(
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
    stmt: &Statement,
    prologue: &str,
) -> Result<(Answer, Vec<SimpleQueryMessage>), ApiError> {
    conn.session = Session::Unknown;
    conn.call_settings = None;
    let settings = ctx.call_settings();
    let prologue = format!("{prologue}; {}", settings.sql());
    let args = params(plan);
    let (p, r, c) = join3(
        conn.simple_query(&prologue),
        conn.query(stmt, &args),
        conn.batch_execute("commit"),
    )
    .await;
    let prologue = p.map_err(|e| ctx.fail(e))?;
    // after a failed call the pipelined COMMIT rolled the transaction back:
    // the call's error is the one to report
    let answer = answer(conn, ctx, plan, r).await?;
    // a deferred check can still refuse the transaction at COMMIT
    c.map_err(|e| ctx.fail(e))?;
    conn.call_settings = Some(settings);
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
        if let Err(e) = conn.query(&sql, &[value]).await {
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
