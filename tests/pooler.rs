//! `dues serve --pooler transaction` behind PgBouncer in transaction mode
//! (Debian's pgbouncer, started here on loopback in front of the tests'
//! server, with fewer server connections than dues has clients): the
//! concurrency suite through it, members' tokens kept apart although their
//! calls share server connections, sign-in's call settings and on_failure
//! function in transactions of their own (no server connection keeps them),
//! and LISTEN on the direct connection (a catalog refresh still reaches the
//! server).

mod common;
mod suites;

use common::*;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::time::Duration;
use suites::{Reap, Report};

/// Server connections PgBouncer keeps to the database: fewer than dues' pool of 16.
const SERVER_CONNECTIONS: usize = 4;

/// The PgBouncer program.
fn pgbouncer_program() -> PathBuf {
    ["/usr/sbin/pgbouncer", "/usr/bin/pgbouncer"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
        .expect("pgbouncer is installed (Debian: apt-get install pgbouncer; .ci/run does)")
}

/// A free TCP port on loopback.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One field of a keyword connection string.
fn field<'a>(keywords: &'a str, name: &str) -> Option<&'a str> {
    keywords
        .split_whitespace()
        .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
}

/// PgBouncer in transaction mode on 127.0.0.1, in front of the database at
/// `url` (a keyword string), in a folder of its own. PgBouncer refuses to run
/// as root: when we are root it runs as the user the embedded cluster runs
/// as (`DUES_PG_USER`, else postgres), as dues runs PostgreSQL.
struct Bouncer {
    port: u16,
    dir: PathBuf,
    _process: Reap,
}

