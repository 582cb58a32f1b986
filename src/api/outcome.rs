//! What a call's rows, its token check or its error become: the answer, or the error the
//! caller sees (a value that does not convert named, a fault only logged).

use super::caller::Identity;
use super::catalog::{Catalog, Shape};
use super::error::ApiError;
use super::execute::{Answer, Checked, Context};
use super::plan::Plan;
use crate::pool::Connection;
use std::time::{Duration, Instant, SystemTime};
use tokio_postgres::types::Type;
use tokio_postgres::Row;
use tokio_postgres::SimpleQueryMessage;

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

/// The identity row of `dues.session_authenticate`.
pub fn identity_of(messages: &[SimpleQueryMessage], asked: Instant) -> Option<Checked> {
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
