//! PayPal IPN: receiving (store the raw message and commit before anything
//! else), and verifying (post it back unaltered, prefixed with
//! `cmd=_notify-validate`, and accept only `VERIFIED`). What a verified
//! message means is decided in SQL (`dues.ipn_verified`).

use deadpool_postgres::Pool;
use tokio_postgres::types::Json;

/// Stores a received message as-is; returns its id. Committed on return.
pub async fn receive(pool: &Pool, body: &[u8], headers: &serde_json::Value) -> Result<i64, String> {
    let client = pool.get().await.map_err(|e| e.to_string())?;
    let row = client
        .query_one(
            "select dues.ipn_receive($1::bytea, $2::jsonb)",
            &[&body, &Json(headers)],
        )
        .await
        .map_err(|e| crate::error::describe_pg(&e))?;
    Ok(row.get(0))
}

/// Asks the verification server about one message: Ok("VERIFIED"|"INVALID"),
/// or Err when it did not answer one of those.
pub async fn verify(http: &reqwest::Client, url: &str, body: &[u8]) -> Result<String, String> {
    let mut payload = b"cmd=_notify-validate&".to_vec();
    payload.extend_from_slice(body);
    let resp = http
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(payload)
        .send()
        .await
        .map_err(|e| format!("verification server {url}: {e}"))?;
    let status = resp.status();
    let text = resp
        .text()
        .await
        .map_err(|e| format!("verification server {url}: {e}"))?;
    match text.trim() {
        "VERIFIED" | "INVALID" if status.is_success() => Ok(text.trim().to_string()),
        other => Err(format!(
            "verification server {url} answered {status}: {:?}",
            other.chars().take(100).collect::<String>()
        )),
    }
}

/// Verifies and processes the messages waiting for it (claimed in SQL, so
/// two processes never verify the same one); returns how many were handled.
pub async fn process_pending(
    pool: &Pool,
    http: &reqwest::Client,
    batch: i32,
) -> Result<usize, String> {
    // no connection is held while the verification server is asked
    let (url, pending) = {
        let client = pool.get().await.map_err(|e| e.to_string())?;
        let url: String = client
            .query_one(
                "select coalesce((select value from dues.setting where name = 'paypal_verify_url'), \
                 'https://ipnpb.paypal.com/cgi-bin/webscr')",
                &[],
            )
            .await
            .map_err(|e| crate::error::describe_pg(&e))?
            .get(0);
        let pending = client
            .query(
                "select id, body from dues.ipn_pending(now(), $1)",
                &[&batch],
            )
            .await
            .map_err(|e| crate::error::describe_pg(&e))?;
        (url, pending)
    };
    for row in &pending {
        let id: i64 = row.get(0);
        let body: Vec<u8> = row.get(1);
        let outcome = verify(http, &url, &body).await;
        let client = pool.get().await.map_err(|e| e.to_string())?;
        let recorded = match &outcome {
            Ok(result) => client
                .query_one("select dues.ipn_verified($1, $2)", &[&id, result])
                .await
                .map(|r| r.get::<_, Option<String>>(0).unwrap_or_default()),
            Err(e) => client
                .execute(
                    "select dues.ipn_verification_failed($1, $2, now())",
                    &[&id, e],
                )
                .await
                .map(|_| "unverified".to_string()),
        };
        match recorded {
            Ok(state) => tracing::info!(ipn = id, %state, "IPN message handled"),
            Err(e) => {
                tracing::warn!(ipn = id, error = %crate::error::describe_pg(&e), "IPN message not handled; it stays for a retry")
            }
        }
    }
    Ok(pending.len())
}
