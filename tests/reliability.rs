//! The reliability suites that finish in well under a minute each: a short
//! concurrency run, `kill -9` of `dues serve` under a write load, an
//! immediate-mode restart of PostgreSQL under load, and hostile input.
//! The long runs are in tests/soak.rs. Each suite prints what it did and ends
//! with a `== <suite>: PASS|FAIL` line (`-- --nocapture` shows it).

mod common;
mod suites;

use std::time::Duration;

#[test]
fn concurrency_short() {
    suites::concurrency(64, 10, Duration::from_secs(5));
}

#[test]
fn crash_of_dues_short() {
    suites::crash_of_dues(16, 3, Duration::from_millis(1500));
}

#[test]
fn crash_of_postgres_short() {
    suites::crash_of_postgres(8, 2, Duration::from_secs(2));
}
