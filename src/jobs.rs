//! Running a background job to its end: `jobs.<name>(now)` through
//! `dues.job_run`, called again with the same "now" while it answers
//! `"more": true` (a job that works in batches, one transaction each).

use crate::error::Result;
use serde_json::{Map, Value};
use tokio_postgres::Client;

/// Runs `name` at `at` (a timestamp PostgreSQL understands; None: now) until
/// it is done; returns its summary, counts added up over the batches.
pub async fn run(client: &Client, name: &str, at: Option<&str>) -> Result<Value> {
    // one "now" for every batch of the run
    let now: String = client
        .query_one(
            "select coalesce($1::text::timestamptz, now())::text",
            &[&at],
        )
        .await?
        .get(0);
    let mut total = Map::new();
    let mut batches = 0u32;
    loop {
        let text: String = client
            .query_one(
                "select dues.job_run($1, $2::text::timestamptz)::text",
                &[&name, &now],
            )
            .await?
            .get(0);
        batches += 1;
        let result: Value = serde_json::from_str(&text).unwrap_or(Value::String(text));
        let more = result.get("more").and_then(Value::as_bool).unwrap_or(false);
        match result {
            Value::Object(fields) => add(&mut total, fields),
            other => return Ok(other),
        }
        if !more {
            break;
        }
    }
    if batches > 1 {
        total.insert("batches".into(), batches.into());
    }
    Ok(Value::Object(total))
}

/// The errors a run recorded, one line each (member, code, message): the
/// collector's, of its `run_id`, when its summary counts `errors`.
pub async fn errors(client: &Client, summary: &Value) -> Result<Vec<String>> {
    let count = summary.get("errors").and_then(Value::as_i64).unwrap_or(0);
    let run = summary.get("run_id").and_then(Value::as_i64);
    let (true, Some(run)) = (count > 0, run) else {
        return Ok(if count > 0 {
            vec![format!("{count} error(s)")]
        } else {
            vec![]
        });
    };
    let rows = client
        .query(
            "select format('member %s (%s): %s %s', e.member_id, m.name, e.sqlstate, e.message) \
               from dues.collect_error e join dues.member m on m.id = e.member_id \
              where e.collect_run_id = $1 order by e.id",
            &[&run],
        )
        .await?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

/// Adds up whole numbers; keeps the latest value of everything else.
fn add(total: &mut Map<String, Value>, fields: Map<String, Value>) {
    for (k, v) in fields {
        let sum = match (total.get(&k).and_then(Value::as_i64), v.as_i64()) {
            (Some(a), Some(b)) if k != "run_id" => Some(a + b),
            _ => None,
        };
        total.insert(k, sum.map(Value::from).unwrap_or(v));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_add_up_counts_and_keep_the_rest() {
        let mut total = Map::new();
        add(
            &mut total,
            serde_json::from_str(r#"{"invoices": 2, "run_id": 7, "more": true}"#).unwrap(),
        );
        add(
            &mut total,
            serde_json::from_str(r#"{"invoices": 3, "run_id": 7, "more": false}"#).unwrap(),
        );
        assert_eq!(
            Value::Object(total),
            serde_json::json!({"invoices": 5, "run_id": 7, "more": false})
        );
    }
}
