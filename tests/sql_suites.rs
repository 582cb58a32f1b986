//! The pgTAP suites of tests/sql, run through `dues test`: a failing SQL test
//! fails `cargo test`, and the report names it.

mod common;

#[test]
fn the_sql_suites_pass() {
    let out = common::run(&["test", "--jobs", "4"]);
    let report = common::text(&out);
    println!("{report}");
    assert!(out.status.success(), "dues test failed:\n{report}");
    assert!(report.contains(" passed, 0 failed"), "{report}");
}

#[test]
fn lint_is_clean() {
    let out = common::run(&["lint"]);
    let report = common::text(&out);
    println!("{report}");
    assert!(out.status.success(), "dues lint failed:\n{report}");
}
