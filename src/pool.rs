//! The connection pool (deadpool) of `dues serve`, `dues call` and `dues
//! worker`: connections to the target with the statement time limit and a
//! bounded wait, each remembering what its session acts as (`Session`), so
//! that a call by the caller a connection already acts for is one statement.

use crate::api::caller::Identity;
use crate::database::Database;
use crate::error::{Error, Result};
use deadpool::managed::{self, Metrics, RecycleResult};
use deadpool_postgres::{ClientWrapper, ManagerConfig, RecyclingMethod};
use std::time::Duration;

/// How the pool is tuned.
#[derive(Debug, Clone, PartialEq)]
pub struct PoolSettings {
    /// Connections the pool keeps at most.
    pub size: usize,
    /// How long a request waits for a connection before a 503.
    pub wait: Duration,
    /// Longest a statement may run before a 504.
    pub statement_timeout: Duration,
    /// The connections go through a pooler in transaction mode (PgBouncer's
    /// `pool_mode = transaction`): each transaction may run on another server
    /// connection, so nothing is kept in the session (see [`Connection::pooler`]).
    pub transaction_pooler: bool,
}

impl Default for PoolSettings {
    fn default() -> PoolSettings {
        PoolSettings {
            size: 32,
            wait: Duration::from_secs(5),
            statement_timeout: Duration::from_secs(30),
            transaction_pooler: false,
        }
    }
}

/// What the session of a connection acts as, for every transaction that does
/// not choose otherwise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Session {
    /// dues itself, the user it connects as: a new connection, or after a reset.
    Operator,
    /// A caller (`dues.session_set`), with read-only transactions or not.
    Caller(Identity, bool),
    /// Not known (a change whose transaction failed): reset before use.
    Unknown,
}

/// What a call tells the database about its request, in session settings
/// that `dues serve` sets with each call (in the call's round trip): the
/// client's address (`dues.client_address`) and the hash of the token the
/// request was made with (`dues.token_hash`); empty for neither.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallSettings {
    pub client_address: Option<String>,
    pub token_hash: Option<String>,
}

impl CallSettings {
    /// The statement that sets them for the session.
    pub fn sql(&self) -> String {
        self.set_config(false)
    }

    /// The statement that sets them for the transaction only (behind a pooler
    /// in transaction mode, where the next transaction on the server
    /// connection may be another client's).
    pub fn local_sql(&self) -> String {
        self.set_config(true)
    }

    fn set_config(&self, local: bool) -> String {
        let lit = |v: &Option<String>| crate::api::execute::literal(v.as_deref().unwrap_or(""));
        format!(
            "select pg_catalog.set_config('dues.client_address', {}, {local}), \
                    pg_catalog.set_config('dues.token_hash', {}, {local})",
            lit(&self.client_address),
            lit(&self.token_hash)
        )
    }
}

/// One pooled connection, what its session acts as, and the call settings it
/// holds (None: not known).
pub struct Connection {
    pub client: ClientWrapper,
    pub session: Session,
    /// Behind a pooler in transaction mode: the statement time limit, as the
    /// `set local` every transaction starts with. The session then always
    /// acts as dues itself, the caller is set for each transaction only
    /// (`dues.caller_set`), and statements are unnamed (parsed, bound and run
    /// in one round trip): a named one could be prepared on one server
    /// connection and run on another.
    pub pooler: Option<String>,
    pub call_settings: Option<CallSettings>,
}

impl std::ops::Deref for Connection {
    type Target = ClientWrapper;
    fn deref(&self) -> &ClientWrapper {
        &self.client
    }
}

impl Connection {
    /// Makes the session act as dues itself again (RESET ALL, RESET ROLE).
    pub async fn as_operator(&mut self) -> std::result::Result<(), tokio_postgres::Error> {
        if self.session != Session::Operator {
            self.session = Session::Unknown;
            self.call_settings = None;
            self.client.batch_execute("reset all; reset role").await?;
            self.session = Session::Operator;
        }
        Ok(())
    }
}

/// deadpool-postgres' manager, with each connection's session.
pub struct Manager {
    inner: deadpool_postgres::Manager,
    pooler: Option<String>,
}

impl Manager {
    /// Forgets every connection's prepared statements (the catalog changed).
    pub fn clear_statements(&self) {
        self.inner.statement_caches.clear();
    }
}

impl managed::Manager for Manager {
    type Type = Connection;
    type Error = tokio_postgres::Error;

    async fn create(&self) -> std::result::Result<Connection, tokio_postgres::Error> {
        let client = managed::Manager::create(&self.inner).await?;
        Ok(Connection {
            client,
            session: Session::Operator,
            pooler: self.pooler.clone(),
            call_settings: None,
        })
    }

    async fn recycle(&self, c: &mut Connection, metrics: &Metrics) -> RecycleResult<Self::Error> {
        managed::Manager::recycle(&self.inner, &mut c.client, metrics).await
    }

    fn detach(&self, c: &mut Connection) {
        managed::Manager::detach(&self.inner, &mut c.client)
    }
}

pub type Pool = managed::Pool<Manager>;
pub type Pooled = managed::Object<Manager>;
pub type PoolError = managed::PoolError<tokio_postgres::Error>;

/// A pool of connections to the target, each with the statement time limit.
pub fn pool(db: &Database, settings: &PoolSettings) -> Result<Pool> {
    let mut config = db.config().clone();
    let timeout = settings.statement_timeout.as_millis();
    // PgBouncer refuses the startup parameter `options`: behind it the time
    // limit is set in each transaction instead
    let pooler = settings
        .transaction_pooler
        .then(|| format!("set local statement_timeout = {timeout}"));
    if pooler.is_none() {
        let options = format!(
            "{} -c statement_timeout={timeout}",
            config.get_options().unwrap_or("")
        );
        config.options(options.trim());
    }
    let inner = deadpool_postgres::Manager::from_config(
        config,
        tokio_postgres::NoTls,
        ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        },
    );
    Pool::builder(Manager { inner, pooler })
        .max_size(settings.size)
        // the connection used last, whose backend's caches are warm (and whose
        // session most likely acts for the caller again)
        .queue_mode(managed::QueueMode::Lifo)
        .wait_timeout(Some(settings.wait))
        .create_timeout(Some(crate::database::CONNECT_TIMEOUT))
        .recycle_timeout(Some(Duration::from_secs(5)))
        .runtime(deadpool::Runtime::Tokio1)
        .build()
        .map_err(|e| Error::Failed(format!("cannot build the connection pool: {e}")))
}

/// A connection that acts as dues itself.
pub async fn operator(pool: &Pool) -> std::result::Result<Pooled, OperatorError> {
    let mut c = pool.get().await?;
    c.as_operator().await?;
    Ok(c)
}

/// Why no connection acting as dues itself could be had.
#[derive(Debug, thiserror::Error)]
pub enum OperatorError {
    #[error("no database connection: {0}")]
    Pool(#[from] PoolError),
    #[error("{}", crate::error::describe_pg(.0))]
    Db(#[from] tokio_postgres::Error),
}

impl From<OperatorError> for Error {
    fn from(e: OperatorError) -> Error {
        match e {
            OperatorError::Db(e) => Error::Db(e),
            other => Error::Failed(other.to_string()),
        }
    }
}
