//! A call with an `Idempotency-Key`: the first complete answer for (caller,
//! key) is stored with the call's effects, in the same transaction, and
//! replayed afterwards; a concurrent duplicate waits for the first and
//! replays it. The transaction runs as dues itself, and the call alone under
//! the caller's role.

use super::caller::Caller;
use super::error::ApiError;
use super::execute::{
    answer, first_value, literal, prepare, run, Acting, Answer, Context, COMMIT_LSN,
};
use super::plan::Plan;
use crate::pool::{Connection, Session};
use tokio_postgres::types::Type;

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
        // behind a pooler, the time limit and the call settings are the
        // transaction's only
        let begin = match &conn.pooler {
            Some(local) => format!(
                "begin read write; {local}; {}",
                ctx.call_settings().local_sql()
            ),
            None => format!("begin read write; {}", ctx.call_settings().sql()),
        };
        conn.batch_execute(&begin).await.map_err(|e| ctx.fail(e))?;
        let stored = conn
            .query_typed_opt(
                "select status, body from dues.idempotency_claim($1, $2, $3)",
                &[(&owner, Type::TEXT), (key, Type::TEXT), (hash, Type::TEXT)],
            )
            .await
            .map_err(|e| ctx.fail(e))?;
        conn.batch_execute(&act_as(acting))
            .await
            .map_err(|e| ctx.fail(e))?;
        if let Some(row) = stored {
            return replay(conn, ctx, key, row).await;
        }
        let rows = run(conn, &stmt, plan).await;
        if rows.is_err() {
            let _ = conn.batch_execute("rollback").await;
        }
        let mut answer = answer(conn, ctx, plan, rows).await?;
        // the answer is kept by dues itself, not by the caller's role
        conn.batch_execute("reset role")
            .await
            .map_err(|e| ctx.fail(e))?;
        conn.execute_typed(
            "select dues.idempotency_store($1, $2, $3, $4)",
            &[
                (&owner, Type::TEXT),
                (key, Type::TEXT),
                (&(answer.status as i32), Type::INT4),
                (&answer.body, Type::TEXT),
            ],
        )
        .await
        .map_err(|e| ctx.fail(e))?;
        let committed = conn
            .simple_query(COMMIT_LSN)
            .await
            .map_err(|e| ctx.fail(e))?;
        answer.lsn = first_value(&committed);
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
    // the first call committed before this one read its key
    let committed = conn
        .simple_query(COMMIT_LSN)
        .await
        .map_err(|e| ctx.fail(e))?;
    Ok(Answer {
        status: status as u16,
        body: row.get(1),
        replayed: true,
        lsn: first_value(&committed),
    })
}