impl Bouncer {
    fn start(url: &str) -> Bouncer {
        let dbname = field(url, "dbname").unwrap();
        let user = field(url, "user").unwrap_or("postgres");
        let host = field(url, "host").unwrap_or("127.0.0.1");
        let port = free_port();
        // /tmp: every user may reach it (the tests' target folder may not be)
        let dir =
            std::env::temp_dir().join(format!("dues-pgbouncer-{}-{port}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let mut target = format!(
            "host={host} port={} dbname={dbname} user={user}",
            field(url, "port").unwrap_or("5432")
        );
        if let Some(p) = field(url, "password") {
            target.push_str(&format!(" password={p}"));
        }
        let ini = format!(
            "[databases]\n{dbname} = {target}\n\n[pgbouncer]\n\
             listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n\
             auth_type = trust\nauth_file = {users}\nadmin_users = {user}\n\
             pool_mode = transaction\ndefault_pool_size = {SERVER_CONNECTIONS}\nmax_client_conn = 500\n\
             logfile = {log}\npidfile = {pid}\n",
            users = dir.join("users.txt").display(),
            log = dir.join("pgbouncer.log").display(),
            pid = dir.join("pgbouncer.pid").display(),
        );
        std::fs::write(dir.join("pgbouncer.ini"), ini).unwrap();
        std::fs::write(dir.join("users.txt"), format!("\"{user}\" \"\"\n")).unwrap();
        let mut cmd = std::process::Command::new(pgbouncer_program());
        cmd.arg(dir.join("pgbouncer.ini"))
            .stdout(std::process::Stdio::null())
            .stderr(std::fs::File::create(dir.join("stderr.log")).unwrap());
        if nix::unistd::getuid().is_root() {
            let name = std::env::var("DUES_PG_USER").unwrap_or_else(|_| "postgres".into());
            let who = nix::unistd::User::from_name(&name)
                .ok()
                .flatten()
                .unwrap_or_else(|| panic!("no user {name} to run pgbouncer as"));
            give(&dir, &who);
            cmd.uid(who.uid.as_raw()).gid(who.gid.as_raw());
        }
        let process = Reap(cmd.spawn().expect("start pgbouncer"));
        // ready when it accepts connections
        let ready = (0..100).any(|_| {
            std::thread::sleep(Duration::from_millis(100));
            std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
        });
        let log = std::fs::read_to_string(dir.join("pgbouncer.log")).unwrap_or_default()
            + &std::fs::read_to_string(dir.join("stderr.log")).unwrap_or_default();
        assert!(ready, "pgbouncer did not start:\n{log}");
        Bouncer {
            port,
            dir,
            _process: process,
        }
    }

    fn url(&self, dbname: &str, user: &str) -> String {
        format!(
            "host=127.0.0.1 port={} user={user} dbname={dbname}",
            self.port
        )
    }

    /// `SHOW <what>` on PgBouncer's console: rows as text.
    fn show(&self, what: &str, user: &str) -> Vec<Vec<Option<String>>> {
        query(&self.url("pgbouncer", user), &format!("show {what}"))
    }
}

impl Drop for Bouncer {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Hands the folder and its files to `who`.
fn give(dir: &Path, who: &nix::unistd::User) {
    for p in std::iter::once(dir.to_path_buf())
        .chain(std::fs::read_dir(dir).unwrap().flatten().map(|e| e.path()))
    {
        nix::unistd::chown(&p, Some(who.uid), Some(who.gid)).unwrap();
    }
}

/// A POST from a client address, as the trusted proxy forwards it.
fn post_from(a: &str, client: &str, name: &str, body: &str) -> Reply {
    request(
        a,
        "POST",
        &format!("/rpc/{name}"),
        None,
        Some(body),
        &[("X-Forwarded-For", &format!("198.51.100.1, {client}"))],
    )
}

/// Sign-in behind the pooler: each call's client address reaches the
/// database, wrong codes are counted by the refusal's on_failure function
/// (five void the right one), and no server connection keeps a call's
/// settings for the next client's transaction.
fn signin_through_the_pooler(report: &mut Report, s: &Server, staff: &str, through: &str) {
    let a = s.addr.as_str();
    let made = post(
        a,
        "member_create",
        Some(staff),
        r#"{"name":"Pia Pooled","email":"pia@example.org"}"#,
    );
    assert_eq!(made.status, 200, "{}", made.body);
    let asked = post_from(
        a,
        "203.0.113.7",
        "signin_request",
        r#"{"email":"pia@example.org"}"#,
    );
    assert_eq!(asked.status, 200, "{}", asked.body);
    let recorded = query_value(
        &s.db.url,
        "select client_address || ' ' || (data ->> 'code') from dues.signin_code c \
         join dues.outbox o on o.recipient = c.email and o.template = 'signin_code' \
         where c.email = 'pia@example.org' order by c.id desc, o.id desc limit 1",
    );
    let (address, code) = recorded.split_once(' ').unwrap_or(("", ""));
    report.check(
        address == "203.0.113.7",
        format!("the call's client address reached the database in its transaction ({address})"),
    );
    let wrong = format!("{:06}", (code.parse::<u32>().unwrap_or(0) + 1) % 1_000_000);
    let complete = |code: &str| {
        post_from(
            a,
            "203.0.113.8",
            "signin_complete",
            &format!(r#"{{"email":"pia@example.org","code":"{code}"}}"#),
        )
    };
    let refusals: Vec<u16> = (0..5).map(|_| complete(&wrong).status).collect();
    let right = complete(code);
    report.check(
        refusals.iter().all(|s| *s == 401) && right.status == 401,
        format!(
            "five wrong codes, each recorded by on_failure in a transaction of its own, void the right one ({refusals:?}, then {})",
            right.status
        ),
    );
    let left: Vec<String> = (0..2 * SERVER_CONNECTIONS)
        .map(|_| {
            query_value(
                through,
                "select coalesce(current_setting('dues.client_address', true), '') \
                 || coalesce(current_setting('dues.token_hash', true), '')",
            )
        })
        .collect();
    report.check(
        left.iter().all(String::is_empty),
        format!("no server connection keeps a call's client address or token hash: {left:?}"),
    );
}

#[test]
fn the_concurrency_suite_runs_through_pgbouncer_in_transaction_mode() {
    let db = FreshDb::migrated("pooler");
    let user = field(&db.url, "user").unwrap_or("postgres").to_string();
    let bouncer = Bouncer::start(&db.url);
    let through = bouncer.url(&db.name, &user);

    let mut report = Report::new("pooler");
    let out = dues()
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--pooler",
            "transaction",
        ])
        .env("DATABASE_URL", &through)
        .output()
        .unwrap();
    report.check(
        out.status.code() == Some(2) && text(&out).contains("--direct-url"),
        format!(
            "--pooler transaction without --direct-url is refused: {}",
            text(&out)
        ),
    );

    let log = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("serve-{}.log", db.name));
    let (child, addr) = spawn_serve(
        &through,
        &[
            "--pooler",
            "transaction",
            "--direct-url",
            &db.url,
            "--pool-size",
            "16",
            "--trusted-proxy",
        ],
        &log,
        None,
    );
    let s = Server {
        child: Some(child),
        addr: addr.clone(),
        db,
    };
    report.say(format!(
        "dues serve on {addr} through pgbouncer on 127.0.0.1:{} (pool_mode = transaction, {SERVER_CONNECTIONS} server connections for dues' 16)",
        bouncer.port
    ));

