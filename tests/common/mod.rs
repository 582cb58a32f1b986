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
    /// A fresh database with every migration applied.
    pub fn migrated(tag: &str) -> FreshDb {
        let db = FreshDb::new(tag);
        let out = dues()
            .args(["migrate"])
            .env("DATABASE_URL", &db.url)
            .output()
            .expect("dues migrate");
        assert!(out.status.success(), "{}", text(&out));
        db
    }

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

/// Runs statements on the server's maintenance database, blocking.
pub fn admin(sql: &str) {
    exec(&server_url("postgres"), sql);
}

/// Runs statements on the database at `url`, blocking.
pub fn exec(url: &str, sql: &str) {
    let url = url.to_string();
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

/// A `dues serve` on a fresh database, on a free loopback port; stopped
/// (SIGTERM) when dropped.
pub struct Server {
    pub child: Option<std::process::Child>,
    pub addr: String,
    pub db: FreshDb,
}

impl Server {
    pub fn start(tag: &str) -> Server {
        Server::start_with(tag, &[], None)
    }

    /// With extra `dues serve` flags, and a migration folder if given.
    pub fn start_with(tag: &str, flags: &[&str], migrations: Option<&std::path::Path>) -> Server {
        let db = FreshDb::new(tag);
        let log_path =
            PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("serve-{}.log", db.name));
        let log = std::fs::File::create(&log_path).expect("serve log");
        let mut cmd = dues();
        cmd.args(["serve", "--listen", "127.0.0.1:0"])
            .args(flags)
            .env("DATABASE_URL", &db.url)
            .stdout(std::process::Stdio::piped())
            .stderr(log);
        if let Some(dir) = migrations {
            cmd.env("DUES_MIGRATIONS", dir);
        }
        let mut child = cmd.spawn().expect("spawn dues serve");
        let stdout = child.stdout.take().expect("stdout");
        let mut line = String::new();
        std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line).expect("read");
        let addr = line
            .split("http://")
            .nth(1)
            .and_then(|s| s.split_whitespace().next())
            .unwrap_or_else(|| {
                let log = std::fs::read_to_string(&log_path).unwrap_or_default();
                panic!("dues serve did not start: {line:?}\n{log}")
            })
            .to_string();
        Server {
            child: Some(child),
            addr,
            db,
        }
    }

    /// `dues ARGS` against this server's database.
    pub fn dues(&self, args: &[&str]) -> Output {
        dues()
            .args(args)
            .env("DATABASE_URL", &self.db.url)
            .output()
            .expect("run dues")
    }

    /// A new token: `--staff` or `--member ID`.
    pub fn token(&self, who: &[&str]) -> String {
        let mut args = vec!["token", "create"];
        args.extend_from_slice(who);
        let out = self.dues(&args);
        assert!(out.status.success(), "{}", text(&out));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("token JSON");
        v["token"].as_str().expect("token").to_string()
    }

    pub fn stop(&mut self) -> Option<std::process::ExitStatus> {
        let mut child = self.child.take()?;
        let _ = nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(child.id() as i32),
            nix::sys::signal::Signal::SIGTERM,
        );
        child.wait().ok()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// An HTTP answer.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Sends raw bytes as one HTTP/1.1 request (Connection: close) and reads the answer.
pub fn raw(addr: &str, request: &[u8]) -> Reply {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(std::time::Duration::from_secs(60)))
        .unwrap();
    s.write_all(request).expect("write");
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    let text = String::from_utf8_lossy(&buf).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    Reply {
        status,
        headers,
        body: body.to_string(),
    }
}

/// A request with optional bearer token, JSON body and extra headers.
pub fn request(
    addr: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&str>,
    extra: &[(&str, &str)],
) -> Reply {
    raw(addr, &request_bytes(addr, method, path, token, body, extra))
}

/// `POST /rpc/{name}` with a JSON body.
pub fn post(addr: &str, name: &str, token: Option<&str>, body: &str) -> Reply {
    request(
        addr,
        "POST",
        &format!("/rpc/{name}"),
        token,
        Some(body),
        &[],
    )
}

/// `GET path`.
pub fn get(addr: &str, path: &str, token: Option<&str>) -> Reply {
    request(addr, "GET", path, token, None, &[])
}

/// Copies the migrations (sql/ and procs/) to a folder where a test may change them.
pub fn copy_stream(to: &std::path::Path) {
    fn copy(from: &std::path::Path, to: &std::path::Path) {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap().flatten() {
            if e.path().is_dir() {
                copy(&e.path(), &to.join(e.file_name()));
            } else {
                std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
            }
        }
    }
    for folder in ["sql", "procs"] {
        let from = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(folder);
        copy(&from, &to.join(folder));
    }
}

/// A folder under target/tmp for one test, emptied first.
pub fn scratch_dir(tag: &str) -> PathBuf {
    let dir =
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// An HTTP server in this process: `respond(body)` gives the status and body
/// of the answer to each request. Returns its URL and the bodies received.
pub fn http_receiver(
    respond: fn(&str) -> (u16, String),
) -> (String, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let bodies: std::sync::Arc<std::sync::Mutex<Vec<String>>> = Default::default();
    let seen = bodies.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let seen = seen.clone();
            std::thread::spawn(move || {
                let mut stream = stream;
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut length = 0;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    if line.to_ascii_lowercase().starts_with("content-length:") {
                        length = line[15..].trim().parse().unwrap_or(0);
                    }
                    if line == "\r\n" {
                        break;
                    }
                }
                let mut body = vec![0; length];
                if reader.read_exact(&mut body).is_err() {
                    return;
                }
                let body = String::from_utf8_lossy(&body).into_owned();
                let (status, answer) = respond(&body);
                seen.lock().unwrap().push(body);
                let _ = stream.write_all(
                    format!(
                        "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
                        answer.len()
                    )
                    .as_bytes(),
                );
            });
        }
    });
    (url, bodies)
}

