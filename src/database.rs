//! Where the database is: a server named by `--database-url` / `DATABASE_URL`
//! (libpq URL or keyword string, gaps filled from the usual `PG*` variables),
//! or else the embedded cluster under `$DUES_HOME`.

use crate::cluster::{self, Cluster};
use crate::error::{Error, Result};
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;
use tokio_postgres::config::Host;
use tokio_postgres::{Client, Config, NoTls};

/// How long a connection attempt may take before dues gives up on the target.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How often `dues serve` looks whether its embedded cluster still runs.
const WATCH_EVERY: Duration = Duration::from_secs(2);
/// Failed restarts of the embedded cluster in a row after which `dues serve` stops trying.
pub const RESTART_ATTEMPTS: u32 = 6;
/// The longest pause between two restart attempts.
const RESTART_PAUSE_MAX: Duration = Duration::from_secs(60);

/// The database dues works on, and how to reach its server.
#[derive(Debug, Clone)]
pub struct Database {
    config: Config,
    cluster: Option<Cluster>,
}

impl Database {
    /// `url` wins; without it, the embedded cluster of `home`.
    pub fn resolve(url: Option<&str>, home: PathBuf) -> Result<Database> {
        match url.map(str::trim).filter(|u| !u.is_empty()) {
            Some(url) => Ok(Database {
                config: config_from_url(url)?,
                cluster: None,
            }),
            None => {
                let cluster = Cluster::locate(&home)?;
                let mut config = cluster.config(cluster::DATABASE);
                config.connect_timeout(CONNECT_TIMEOUT);
                Ok(Database {
                    config,
                    cluster: Some(cluster),
                })
            }
        }
    }

