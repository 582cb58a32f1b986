//! The CLI of the foundation: embedded cluster, DATABASE_URL, migrations,
//! the SQL test runner and its failures, exit codes.

mod common;

use common::*;
use std::path::Path;
use std::time::{Duration, Instant};

#[test]
fn usage_errors_exit_2() {
    let out = run(&["no-such-command"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let out = run(&["test", "--jobs", "0"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("--jobs must be at least 1"));
}

#[test]
fn migrate_twice_at_once_is_safe_and_status_lists_everything() {
    let db = FreshDb::new("migrate");
    let children: Vec<_> = (0..3)
        .map(|_| {
            dues()
                .args(["migrate"])
                .env("DATABASE_URL", &db.url)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("spawn")
        })
        .collect();
    for c in children {
        let out = c.wait_with_output().expect("wait");
        assert!(out.status.success(), "{}", text(&out));
    }
    let out = dues()
        .args(["migrate", "--status"])
        .env("DATABASE_URL", &db.url)
        .output()
        .unwrap();
    let status = text(&out);
    assert!(out.status.success(), "{status}");
    assert!(
        !status.lines().any(|l| l.starts_with("pending")),
        "{status}"
    );
    assert!(status.contains("applied  sql/"), "{status}");
    assert!(status.contains("applied  procs/"), "{status}");
}

#[test]
fn a_broken_migration_names_file_and_line_and_keeps_the_previous_version() {
    let db = FreshDb::new("broken");
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("broken-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy_stream(&dir);
    std::fs::write(
        dir.join("sql/V299901010000__broken.sql"),
        "create table dues.fine(id int);\n\ncreate tabel dues.oops(id int);\n",
    )
    .unwrap();
    let out = dues()
        .args(["migrate"])
        .env("DATABASE_URL", &db.url)
        .env("DUES_MIGRATIONS", &dir)
        .output()
        .unwrap();
    let msg = text(&out);
    assert_eq!(out.status.code(), Some(1), "{msg}");
    assert!(msg.contains("sql/V299901010000__broken.sql"), "{msg}");
    assert!(msg.contains("line 3"), "{msg}");
    assert!(msg.contains("syntax error"), "{msg}");
    assert!(!msg.contains("panicked"), "{msg}");

    let out = dues()
        .args(["migrate", "--status"])
        .env("DATABASE_URL", &db.url)
        .env("DUES_MIGRATIONS", &dir)
        .output()
        .unwrap();
    let status = text(&out);
    assert!(
        status.contains("pending  sql/V299901010000__broken.sql"),
        "{status}"
    );
    // procs/ waits for sql/: none of it ran, all of it is pending
    assert_eq!(
        status
            .lines()
            .filter(|l| l.starts_with("pending  sql/"))
            .count(),
        1,
        "{status}"
    );
    assert!(
        status.contains("pending  procs/api/register_payment.sql  (new)"),
        "{status}"
    );

    // the half of the broken file that ran was rolled back with it
    let out = dues()
        .args(["migrate"])
        .env("DATABASE_URL", &db.url)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));

    // a migration changed after it was applied is named
    let first = std::fs::read_dir(dir.join("sql"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| !p.file_name().unwrap().to_string_lossy().contains("broken"))
        .min()
        .unwrap();
    std::fs::remove_file(dir.join("sql/V299901010000__broken.sql")).unwrap();
    let mut sql = std::fs::read_to_string(&first).unwrap();
    sql.push_str("\n-- edited after landing\n");
    std::fs::write(&first, sql).unwrap();
    let out = dues()
        .args(["migrate"])
        .env("DATABASE_URL", &db.url)
        .env("DUES_MIGRATIONS", &dir)
        .output()
        .unwrap();
    let msg = text(&out);
    assert_eq!(out.status.code(), Some(1), "{msg}");
    let name = first.file_name().unwrap().to_string_lossy().to_string();
    assert!(
        msg.contains(&name) && msg.contains("was changed after it was applied"),
        "{msg}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_unreachable_database_is_one_line_within_five_seconds() {
    let started = Instant::now();
    let out = dues()
        .args(["migrate"])
        .env(
            "DATABASE_URL",
            "postgres://alice:hunter2@127.0.0.1:1/billing",
        )
        .output()
        .unwrap();
    let msg = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(1), "{msg}");
    assert!(
        msg.contains("postgres://alice@127.0.0.1:1/billing"),
        "{msg}"
    );
    assert!(!msg.contains("hunter2"), "{msg}");
    assert_eq!(msg.trim().lines().count(), 1, "{msg}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn a_server_that_never_answers_is_given_up_after_five_seconds() {
    // accepts TCP connections and never says a word
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let keep = std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in listener.incoming().take(1) {
            held.push(s);
            std::thread::sleep(Duration::from_secs(8));
        }
    });
    let started = Instant::now();
    let out = dues()
        .args(["migrate"])
        .env("DATABASE_URL", format!("postgres://bob@127.0.0.1:{port}/x"))
        .output()
        .unwrap();
    let took = started.elapsed();
    let msg = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(1), "{msg}");
    assert!(msg.contains(&format!("127.0.0.1:{port}")), "{msg}");
    assert!(took < Duration::from_secs(7), "took {took:?}");
    drop(keep);
}

#[test]
fn a_failing_pgtap_assertion_fails_the_run_and_names_the_test() {
    let out = run(&["test", "--dir", "tests/fixtures/failing"]);
    let report = text(&out);
    assert_eq!(out.status.code(), Some(1), "{report}");
    assert!(
        report.contains("not ok") && report.contains("tests.test_runner__fails_on_purpose"),
        "{report}"
    );
    assert!(report.contains("ok 1 - true is true"), "{report}");
    assert!(report.contains("died: this test raises"), "{report}");
    // the file that does not parse is named with its line, and the others still ran
    assert!(report.contains("b_broken.sql"), "{report}");
    assert!(report.contains("line 6: syntax error"), "{report}");
    assert!(report.contains("1 passed, 3 failed"), "{report}");

    let out = run(&[
        "test",
        "--dir",
        "tests/fixtures/failing",
        "--format",
        "junit",
    ]);
    let xml = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        xml.contains("<testsuites tests=\"4\" failures=\"3\""),
        "{xml}"
    );
    assert!(
        xml.contains("name=\"tests.test_runner__fails_on_purpose\""),
        "{xml}"
    );
}

