//! Fetching what events wait for: the resources the providers' APIs hold
//! (a payment, its mandate, its customer), recorded for SQL to process the
//! events again.

use super::{gocardless, Error, Gateway};
use crate::pool::{operator, Pool};
use tokio_postgres::types::{Json, Type};

impl Gateway {
    /// Reads from the providers' APIs the resources events wait for, and records them (the events waiting for
    /// them are processed again in SQL); returns how many were asked for.
    pub async fn fetch_pending(&self, pool: &Pool, batch: i32) -> Result<usize, Error> {
        // an event may need one resource after another (a payment, then its mandate, then its customer)
        let mut total = 0;
        for _ in 0..4 {
            let n = self.fetch_round(pool, batch).await?;
            total += n;
            if n == 0 {
                break;
            }
        }
        Ok(total)
    }

    async fn fetch_round(&self, pool: &Pool, batch: i32) -> Result<usize, Error> {
        let (key, pending) = {
            let client = operator(pool).await?;
            let key: String = client
                .query_typed_one(
                    "select coalesce((select btrim(value) from dues.setting where name = 'gocardless_api_key'), '')",
                    &[],
                )
                .await?
                .get(0);
            let pending = client
                .query_typed(
                    "select provider, path, base_url from dues.webhook_fetch_pending(now(), $1)",
                    &[(&batch, Type::INT4)],
                )
                .await?;
            (key, pending)
        };
        for row in &pending {
            let (provider, path, base): (String, String, String) =
                (row.get(0), row.get(1), row.get(2));
            let fetched = gocardless::fetch(&self.http, &base, &key, &path).await;
            let client = operator(pool).await?;
            match fetched {
                Ok(gocardless::Fetched::Found(body)) => {
                    let n: i32 = client
                        .query_typed_one(
                            "select dues.webhook_fetched($1, $2, 200, $3)",
                            &[
                                (&provider, Type::TEXT),
                                (&path, Type::TEXT),
                                (&Json(&body), Type::JSONB),
                            ],
                        )
                        .await?
                        .get(0);
                    tracing::info!(%provider, %path, events = n, "resource fetched; waiting events processed");
                }
                Ok(gocardless::Fetched::Unknown) => {
                    client
                        .execute_typed(
                            "select dues.webhook_fetched($1, $2, 404, null)",
                            &[(&provider, Type::TEXT), (&path, Type::TEXT)],
                        )
                        .await?;
                    tracing::warn!(%provider, %path, "the provider does not know this resource");
                }
                Err(why) => {
                    tracing::warn!(%provider, %path, error = %why, "resource not fetched; retried later");
                    client
                        .execute_typed(
                            "select dues.webhook_fetch_failed($1, $2, $3, now())",
                            &[
                                (&provider, Type::TEXT),
                                (&path, Type::TEXT),
                                (&why, Type::TEXT),
                            ],
                        )
                        .await?;
                }
            }
        }
        Ok(pending.len())
    }
}