    // members' calls share server connections: each still sees only its own
    let staff = s.token(&["--staff"]);
    let members = suites::make_members(&addr, &staff, 2, "pooled");
    let tokens: Vec<String> = members
        .iter()
        .map(|m| s.token(&["--member", &m.to_string()]))
        .collect();
    let mut kept_apart = true;
    let missing = get(
        &addr,
        "/rpc/member_balance?member_id=999999999",
        Some(&tokens[0]),
    );
    for round in 0..20 {
        let (me, other) = (round % 2, 1 - round % 2);
        let own = get(
            &addr,
            &format!("/rpc/member_balance?member_id={}", members[me]),
            Some(&tokens[me]),
        );
        let theirs = get(
            &addr,
            &format!("/rpc/member_balance?member_id={}", members[other]),
            Some(&tokens[me]),
        );
        let by_staff = get(
            &addr,
            &format!("/rpc/member_balance?member_id={}", members[other]),
            Some(&staff),
        );
        kept_apart &= own.status == 200
            && theirs.status == missing.status
            && theirs.status >= 400
            && by_staff.status == 200;
    }
    report.check(
        kept_apart,
        format!(
            "a member reads its own balance, never another's ({} like a missing member), staff reads any: 20 rounds",
            missing.status
        ),
    );
    signin_through_the_pooler(&mut report, &s, &staff, &through);
    report.finish();

    // the concurrency suite, every call through the pooler
    suites::concurrency_on(
        &s,
        std::slice::from_ref(&addr),
        32,
        8,
        Duration::from_secs(4),
    );

    let mut report = Report::new("pooler afterwards");
    let stats = bouncer.show("stats", &user);
    let xacts: u64 = stats
        .iter()
        .find(|r| r[0].as_deref() == Some(s.db.name.as_str()))
        .and_then(|r| r[1].as_deref()?.parse().ok())
        .unwrap_or(0);
    // every payment and order acknowledged was written by a call through it
    let written: u64 = query_value(
        &s.db.url,
        "select (select count(*) from dues.payment) + (select count(*) from dues.subscription_order)",
    )
    .parse()
    .unwrap();
    report.check(
        xacts >= written && written > 0,
        format!(
            "pgbouncer carried the calls: {xacts} transactions to {}, at least the {written} payments and orders written",
            s.db.name
        ),
    );
    let servers = bouncer
        .show("servers", &user)
        .iter()
        .filter(|r| r.iter().any(|v| v.as_deref() == Some(s.db.name.as_str())))
        .count();
    report.check(
        servers <= SERVER_CONNECTIONS,
        format!("on at most {SERVER_CONNECTIONS} server connections ({servers} open now): dues' 16 connections shared them"),
    );

    // LISTEN is on the direct connection: a migration's catalog notice reaches the server
    let extra = scratch_dir("pooler-migrations");
    copy_stream(&extra);
    std::fs::write(
        extra.join("procs/api/pooler_probe.sql"),
        "-- Says hello (a function added while dues serves through the pooler).\n\
         create or replace function api.pooler_probe()\nreturns text\nlanguage sql\nstable\nset search_path = ''\n\
         as $$ select 'hello' $$;\n\
         comment on function api.pooler_probe() is 'Says hello.';\n\
         grant execute on function api.pooler_probe() to dues_staff;\n",
    )
    .unwrap();
    let out = dues()
        .args(["migrate"])
        .env("DATABASE_URL", &s.db.url)
        .env("DUES_MIGRATIONS", &extra)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let mut probe = get(&addr, "/rpc/pooler_probe", Some(&staff));
    for _ in 0..100 {
        if probe.status == 200 {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
        probe = get(&addr, "/rpc/pooler_probe", Some(&staff));
    }
    report.check(
        probe.status == 200 && probe.body == "\"hello\"",
        format!(
            "a function added by a migration is served: the catalog notice came over the direct LISTEN ({} {})",
            probe.status, probe.body
        ),
    );
    let said = std::fs::read_to_string(&log).unwrap_or_default();
    report.check(
        !said.contains("prepared statement") && !said.contains("DU500"),
        "the server's log shows no prepared statement or internal error",
    );
    report.finish();
}
