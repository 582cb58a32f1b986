//! A refusal's `on_failure` function (`dues.error_code.on_failure`): what
//! the refusal must record although its transaction was rolled back, run
//! after it with the call's arguments and settings, in a transaction of its
//! own.

use super::execute::{params, typed_params, Context};
use super::plan::Plan;
use crate::pool::Connection;
use futures_util::future::join3;

/// The `on_failure` function of a refusal, as dues itself, with the call's
/// arguments and settings; its own failure is logged, the refusal answered.
pub async fn run(conn: &mut Connection, ctx: &Context<'_>, hook: &str, plan: &Plan) {
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
        let settings = ctx.call_settings();
        let Some(local) = conn.pooler.clone() else {
            conn.batch_execute(&settings.sql()).await?;
            conn.call_settings = Some(settings);
            return conn.execute(&sql, &params(plan)).await.map(drop);
        };
        // behind a pooler: a transaction with its own settings, the
        // statement unnamed
        let begin = format!("begin read write; {local}; {}", settings.local_sql());
        let (b, r, c) = join3(
            conn.batch_execute(&begin),
            conn.query_typed(&sql, &typed_params(plan)),
            conn.batch_execute("commit"),
        )
        .await;
        b.and(r).and(c).map(drop)
    }
    .await;
    if let Err(e) = result {
        tracing::error!(request_id = ctx.request_id, hook, error = %crate::error::describe_pg(&e), "on_failure function failed");
    }
}
