//! Shared by the integration tests: the `dues` binary, the database every
//! test talks to (DATABASE_URL when set, else one embedded cluster shared by
//! all tests under target/tmp), and throwaway databases on its server.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The DUES_HOME shared by the tests that use the embedded default.
pub fn test_home() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("dues-home")
}

/// The external server named by DATABASE_URL, if the run has one.
pub fn external_url() -> Option<String> {
    std::env::var("DATABASE_URL")
        .ok()
        .filter(|u| !u.trim().is_empty())
}

/// `dues` with the tests' database settings, run from the crate root.
pub fn dues() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dues"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("DUES_HOME", test_home())
        .env_remove("DUES_MIGRATIONS")
        .env_remove("RUST_LOG");
    cmd
}

/// Runs `dues args…`, returning its output.
pub fn run(args: &[&str]) -> Output {
    dues().args(args).output().expect("run dues")
}

pub fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A URL of the tests' server, for the database `dbname`.
pub fn server_url(dbname: &str) -> String {
    static BASE: OnceLock<tokio_postgres::Config> = OnceLock::new();
    let base = BASE.get_or_init(|| {
        let url = match external_url() {
            Some(u) => u,
            None => {
                let out = run(&["db", "start"]);
                assert!(out.status.success(), "dues db start: {}", text(&out));
                let out = run(&["db", "url"]);
                String::from_utf8_lossy(&out.stdout).trim().to_string()
            }
        };
        url.parse().expect("a valid database URL")
    });
    let mut c = base.clone();
    c.dbname(dbname);
    to_keywords(&c)
}

/// A keyword connection string for a config (password included, for the test only).
fn to_keywords(c: &tokio_postgres::Config) -> String {
    use tokio_postgres::config::Host;
    let host = match c.get_hosts().first() {
        Some(Host::Tcp(h)) => h.clone(),
        Some(Host::Unix(p)) => p.display().to_string(),
        None => "localhost".into(),
    };
    let mut s = format!(
        "host={host} port={} user={} dbname={}",
        c.get_ports().first().copied().unwrap_or(5432),
        c.get_user().unwrap_or("postgres"),
        c.get_dbname().unwrap_or("postgres")
    );
    if let Some(p) = c.get_password() {
        s.push_str(&format!(" password={}", String::from_utf8_lossy(p)));
    }
    s
}

/// A connection to `dbname` on the tests' server.
pub async fn connect(dbname: &str) -> tokio_postgres::Client {
    let url = server_url(dbname);
    let (client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
        .await
        .unwrap_or_else(|e| panic!("connect {url}: {e}"));
    tokio::spawn(async move {
        let _ = conn.await;
    });
    client
}

/// An empty database that lives as long as the value.
pub struct FreshDb {
    pub name: String,
    pub url: String,
}

impl FreshDb {
    pub fn new(tag: &str) -> FreshDb {
        let name = format!(
            "dues_it_{tag}_{}_{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.subsec_nanos())
                .unwrap_or(0)
        );
        let url = server_url(&name);
        admin(&format!("create database {name}"));
        FreshDb { name, url }
    }
}

impl Drop for FreshDb {
    fn drop(&mut self) {
        admin(&format!(
            "drop database if exists {} with (force)",
            self.name
        ));
    }
}

/// Runs one statement on the server's maintenance database, blocking.
pub fn admin(sql: &str) {
    let url = server_url("postgres");
    let sql = sql.to_string();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async {
            let (client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
                .await
                .unwrap_or_else(|e| panic!("connect {url}: {e}"));
            tokio::spawn(async move {
                let _ = conn.await;
            });
            client
                .batch_execute(&sql)
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
        });
    })
    .join()
    .expect("admin statement");
}
