//! Reads on a streaming replica: a private cluster and a replica of it made
//! by `pg_basebackup -R` (both embedded clusters, on their own sockets), and
//! `dues serve --replica-url`. A replica URL naming a primary, nothing, or
//! another database is refused at start. A payment through POST, then a GET
//! with its Dues-LSN sees it, whether the replica has replayed it (served by
//! the replica) or cannot (replay paused: served by the primary after the
//! wait); a GET without it is answered by the replica, which is how the test
//! knows where reads go. A lagging replica is skipped; a stopped one too, and
//! reads go back to it when it runs again.

mod common;
mod suites;

use common::*;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use suites::{PrivateCluster, Reap, Report};

/// A keyword URL of the dues database of the embedded cluster with its socket in `socket_dir`.
fn socket_url(socket_dir: &Path, dbname: &str) -> String {
    format!(
        "host={} port=5432 user=postgres dbname={dbname}",
        socket_dir.display()
    )
}

/// The value of one series of `GET /metrics` (0 when absent).
fn metric(addr: &str, series: &str) -> f64 {
    let m = get(addr, "/metrics", None);
    assert_eq!(m.status, 200);
    m.body
        .lines()
        .find_map(|l| l.strip_prefix(series)?.trim().parse().ok())
        .unwrap_or(0.0)
}

const TO_REPLICA: &str = "dues_replica_reads_total{server=\"replica\",why=\"\"}";
const LSN_WAITED_OUT: &str = "dues_replica_reads_total{server=\"primary\",why=\"lsn_wait\"}";
const DOWN: &str = "dues_replica_reads_total{server=\"primary\",why=\"down\"}";
const LAGGING: &str = "dues_replica_reads_total{server=\"primary\",why=\"lagging\"}";

