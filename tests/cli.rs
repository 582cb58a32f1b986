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

/// `dues --home HOME args…` on the embedded cluster of HOME, with extra environment.
fn with_home(home: &Path, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = dues();
    cmd.env_remove("DATABASE_URL")
        .arg("--home")
        .arg(home)
        .args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run dues")
}

/// The value after `name` in `dues db status`.
fn status_field(status: &str, name: &str) -> Option<String> {
    status
        .lines()
        .find_map(|l| l.strip_prefix(name))
        .map(|v| v.trim().to_string())
}

/// Every file and folder under `dir` with its owner's uid.
fn owners(dir: &Path) -> Vec<(std::path::PathBuf, u32)> {
    use std::os::unix::fs::MetadataExt;
    let mut out = vec![(
        dir.to_path_buf(),
        std::fs::symlink_metadata(dir).unwrap().uid(),
    )];
    if dir.is_dir()
        && !std::fs::symlink_metadata(dir)
            .unwrap()
            .file_type()
            .is_symlink()
    {
        for e in std::fs::read_dir(dir).unwrap() {
            out.extend(owners(&e.unwrap().path()));
        }
    }
    out.sort();
    out
}

#[test]
fn a_cluster_another_user_owns_is_refused_and_left_as_it_was() {
    if external_url().is_some() {
        return;
    }
    let home = scratch_dir("foreign");
    let nobody = nix::unistd::User::from_name("nobody").ok().flatten();
    let root = nix::unistd::Uid::effective().is_root();
    if root {
        // a cluster of another user (here: nobody) in this home
        let data = home.join("pg/data");
        std::fs::create_dir_all(&data).unwrap();
        std::fs::write(data.join("PG_VERSION"), "15\n").unwrap();
        let uid = nobody.as_ref().expect("user nobody").uid;
        for (path, _) in owners(&home.join("pg")) {
            nix::unistd::chown(&path, Some(uid), None).unwrap();
        }
    } else {
        // a folder of another user (root's): dues could not change it anyway
        std::os::unix::fs::symlink("/", home.join("pg")).unwrap();
    }
    let before = owners(&home);
    for args in [
        &["db", "start"][..],
        &["db", "stop"],
        &["db", "stop", "--remove"],
        &["migrate"],
    ] {
        let out = with_home(&home, args, &[]);
        let msg = text(&out);
        assert_eq!(out.status.code(), Some(1), "dues {args:?}: {msg}");
        assert!(
            msg.contains("belongs to") && msg.contains("nothing was changed"),
            "dues {args:?}: {msg}"
        );
        assert_eq!(owners(&home), before, "dues {args:?} changed nothing");
    }
    let status = text(&with_home(&home, &["db", "status"], &[]));
    assert!(
        status_field(&status, "owner:")
            .is_some_and(|o| o.contains("it will not touch these files")),
        "{status}"
    );
    let _ = std::fs::remove_dir_all(&home);
}

#[test]
fn db_stop_remove_takes_the_files_wherever_they_are() {
    if external_url().is_some() {
        return;
    }
    use std::os::unix::fs::PermissionsExt;
    // as root, a home the server's user cannot reach puts the files under /var/lib/dues
    let private = scratch_dir("remove");
    std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o700)).unwrap();
    let home = private.join("home");
    let out = with_home(&home, &["db", "start"], &[]);
    assert!(out.status.success(), "{}", text(&out));
    let status = text(&with_home(&home, &["db", "status"], &[]));
    let cluster = std::path::PathBuf::from(
        status_field(&status, "cluster:")
            .and_then(|c| c.split_whitespace().next().map(str::to_string))
            .unwrap_or_else(|| panic!("{status}")),
    );
    assert!(cluster.join("data/PG_VERSION").is_file(), "{status}");
    if nix::unistd::Uid::effective().is_root() {
        assert!(cluster.starts_with("/var/lib/dues"), "{status}");
        let files = status_field(&status, "files:").unwrap_or_else(|| panic!("{status}"));
        assert!(
            files.starts_with(&cluster.display().to_string()) && files.contains("--remove"),
            "status says where the files are: {status}"
        );
        assert_eq!(
            std::fs::read_to_string(cluster.join("home"))
                .unwrap()
                .trim(),
            std::fs::canonicalize(&home).unwrap().display().to_string(),
            "the folder records its home"
        );
    }
    let out = with_home(&home, &["db", "stop", "--remove"], &[]);
    let said = text(&out);
    assert!(out.status.success(), "{said}");
    assert!(
        said.contains(&format!("removed: {}", cluster.display())),
        "{said}"
    );
    assert!(!cluster.exists(), "the cluster's files are gone: {said}");
    assert!(!home.exists(), "and the home with them: {said}");
    let _ = std::fs::remove_dir_all(&private);
}

