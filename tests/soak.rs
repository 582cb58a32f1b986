//! The long reliability runs, skipped by `cargo test` (`#[ignore]`). Run them
//! with
//!
//! ```sh
//! cargo test --release --test soak -- --ignored --nocapture --test-threads 1
//! ```
//!
//! (one at a time: the machine's cores are shared). The schemathesis run
//! needs `pip install schemathesis 'psycopg[binary]'`. Each suite prints what
//! it did and ends with a `== <suite>: PASS|FAIL` line.

mod common;
mod suites;

use std::time::{Duration, Instant};

#[test]
#[ignore = "soak: 30 s of load; run with --ignored"]
fn concurrency_30s() {
    suites::concurrency(64, 10, Duration::from_secs(30));
}

#[test]
#[ignore = "soak: run with --ignored"]
fn crash_of_dues_10_kills() {
    suites::crash_of_dues(32, 10, Duration::from_secs(2));
}

#[test]
#[ignore = "soak: run with --ignored"]
fn crash_of_postgres_5_outages() {
    suites::crash_of_postgres(16, 5, Duration::from_secs(3));
}

/// schemathesis against /openapi.json with a staff token: thousands of
/// generated requests (examples, coverage and fuzzing phases), one at a
/// time; no 5xx, and no table changed by a request answered with a 4xx
/// (tests/hostile.py); the server still runs and answers afterwards.
#[test]
#[ignore = "soak: needs schemathesis and psycopg; run with --ignored"]
fn schemathesis_hostile_input() {
    let mut report = suites::Report::new("hostile input (schemathesis)");
    let s = common::Server::start("schemathesis");
    let a = s.addr.clone();
    let staff = s.token(&["--staff"]);
    // some records for generated ids to hit
    let members = suites::make_members(&a, &staff, 5, "fuzzed");
    let class = common::post(
        &a,
        "class_create",
        Some(&staff),
        r#"{"title":"Pottery","rule":"single_payment","params":{"price":"25.00"}}"#,
    );
    assert_eq!(class.status, 200, "{}", class.body);
    for m in &members {
        let r = common::post(
            &a,
            "class_subscription_request",
            Some(&staff),
            &format!(r#"{{"member_id":{m},"class_id":1}}"#),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        let r = common::post(
            &a,
            "register_payment",
            Some(&staff),
            &format!(r#"{{"member_id":{m},"amount":"10.00"}}"#),
        );
        assert_eq!(r.status, 200, "{}", r.body);
    }
    let examples = std::env::var("DUES_SCHEMATHESIS_EXAMPLES").unwrap_or_else(|_| "30".into());
    report.say(format!("schemathesis against http://{a}/openapi.json as staff, {examples} examples per operation, one request at a time"));
    let tests_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let t = Instant::now();
    let out = std::process::Command::new("st")
        .args([
            "run",
            &format!("http://{a}/openapi.json"),
            "--header",
            &format!("Authorization: Bearer {staff}"),
            "--checks",
            "not_a_server_error,no_change_on_4xx",
            "--workers",
            "1",
            "--phases",
            "examples,coverage,fuzzing",
            "--max-examples",
            &examples,
            "--seed",
            "7",
            "--request-timeout",
            "30",
            "--no-color",
        ])
        .current_dir(env!("CARGO_TARGET_TMPDIR"))
        .env("PYTHONPATH", &tests_dir)
        .env("SCHEMATHESIS_HOOKS", "hostile")
        .env("DUES_HOSTILE_DB", &s.db.url)
        .output()
        .expect("schemathesis: pip install schemathesis 'psycopg[binary]'");
    let text = common::text(&out);
    let summary: Vec<&str> = text
        .lines()
        .filter(|l| {
            l.contains("generated")
                || l.contains("Tested:")
                || l.contains("Errored")
                || l.contains("Failed")
                || l.contains("❌")
                || l.contains("ST9")
                || l.starts_with("==")
        })
        .collect();
    report.say(format!(
        "schemathesis ran {:.0}s:\n    {}",
        t.elapsed().as_secs_f64(),
        summary.join("\n    ")
    ));
    let generated = text
        .lines()
        .find_map(|l| {
            l.trim()
                .split_once(" generated")
                .and_then(|(n, _)| n.trim().parse::<usize>().ok())
        })
        .unwrap_or(0);
    report.check(
        generated >= 1000,
        format!("thousands of generated requests: {generated}"),
    );
    if !out.status.success() {
        println!(
            "{}",
            text.chars()
                .rev()
                .take(6000)
                .collect::<String>()
                .chars()
                .rev()
                .collect::<String>()
        );
    }
    report.check(
        out.status.success(),
        format!(
            "no 5xx and no data changed on a 4xx (schemathesis exit {:?})",
            out.status.code()
        ),
    );
    let alive = common::get(&a, "/health", None);
    report.check(
        alive.status == 200,
        "dues serve still runs and answers /health",
    );
    let ledger = s.dues(&["call", "ledger_check"]);
    report.check(
        String::from_utf8_lossy(&ledger.stdout).trim() == "[]",
        "`dues call ledger_check` is empty after the run",
    );
    report.finish();
}