/// Waits (at most a minute) until `ready()`; whether it came.
fn until(mut ready: impl FnMut() -> bool) -> bool {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(60) {
        if ready() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    false
}

/// `dues serve --replica-url URL` that must refuse to start; its message.
fn refused(primary: &str, replica: &str, log: &Path) -> String {
    let out = dues()
        .args(["serve", "--listen", "127.0.0.1:0", "--replica-url", replica])
        .env("DATABASE_URL", primary)
        .output()
        .expect("dues serve");
    let said = text(&out);
    std::fs::write(log, &said).unwrap();
    assert!(!out.status.success(), "dues serve started: {said}");
    said
}

#[test]
fn reads_go_to_a_streaming_replica_and_see_the_callers_writes() {
    let mut report = Report::new("replica");
    let pg = PrivateCluster::start("replica-primary");
    let url = pg.url.clone();
    let out = dues()
        .env("DATABASE_URL", &url)
        .arg("migrate")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));

    // the replica: pg_basebackup -R from the primary, started like any embedded cluster
    let replica_home = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("replica-standby-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&replica_home);
    std::fs::create_dir_all(&replica_home).unwrap();
    let primary = dues::cluster::Cluster::locate(&pg.home).expect("the primary's cluster");
    let standby = primary
        .replicate_to(&replica_home)
        .expect("pg_basebackup -R");
    standby.ensure_running().expect("the replica starts");
    let _stop_standby = Stop(standby.clone(), replica_home.clone());
    let replica_url = socket_url(&standby.socket_dir(), "dues");
    report.check(
        query_value(&replica_url, "select pg_is_in_recovery()") == "t",
        "the copy is a replica in recovery, streaming from the primary",
    );

    // bad replica URLs: a clear error at start
    let logs = pg.home.clone();
    let said = refused(&url, &url, &logs.join("refused-primary.log"));
    report.check(
        said.contains("is a primary") && said.contains("pg_is_in_recovery"),
        format!("a replica URL naming the primary is refused: {said}"),
    );
    let nowhere = socket_url(&replica_home.join("no-such-folder"), "dues");
    let said = refused(&url, &nowhere, &logs.join("refused-nowhere.log"));
    report.check(
        said.contains("cannot be reached"),
        format!("an unreachable replica is refused: {said}"),
    );
    let other_db = socket_url(&standby.socket_dir(), "postgres");
    let said = refused(&url, &other_db, &logs.join("refused-other.log"));
    report.check(
        said.contains("fingerprints differ"),
        format!("a replica URL naming another database is refused: {said}"),
    );

    // settings: a read carrying a Dues-LSN waits 300 ms; lag is tolerated while replay is paused on purpose
    exec(
        &url,
        "update dues.setting set value = '300' where name = 'replica_lsn_wait_ms'; \
         update dues.setting set value = '3600' where name = 'replica_lag_max_seconds'",
    );
    let log = pg.home.join("serve.log");
    let (child, addr) = spawn_serve(&url, &["--replica-url", &replica_url], &log, None);
    let _serve = Reap(child);
    let out = dues()
        .env("DATABASE_URL", &url)
        .args(["token", "create", "--staff"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let staff = serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();
    let created = post(
        &addr,
        "member_create",
        Some(&staff),
        r#"{"name":"Rita Replica","email":"rita@example.org"}"#,
    );
    assert_eq!(created.status, 200, "{}", created.body);
    let member = created.json()["id"].as_i64().unwrap();
    report.check(
        created
            .header("dues-lsn")
            .and_then(dues::replica::parse_lsn)
            .is_some(),
        format!(
            "an answer to a POST carries its Dues-LSN: {:?}",
            created.header("dues-lsn")
        ),
    );
    let balance_path = format!("/rpc/member_balance?member_id={member}");
    let balance = |lsn: Option<&str>| {
        let extra: Vec<(&str, &str)> = lsn.map(|l| vec![("Dues-LSN", l)]).unwrap_or_default();
        let r = request(&addr, "GET", &balance_path, Some(&staff), None, &extra);
        assert_eq!(r.status, 200, "{}", r.body);
        r.json()[0]["balance"].to_string()
    };
    let pay = |reference: &str| {
        let r = post(
            &addr,
            "register_payment",
            Some(&staff),
            &format!(
                r#"{{"member_id":{member},"amount":"10.00","method":"bank_transfer","external_ref":"{reference}"}}"#
            ),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        r.header("dues-lsn").expect("Dues-LSN").to_string()
    };

    // 1. a payment, then at once a GET with its LSN: it sees the payment, from the replica
    let before = metric(&addr, TO_REPLICA);
    let lsn = pay("replica-1");
    let seen = balance(Some(&lsn));
    let after = metric(&addr, TO_REPLICA);
    report.check(
        seen == "10.00",
        format!("a GET with the payment's Dues-LSN {lsn} sees it: balance {seen}"),
    );
    report.check(
        after == before + 1.0,
        format!("the replica answered it ({before} → {after} reads on the replica)"),
    );

    // 2. replay paused: a GET without the LSN gets the replica's older view, one with it waits, then the primary answers
    exec(&replica_url, "select pg_wal_replay_pause()");
    assert!(until(|| query_value(
        &replica_url,
        "select pg_get_wal_replay_pause_state()"
    ) == "paused"));
    let lsn = pay("replica-2");
    let stale = balance(None);
    report.check(
        stale == "10.00",
        format!("without its Dues-LSN, a read from the paused replica does not see the second payment yet: {stale}"),
    );
    let waited_out = metric(&addr, LSN_WAITED_OUT);
    let fresh = balance(Some(&lsn));
    report.check(
        fresh == "20.00",
        format!("with it, the read waits for the replica, then the primary answers: {fresh}"),
    );
    report.check(
        metric(&addr, LSN_WAITED_OUT) == waited_out + 1.0,
        "counted as a read the primary served after the wait (why=\"lsn_wait\")",
    );
    exec(&replica_url, "select pg_wal_replay_resume()");
    let before = metric(&addr, TO_REPLICA);
    let resumed = balance(Some(&lsn));
    report.check(
        resumed == "20.00" && metric(&addr, TO_REPLICA) == before + 1.0,
        format!("replay resumed: the replica answers the same read again: {resumed}"),
    );
    report.check(
        balance(Some("0/0")) == "20.00",
        "a Dues-LSN the replica has long replayed: no wait",
    );
    let bad = request(
        &addr,
        "GET",
        &balance_path,
        Some(&staff),
        None,
        &[("Dues-LSN", "yesterday")],
    );
    report.check(
        bad.status == 400 && bad.json()["code"] == "DUH22",
        format!(
            "a Dues-LSN that is no WAL position: 400 DUH22: {}",
            bad.body
        ),
    );

    // 3. lagging beyond replica_lag_max_seconds: skipped, the primary serves, until it catches up
    exec(&replica_url, "select pg_wal_replay_pause()");
    exec(
        &url,
        "update dues.setting set value = '1' where name = 'replica_lag_max_seconds'",
    );
    pay("replica-3");
    let lagging = until(|| metric(&addr, "dues_replica_up") == 0.0);
    report.check(
        lagging && metric(&addr, "dues_replica_lag_seconds") > 1.0,
        format!(
            "replay paused with WAL waiting: the replica lags {} s, past the 1 s allowed, and is skipped",
            metric(&addr, "dues_replica_lag_seconds")
        ),
    );
    let skipped = metric(&addr, LAGGING);
    let read = balance(None);
    report.check(
        read == "30.00" && metric(&addr, LAGGING) == skipped + 1.0,
        format!("the primary serves reads while it lags: {read}"),
    );
    exec(&replica_url, "select pg_wal_replay_resume()");
    report.check(
        until(|| metric(&addr, "dues_replica_up") == 1.0),
        "replay resumed: the replica caught up and is used again",
    );

    // 4. the replica stopped: reads still answered (by the primary); started again: reads go back to it
    standby.stop().expect("stop the replica");
    let mut answers = Vec::new();
    for _ in 0..5 {
        answers.push(balance(None));
    }
    report.check(
        answers.iter().all(|b| b == "30.00"),
        format!("the replica stopped: every read answered, by the primary: {answers:?}"),
    );
    report.check(
        until(|| metric(&addr, "dues_replica_up") == 0.0) && metric(&addr, DOWN) >= 1.0,
        "the replica is marked down, reads counted as served by the primary (why=\"down\")",
    );
    standby.ensure_running().expect("start the replica again");
    let back = until(|| {
        let before = metric(&addr, TO_REPLICA);
        balance(None) == "30.00" && metric(&addr, TO_REPLICA) > before
    });
    report.check(
        back,
        "started again: reads go back to the replica by themselves",
    );
    let said = std::fs::read_to_string(&log).unwrap_or_default();
    report.check(
        said.contains("skipped") && said.contains("the replica is back"),
        "the log says when the replica was skipped and when it came back",
    );
    let ledger = query_value(&url, "select count(*) from api.ledger_check()");
    report.check(
        ledger == "0",
        format!("ledger_check is empty ({ledger} rows)"),
    );
    report.finish();
}

/// Stops the replica and removes its files when dropped.
struct Stop(dues::cluster::Cluster, PathBuf);

impl Drop for Stop {
    fn drop(&mut self) {
        let _ = self.0.stop();
        let out = dues()
            .env_remove("DATABASE_URL")
            .arg("--home")
            .arg(&self.1)
            .args(["db", "stop", "--remove"])
            .output();
        let _ = out;
        let _ = std::fs::remove_dir_all(&self.1);
    }
}
