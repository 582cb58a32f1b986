//! What a running server knows of the database and keeps current: the
//! catalog, read again when migrations ran (LISTEN `dues_catalog`), and the
//! tokens it has seen, forgotten when one changes (LISTEN `dues_token`). After
//! a lost listener connection both are read again (a notice may be missed).

use super::caller::Tokens;
use super::catalog::Catalog;
use crate::database::Database;
use crate::error::Result;
use crate::pool::Pool;
use futures_util::StreamExt;
use std::sync::{Arc, RwLock};
use std::time::Duration;
use tokio_postgres::AsyncMessage;

/// The channel `dues.api_token_notify` tells a changed token's hash on.
pub const TOKEN_CHANNEL: &str = "dues_token";

/// The catalog and the tokens, shared by every request.
#[derive(Default)]
pub struct Live {
    catalog: RwLock<Arc<Catalog>>,
    pub tokens: Tokens,
    /// Another pool whose prepared statements are forgotten with the catalog (the replica's).
    also: std::sync::OnceLock<Pool>,
}

impl Live {
    pub fn catalog(&self) -> Arc<Catalog> {
        self.catalog
            .read()
            .map(|c| c.clone())
            .unwrap_or_else(|p| p.into_inner().clone())
    }

    /// The prepared statements of `pool` too are forgotten when the catalog is read again.
    pub fn forget_statements_of(&self, pool: Pool) {
        let _ = self.also.set(pool);
    }

    /// Reads the catalog again and forgets prepared statements.
    pub async fn refresh(&self, pool: &Pool) -> Result<()> {
        let client = crate::pool::operator(pool).await?;
        let fresh = Catalog::load(&client).await?;
        pool.manager().clear_statements();
        if let Some(other) = self.also.get() {
            other.manager().clear_statements();
        }
        let n = fresh.functions.len();
        match self.catalog.write() {
            Ok(mut c) => *c = Arc::new(fresh),
            Err(p) => *p.into_inner() = Arc::new(fresh),
        }
        tracing::info!(functions = n, "api catalog loaded");
        Ok(())
    }
}

/// What the listener connection hears.
enum Heard {
    Migrated,
    Token(String),
}

/// Keeps a LISTEN on both channels for as long as the server runs,
/// reconnecting with a backoff.
pub async fn listen(db: Database, pool: Pool, live: Arc<Live>) {
    let mut backoff = Duration::from_millis(200);
    loop {
        if listen_once(&db, &pool, &live).await {
            backoff = Duration::from_millis(200);
            tracing::warn!("lost the catalog listener connection; reconnecting");
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(Duration::from_secs(5));
    }
}

/// One listener connection, until it is lost; false if it never listened.
async fn listen_once(db: &Database, pool: &Pool, live: &Live) -> bool {
    let connected = tokio::time::timeout(
        crate::database::CONNECT_TIMEOUT,
        db.config().connect(tokio_postgres::NoTls),
    )
    .await;
    let Ok(Ok((client, mut connection))) = connected else {
        return false;
    };
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let driver = tokio::spawn(async move {
        let mut messages = futures_util::stream::poll_fn(move |cx| connection.poll_message(cx));
        while let Some(Ok(m)) = messages.next().await {
            if let AsyncMessage::Notification(n) = m {
                let heard = if n.channel() == TOKEN_CHANNEL {
                    Heard::Token(n.payload().to_string())
                } else {
                    Heard::Migrated
                };
                let _ = tx.send(heard);
            }
        }
    });
    let sql = format!(
        "listen {}; listen {TOKEN_CHANNEL}",
        crate::migrate::CATALOG_CHANNEL
    );
    let listening = client.batch_execute(&sql).await.is_ok();
    if listening {
        // what was said while nobody listened
        live.tokens.forget_all();
        refresh(live, pool).await;
        while let Some(heard) = rx.recv().await {
            match heard {
                Heard::Token(hash) => live.tokens.forget(&hash),
                Heard::Migrated => {
                    while let Ok(Heard::Token(hash)) = rx.try_recv() {
                        live.tokens.forget(&hash);
                    }
                    refresh(live, pool).await;
                }
            }
        }
    }
    driver.abort();
    listening
}

async fn refresh(live: &Live, pool: &Pool) {
    if let Err(e) = live.refresh(pool).await {
        tracing::warn!(error = %e, "catalog refresh failed");
    }
}