    /// The embedded cluster, when there is no URL.
    pub fn cluster(&self) -> Option<&Cluster> {
        self.cluster.as_ref()
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The same server, another database.
    pub fn config_for(&self, dbname: &str) -> Config {
        let mut c = self.config.clone();
        c.dbname(dbname);
        c
    }

    pub fn dbname(&self) -> &str {
        self.config.get_dbname().unwrap_or(cluster::DATABASE)
    }

    /// The target for people: no password, ever.
    pub fn describe(&self) -> String {
        describe(&self.config)
    }

    /// Makes the database reachable: for the embedded default, creates and
    /// starts the cluster and creates the `dues` database on first use.
    pub async fn prepare(&self) -> Result<()> {
        let Some(cluster) = &self.cluster else {
            return Ok(());
        };
        let c = cluster.clone();
        tokio::task::spawn_blocking(move || c.ensure_running())
            .await
            .map_err(|e| Error::Cluster(format!("starting the embedded cluster: {e}")))??;
        let admin = connect(&self.config_for("postgres")).await?;
        let exists = admin
            .query_opt(
                "select 1 from pg_database where datname = $1",
                &[&cluster::DATABASE],
            )
            .await?
            .is_some();
        if !exists {
            match admin
                .batch_execute(&format!("create database {}", cluster::DATABASE))
                .await
            {
                Ok(()) => {}
                // another process created it at the same moment
                Err(e)
                    if e.code() == Some(&tokio_postgres::error::SqlState::DUPLICATE_DATABASE)
                        || e.code() == Some(&tokio_postgres::error::SqlState::UNIQUE_VIOLATION) => {
                }
                Err(e) => return Err(e.into()),
            }
        }
        Ok(())
    }

    /// For `dues serve` on the embedded cluster: a task that starts the
    /// server again when its postmaster died (not when `dues db stop`
    /// stopped it), logging each attempt; after [`RESTART_ATTEMPTS`] failures
    /// in a row (pauses doubling up to a minute) it only waits for someone
    /// to start it. It also keeps PostgreSQL's log files to their number.
    /// Nothing to do for a server named by a URL.
    pub fn watch(&self) {
        let Some(cluster) = self.cluster.clone() else {
            return;
        };
        tokio::spawn(async move {
            let mut failures = 0u32;
            loop {
                let pause = if failures == 0 {
                    WATCH_EVERY
                } else {
                    (WATCH_EVERY * 2u32.pow(failures.min(5))).min(RESTART_PAUSE_MAX)
                };
                tokio::time::sleep(pause).await;
                let c = cluster.clone();
                let give_up = failures >= RESTART_ATTEMPTS;
                let outcome = tokio::task::spawn_blocking(move || {
                    let _ = c.prune_log();
                    if give_up {
                        // only a person starts it now
                        return Ok(if c.is_running() {
                            cluster::Revival::Running
                        } else {
                            cluster::Revival::Stopped
                        });
                    }
                    c.revive()
                })
                .await;
                match outcome {
                    Ok(Ok(cluster::Revival::Restarted)) => {
                        tracing::warn!(
                            after_failures = failures,
                            "the embedded PostgreSQL had died: restarted it"
                        );
                        failures = 0;
                    }
                    Ok(Ok(cluster::Revival::Running)) => {
                        if failures > 0 {
                            tracing::info!("the embedded PostgreSQL runs again");
                        }
                        failures = 0;
                    }
                    Ok(Ok(cluster::Revival::Stopped)) => {}
                    Ok(Err(e)) => {
                        failures += 1;
                        if failures < RESTART_ATTEMPTS {
                            tracing::warn!(attempt = failures, of = RESTART_ATTEMPTS, error = %e,
                                "the embedded PostgreSQL is down and could not be restarted; trying again");
                        } else if failures == RESTART_ATTEMPTS {
                            tracing::error!(attempts = failures, error = %e,
                                "the embedded PostgreSQL is down and could not be restarted: giving up, run `dues db start`");
                        }
                    }
                    Err(e) => tracing::error!(error = %e, "watching the embedded PostgreSQL"),
                }
            }
        });
    }

    /// A connection to the target database.
    pub async fn connect(&self) -> Result<Client> {
        connect(&self.config).await
    }

    /// A connection to another database of the same server.
    pub async fn connect_to(&self, dbname: &str) -> Result<Client> {
        connect(&self.config_for(dbname)).await
    }
}

/// Opens a connection, giving up after [`CONNECT_TIMEOUT`] with one line
/// naming the target.
pub async fn connect(config: &Config) -> Result<Client> {
    let fail = |reason: String| Error::Connect {
        target: describe(config),
        reason,
    };
    let attempt = tokio::time::timeout(CONNECT_TIMEOUT, config.connect(NoTls)).await;
    let (client, connection) = match attempt {
        Err(_) => {
            return Err(fail(format!(
                "no answer within {}s",
                CONNECT_TIMEOUT.as_secs()
            )))
        }
        Ok(Err(e)) => return Err(fail(crate::error::describe_pg(&e))),
        Ok(Ok(pair)) => pair,
    };
    tokio::spawn(async move {
        if let Err(e) = connection.await {
            tracing::debug!(error = %e, "database connection closed");
        }
    });
    Ok(client)
}

/// Parses a URL or keyword string, then fills what it leaves out from
/// `PGHOST`, `PGPORT`, `PGUSER`, `PGPASSWORD`, `PGDATABASE`, `PGAPPNAME`.
fn config_from_url(url: &str) -> Result<Config> {
    let mut c = Config::from_str(url).map_err(|e| {
        Error::Usage(format!(
            "DATABASE_URL is not a PostgreSQL URL or keyword string: {e}"
        ))
    })?;
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    if c.get_hosts().is_empty() {
        match env("PGHOST") {
            Some(h) => {
                for h in h.split(',') {
                    c.host(h);
                }
            }
            None => {
                c.host("localhost");
            }
        }
    }
    if c.get_ports().is_empty() {
        if let Some(p) = env("PGPORT").and_then(|p| p.parse().ok()) {
            c.port(p);
        }
    }
    if c.get_user().is_none() {
        let user = env("PGUSER")
            .or_else(|| env("USER"))
            .or_else(|| {
                nix::unistd::User::from_uid(nix::unistd::Uid::effective())
                    .ok()
                    .flatten()
                    .map(|u| u.name)
            })
            .unwrap_or_else(|| "postgres".into());
        c.user(user);
    }
    if c.get_password().is_none() {
        if let Some(p) = env("PGPASSWORD") {
            c.password(p);
        }
    }
    if c.get_dbname().is_none() {
        let db = env("PGDATABASE").unwrap_or_else(|| c.get_user().unwrap_or("dues").to_string());
        c.dbname(db);
    }
    if c.get_application_name().is_none() {
        c.application_name(env("PGAPPNAME").unwrap_or_else(|| "dues".into()));
    }
    if c.get_connect_timeout().is_none() {
        c.connect_timeout(CONNECT_TIMEOUT);
    }
    Ok(c)
}

/// `postgres://user@host:port/dbname`, never with the password.
pub fn describe(c: &Config) -> String {
    let hosts: Vec<String> = c
        .get_hosts()
        .iter()
        .map(|h| match h {
            Host::Tcp(name) => name.clone(),
            Host::Unix(path) => path.display().to_string(),
        })
        .collect();
    let port = c.get_ports().first().copied().unwrap_or(5432);
    format!(
        "postgres://{}@{}:{}/{}",
        c.get_user().unwrap_or(""),
        hosts.join(","),
        port,
        c.get_dbname().unwrap_or("")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describe_hides_the_password() {
        let c = config_from_url("postgres://alice:s3cret@db.example:6543/billing").unwrap();
        let d = describe(&c);
        assert_eq!(d, "postgres://alice@db.example:6543/billing");
        assert!(!d.contains("s3cret"));
    }

    #[test]
    fn keyword_strings_are_accepted() {
        let c = config_from_url("host=/tmp/sock port=5433 user=bob dbname=x password=pw").unwrap();
        assert_eq!(describe(&c), "postgres://bob@/tmp/sock:5433/x");
    }

    #[test]
    fn garbage_is_a_usage_error() {
        let e = config_from_url("postgres://[::1").unwrap_err();
        assert_eq!(e.exit_code(), 2);
    }
}