#[test]
fn match_selects_tests_and_no_scratch_database_is_left_behind() {
    let child = dues()
        .args([
            "test",
            "--dir",
            "tests/fixtures/failing",
            "--match",
            "passes$",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let out = child.wait_with_output().unwrap();
    let report = text(&out);
    // scratch databases are named after the process that made them
    let left = query_text(
        &server_url("postgres"),
        &format!(
            "select count(*) from pg_database where datname like 'dues\\_scratch\\_{pid}\\_%'"
        ),
    );
    assert_eq!(left, "0", "the scratch database of a failed run is dropped");
    // the broken file is still reported, the other tests are not run
    assert!(report.contains("ok 1 - true is true"), "{report}");
    assert!(!report.contains("fails_on_purpose"), "{report}");
    let out = run(&[
        "test",
        "--dir",
        "tests/fixtures/failing",
        "--match",
        "^nothing_like_this$",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let out = run(&["test", "--dir", "tests/fixtures/no_such_folder"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("no_such_folder"));
}

#[test]
fn the_embedded_cluster_answers_through_a_url_too() {
    if external_url().is_some() {
        return; // this run's database is external: nothing embedded to reach
    }
    let url = server_url("dues");
    let out = dues()
        .args(["db", "status"])
        .env("DATABASE_URL", &url)
        .output()
        .unwrap();
    let s = text(&out);
    assert!(out.status.success(), "{s}");
    assert!(
        s.contains("external, from DATABASE_URL") && s.contains("PostgreSQL"),
        "{s}"
    );
    let out = run(&["db", "status"]);
    assert!(text(&out).contains("running (pid"), "{}", text(&out));
}

#[test]
fn a_stale_pid_file_is_recovered() {
    if external_url().is_some() {
        return;
    }
    let home = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("stale-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&home);
    let with_home = |args: &[&str]| dues().args(args).env("DUES_HOME", &home).output().unwrap();
    let out = with_home(&["db", "start"]);
    assert!(out.status.success(), "{}", text(&out));
    let status = text(&with_home(&["db", "status"]));
    let pid: i32 = status
        .split("running (pid ")
        .nth(1)
        .and_then(|s| s.split(')').next())
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("{status}"));
    // the server dies without cleaning up; its pid file now names a live,
    // unrelated process (this test), as after a reboot that reused the pid
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(pid),
        nix::sys::signal::Signal::SIGKILL,
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let cluster = std::fs::canonicalize(home.join("pg")).unwrap();
    let pidfile = cluster.join("data/postmaster.pid");
    let old = std::fs::read_to_string(&pidfile).unwrap();
    let rest: Vec<&str> = old.lines().skip(1).collect();
    std::fs::write(
        &pidfile,
        format!("{}\n{}\n", std::process::id(), rest.join("\n")),
    )
    .unwrap();
    let out = with_home(&["migrate"]);
    assert!(out.status.success(), "{}", text(&out));
    let out = with_home(&["db", "stop"]);
    assert!(text(&out).contains("stopped"), "{}", text(&out));
    let _ = std::fs::remove_dir_all(&cluster);
    let _ = std::fs::remove_dir_all(&home);
}

#[test]
fn a_home_the_server_user_cannot_reach_is_linked_to_a_shared_folder_even_in_a_race() {
    if external_url().is_some() || !nix::unistd::Uid::effective().is_root() {
        return; // only root runs the cluster as another user
    }
    use std::os::unix::fs::PermissionsExt;
    let private = scratch_dir("private");
    std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o700)).unwrap();
    let home = private.join("home");
    let starts: Vec<_> = (0..3)
        .map(|_| {
            dues()
                .args(["db", "start"])
                .env("DUES_HOME", &home)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for s in starts {
        let out = s.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", text(&out));
    }
    let target = std::fs::read_link(home.join("pg")).expect("pg is a link");
    assert!(target.starts_with("/var/lib/dues"), "{}", target.display());
    let out = dues()
        .args(["db", "stop"])
        .env("DUES_HOME", &home)
        .output()
        .unwrap();
    assert!(text(&out).contains("stopped"), "{}", text(&out));
    let _ = std::fs::remove_dir_all(&target);
    let _ = std::fs::remove_dir_all(&private);
}