#[test]
fn serve_restarts_a_postmaster_that_died() {
    if external_url().is_some() {
        return;
    }
    let home = scratch_dir("revive").join("home");
    let log_path = home.parent().unwrap().join("serve.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let mut serve = dues()
        .env_remove("DATABASE_URL")
        .arg("--home")
        .arg(&home)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stdout(std::process::Stdio::piped())
        .stderr(log)
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(serve.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .unwrap_or_else(|| {
            panic!(
                "{line} {}",
                std::fs::read_to_string(&log_path).unwrap_or_default()
            )
        })
        .to_string();
    let pid_of = || {
        let status = text(&with_home(&home, &["db", "status"], &[]));
        status
            .split("running (pid ")
            .nth(1)
            .and_then(|s| s.split(')').next())
            .and_then(|s| s.parse::<i32>().ok())
    };
    let first = pid_of().expect("a running postmaster");
    assert_eq!(get(&addr, "/health", None).status, 200);
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(first),
        nix::sys::signal::Signal::SIGKILL,
    )
    .unwrap();
    // nobody runs `dues db start`: dues serve starts it again itself
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut again = None;
    while Instant::now() < deadline {
        // pg_ctl may return (and the restart be logged) a moment after the
        // new postmaster already answers: wait for both
        let logged = std::fs::read_to_string(&log_path)
            .unwrap_or_default()
            .contains("restarted it");
        if let Some(pid) = pid_of().filter(|p| *p != first && logged) {
            if get(&addr, "/health", None).status == 200 {
                again = Some(pid);
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    let served = std::fs::read_to_string(&log_path).unwrap_or_default();
    assert!(
        again.is_some(),
        "dues serve did not restart PostgreSQL: {served}"
    );
    assert!(
        served.contains("restarted it"),
        "the restart is logged: {served}"
    );
    let out = with_home(&home, &["db", "status"], &[]);
    assert!(text(&out).contains("running (pid"), "{}", text(&out));

    // stopped on purpose, it stays stopped
    let out = with_home(&home, &["db", "stop"], &[]);
    assert!(text(&out).contains("stopped"), "{}", text(&out));
    std::thread::sleep(Duration::from_secs(6));
    assert_eq!(
        pid_of(),
        None,
        "dues serve leaves a cluster stopped with dues db stop alone"
    );
    let _ = nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(serve.id() as i32),
        nix::sys::signal::Signal::SIGTERM,
    );
    let _ = serve.wait();
    let out = with_home(&home, &["db", "stop", "--remove"], &[]);
    assert!(out.status.success(), "{}", text(&out));
    let _ = std::fs::remove_dir_all(home.parent().unwrap());
}

#[test]
fn postgres_log_rotates_and_keeps_its_number_of_files() {
    if external_url().is_some() {
        return;
    }
    let home = scratch_dir("pglog").join("home");
    let env = [
        ("DUES_PG_LOG_SIZE", "1kB"),
        ("DUES_PG_LOG_AGE", "2h"),
        ("DUES_PG_LOG_FILES", "3"),
    ];
    let out = with_home(&home, &["db", "start"], &env);
    assert!(out.status.success(), "{}", text(&out));
    let url = String::from_utf8_lossy(&with_home(&home, &["db", "url"], &env).stdout)
        .trim()
        .to_string();
    assert_eq!(
        query_text(&url, "current_setting('logging_collector')"),
        "on"
    );
    assert_eq!(
        query_text(&url, "current_setting('log_rotation_size')"),
        "1kB"
    );
    assert_eq!(
        query_text(&url, "current_setting('log_rotation_age')"),
        "2h"
    );
    let status = text(&with_home(&home, &["db", "status"], &env));
    let log_dir = std::path::PathBuf::from(
        status_field(&status, "log:").unwrap_or_else(|| panic!("{status}")),
    );
    let logs = || {
        let mut names: Vec<String> = std::fs::read_dir(&log_dir)
            .map(|d| {
                d.filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .filter(|n| n.starts_with("postgresql-"))
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    };
    // each warning is logged (3 kB, over the size): the next one goes to a new file (named by the second)
    for _ in 0..5 {
        query(
            &url,
            "do $$ begin raise warning '%', repeat('x', 3000); end $$",
        );
        std::thread::sleep(Duration::from_millis(1100));
    }
    let written = logs();
    assert!(
        written.len() >= 4,
        "PostgreSQL's log rotated at its size: {written:?}"
    );
    let out = with_home(&home, &["db", "start"], &env);
    assert!(out.status.success(), "{}", text(&out));
    let kept = logs();
    assert_eq!(
        kept.len(),
        3,
        "the newest 3 are kept: {kept:?} of {written:?}"
    );
    assert_eq!(kept.last(), written.last(), "the current file stays");
    let out = with_home(&home, &["db", "start"], &[("DUES_PG_LOG_SIZE", "ten")]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "a bad size is a usage error: {}",
        text(&out)
    );
    let out = with_home(&home, &["db", "stop", "--remove"], &env);
    assert!(out.status.success(), "{}", text(&out));
    let _ = std::fs::remove_dir_all(home.parent().unwrap());
}
