//! A call with an `Idempotency-Key`: the first complete answer for (caller,
//! key) is stored with the call's effects, in the same transaction, and
//! replayed afterwards; a concurrent duplicate waits for the first and
//! replays it. The transaction runs as dues itself, and the call alone under
//! the caller's role.

use super::caller::Caller;
use super::error::ApiError;
use super::execute::{answer, literal, params, prepare, Acting, Answer, Context};
use super::plan::Plan;
use crate::pool::{Connection, Session};

pub async fn execute_once(
    conn: &mut Connection,
    ctx: &Context<'_>,
    acting: &Acting,
    plan: &Plan,
) -> Result<Answer, ApiError> {
    let Some((key, hash)) = &plan.idempotency else {
        return Err(ApiError::Internal(ctx.request_id.to_string()));
    };
    conn.as_operator().await.map_err(|e| ctx.fail(e))?;
    let stmt = prepare(conn, ctx, &plan.sql).await?;
    let owner = ctx.caller.key_owner();
    conn.session = Session::Unknown;
    conn.call_settings = None;
    let result = async {
        conn.batch_execute(&format!("begin read write; {}", ctx.call_settings().sql()))
            .await
            .map_err(|e| ctx.fail(e))?;
        let stored = conn
            .query_opt(
                "select status, body from dues.idempotency_claim($1, $2, $3)",
                &[&owner, key, hash],
            )
            .await
            .map_err(|e| ctx.fail(e))?;
        conn.batch_execute(&act_as(acting))
            .await
            .map_err(|e| ctx.fail(e))?;
        if let Some(row) = stored {
            return replay(conn, ctx, key, row).await;
        }
        let rows = conn.query(&stmt, &params(plan)).await;
        if rows.is_err() {
            let _ = conn.batch_execute("rollback").await;
        }
        let answer = answer(conn, ctx, plan, rows).await?;
        // the answer is kept by dues itself, not by the caller's role
        conn.batch_execute("reset role")
            .await
            .map_err(|e| ctx.fail(e))?;
        conn.execute(
            "select dues.idempotency_store($1, $2, $3, $4)",
            &[&owner, key, &(answer.status as i32), &answer.body],
        )
        .await
        .map_err(|e| ctx.fail(e))?;
        conn.batch_execute("commit")
            .await
            .map_err(|e| ctx.fail(e))?;
        Ok(answer)
    }
    .await;
    match result {
        Ok(answer) => {
            conn.session = Session::Operator;
            Ok(answer)
        }
        Err(e) => {
            let _ = conn.batch_execute("rollback").await;
            Err(e)
        }
    }
}

/// The role and caller of the call, for its transaction only.
fn act_as(acting: &Acting) -> String {
    match acting {
        Acting::Trusted(who) => format!(
            "select dues.caller_set({}, {}, {})",
            literal(&who.role),
            who.member_id.map_or("null".into(), |m| m.to_string()),
            literal(&who.actor)
        ),
        Acting::Check(hash) => format!("select dues.authenticate({})", literal(hash)),
        Acting::Cli(Caller::Member(id)) => format!("select dues.impersonate({id})"),
        Acting::Cli(_) => "select dues.impersonate(null)".into(),
    }
}

/// The stored answer of an earlier call with the same key.
async fn replay(
    conn: &Connection,
    ctx: &Context<'_>,
    key: &str,
    row: tokio_postgres::Row,
) -> Result<Answer, ApiError> {
    // a key is stored with its answer in one transaction; one without an
    // answer is a fault, not a panic (which would leave this transaction open)
    let Some(status) = row.get::<_, Option<i32>>(0) else {
        tracing::error!(
            request_id = ctx.request_id,
            key,
            "idempotency key stored without its answer"
        );
        return Err(ApiError::Internal(ctx.request_id.to_string()));
    };
    conn.batch_execute("commit")
        .await
        .map_err(|e| ctx.fail(e))?;
    Ok(Answer {
        status: status as u16,
        body: row.get(1),
        replayed: true,
    })
}