/// The first column of the first row of a query, as text (NULL: "").
pub fn query_text(url: &str, sql: &str) -> String {
    let (url, sql) = (url.to_string(), sql.to_string());
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let (c, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
                .await
                .unwrap();
            tokio::spawn(conn);
            let row = c
                .query_one(&format!("select ({sql})::text"), &[])
                .await
                .unwrap();
            row.get::<_, Option<String>>(0).unwrap_or_default()
        })
    })
    .join()
    .unwrap()
}

// ---------------------------------------------------------------------------
// Helpers of the reliability suites (tests/reliability.rs, tests/soak.rs).

/// Like [`raw`], but a refused connection, a timeout or an empty answer is an
/// error instead of a panic: for clients that outlive a server.
pub fn try_raw(addr: &str, request: &[u8], timeout: std::time::Duration) -> std::io::Result<Reply> {
    use std::io::{Read, Write};
    let sock: std::net::SocketAddr = addr.parse().map_err(|e| {
        std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("{addr}: {e}"))
    })?;
    let mut s = std::net::TcpStream::connect_timeout(&sock, timeout)?;
    s.set_read_timeout(Some(timeout))?;
    s.set_write_timeout(Some(timeout))?;
    s.write_all(request)?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf)?;
    let reply = parse_reply(&buf);
    if reply.status == 0 {
        return Err(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            "no HTTP answer",
        ));
    }
    Ok(reply)
}

/// An HTTP/1.1 answer from its bytes (status 0 when there is none).
pub fn parse_reply(buf: &[u8]) -> Reply {
    let text = String::from_utf8_lossy(buf).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    Reply {
        status,
        headers,
        body: body.to_string(),
    }
}

/// The bytes of a request (Connection: close) with optional token, JSON body and headers.
pub fn request_bytes(
    addr: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&str>,
    extra: &[(&str, &str)],
) -> Vec<u8> {
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    if let Some(t) = token {
        req.push_str(&format!("Authorization: Bearer {t}\r\n"));
    }
    for (k, v) in extra {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    if let Some(b) = body {
        if !extra
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
        {
            req.push_str("Content-Type: application/json\r\n");
        }
        req.push_str(&format!("Content-Length: {}\r\n\r\n{b}", b.len()));
    } else {
        req.push_str("\r\n");
    }
    req.into_bytes()
}

/// Rows of `sql` on the database at `url`, every value as text (NULL is None); blocking.
pub fn query(url: &str, sql: &str) -> Vec<Vec<Option<String>>> {
    let url = url.to_string();
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
            let messages = client
                .simple_query(&sql)
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
            messages
                .into_iter()
                .filter_map(|m| match m {
                    tokio_postgres::SimpleQueryMessage::Row(r) => {
                        Some((0..r.len()).map(|i| r.get(i).map(str::to_string)).collect())
                    }
                    _ => None,
                })
                .collect()
        })
    })
    .join()
    .expect("query")
}

/// The one value of a one-row, one-column query (NULL is "").
pub fn query_value(url: &str, sql: &str) -> String {
    query(url, sql)
        .first()
        .and_then(|r| r.first().cloned().flatten())
        .unwrap_or_default()
}

/// Spawns `dues serve` on the database at `url` on a free loopback port;
/// returns the child and its address. `shell_prefix` runs it through
/// `sh -c '<prefix> exec dues serve …'` (e.g. `ulimit -Sn 1024;`).
pub fn spawn_serve(
    url: &str,
    flags: &[&str],
    log_path: &std::path::Path,
    shell_prefix: Option<&str>,
) -> (std::process::Child, String) {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log_path)
        .expect("serve log");
    let mut cmd = match shell_prefix {
        None => dues(),
        Some(prefix) => {
            let mut c = Command::new("sh");
            c.arg("-c")
                .arg(format!("{prefix} exec \"$0\" \"$@\""))
                .arg(env!("CARGO_BIN_EXE_dues"))
                .current_dir(env!("CARGO_MANIFEST_DIR"))
                .env("DUES_HOME", test_home())
                .env_remove("DUES_MIGRATIONS")
                .env_remove("RUST_LOG");
            c
        }
    };
    cmd.args(["serve", "--listen", "127.0.0.1:0"])
        .args(flags)
        .env("DATABASE_URL", url)
        .stdout(std::process::Stdio::piped())
        .stderr(log);
    let mut child = cmd.spawn().expect("spawn dues serve");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line).expect("read");
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .unwrap_or_else(|| {
            let log = std::fs::read_to_string(log_path).unwrap_or_default();
            panic!("dues serve did not start: {line:?}\n{log}")
        })
        .to_string();
    (child, addr)
}

impl Server {
    /// Ends `dues serve` at once with SIGKILL (no graceful shutdown).
    pub fn kill9(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// A new `dues serve` process on the same database (the old one is
    /// killed first if still running); its address may differ.
    pub fn restart(&mut self, flags: &[&str]) {
        self.kill9();
        let log_path =
            PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("serve-{}.log", self.db.name));
        let (child, addr) = spawn_serve(&self.db.url, flags, &log_path, None);
        self.child = Some(child);
        self.addr = addr;
    }
}
