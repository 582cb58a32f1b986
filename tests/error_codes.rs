//! Errors by code: docs/errors.md lists exactly the rows of `dues.error_code`
//! of a migrated database (code, HTTP status, title) and exactly the shell's
//! own codes of `dues::api::ApiError` (code, status); the pgTAP suites assert
//! codes, never wording, but for one test per code that shows its message.

mod common;

use common::*;
use dues::api::ApiError;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The rows `| code | status | title | … |` of the tables of docs/errors.md
/// under the heading that starts with `section`, up to the next heading of its
/// level, or (with `after`) from the line that starts with `after` on.
fn doc_rows(section: &str, after: Option<&str>) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(root().join("docs/errors.md")).unwrap();
    let mut rows = Vec::new();
    let mut inside = false;
    let mut started = after.is_none();
    for line in text.lines() {
        if line.starts_with("## ") {
            inside = line.starts_with(section);
            continue;
        }
        if !inside {
            continue;
        }
        if let Some(a) = after {
            if line.starts_with(a) {
                started = true;
            }
        }
        if !started || !line.starts_with("| DU") {
            continue;
        }
        rows.push(
            line.trim_matches('|')
                .split(" | ")
                .map(|c| c.trim().to_string())
                .collect(),
        );
    }
    rows
}

#[test]
fn docs_errors_md_lists_exactly_the_rows_of_error_code() {
    let db = FreshDb::migrated("error_codes");
    let table: BTreeMap<String, (String, String)> = query(
        &db.url,
        "select sqlstate::text, http_status::text, title from dues.error_code",
    )
    .into_iter()
    .map(|r| {
        let c = |i: usize| r[i].clone().unwrap_or_default();
        (c(0), (c(1), c(2)))
    })
    .collect();
    assert!(table.len() > 50, "{} codes", table.len());

    let rows = doc_rows("## The table `dues.error_code`", None);
    let mut documented = BTreeMap::new();
    let mut problems = Vec::new();
    for r in &rows {
        if r.len() != 4 {
            problems.push(format!("row {r:?} does not have 4 columns"));
            continue;
        }
        if documented
            .insert(r[0].clone(), (r[1].clone(), r[2].clone()))
            .is_some()
        {
            problems.push(format!("{} is listed twice", r[0]));
        }
        if r[3].is_empty() {
            problems.push(format!("{} does not say when it is raised", r[0]));
        }
    }
    for (code, (status, title)) in &table {
        match documented.get(code) {
            None => problems.push(format!(
                "{code} ({status}, {title:?}) is in dues.error_code but not in docs/errors.md"
            )),
            Some(d) if d != &(status.clone(), title.clone()) => problems.push(format!(
                "{code}: dues.error_code says ({status}, {title:?}), docs/errors.md says ({}, {:?})",
                d.0, d.1
            )),
            Some(_) => {}
        }
    }
    for code in documented.keys() {
        if !table.contains_key(code) {
            problems.push(format!(
                "{code} is in docs/errors.md but not in dues.error_code"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn docs_errors_md_lists_exactly_the_shells_own_codes() {
    let rows = doc_rows(
        "## What the HTTP layer answers",
        Some("Errors the shell finds itself"),
    );
    let documented: BTreeSet<(String, String)> =
        rows.iter().map(|r| (r[0].clone(), r[1].clone())).collect();
    assert_eq!(
        documented.len(),
        rows.len(),
        "a code listed twice: {rows:?}"
    );
    let shell: BTreeSet<(String, String)> = ApiError::every_shell_failure()
        .iter()
        .map(|s| (s.code().to_string(), s.status().to_string()))
        .collect();
    assert_eq!(
        documented, shell,
        "docs/errors.md (left) and the shell's ApiError (right) differ"
    );
}

/// Every .sql file under tests/sql.
fn suites() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "sql") {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(&root().join("tests/sql"), &mut out);
    out.sort();
    out
}

/// The top-level arguments of every call of `name(` in SQL text, skipping
/// quoted strings, dollar-quoted strings and comments.
fn calls(sql: &str, name: &str) -> Vec<Vec<String>> {
    let b = sql.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(at) = sql[i..].find(name).map(|k| k + i) {
        i = at + name.len();
        let word_start = at == 0 || !(b[at - 1].is_ascii_alphanumeric() || b[at - 1] == b'_');
        let rest = sql[i..].trim_start();
        if !word_start || !rest.starts_with('(') {
            continue;
        }
        let mut j = sql.len() - rest.len() + 1;
        let (mut depth, mut start, mut args) = (1, j, Vec::new());
        while j < b.len() && depth > 0 {
            match b[j] {
                b'\'' => {
                    j += 1;
                    while j < b.len() {
                        if b[j] == b'\'' {
                            if b.get(j + 1) == Some(&b'\'') {
                                j += 1;
                            } else {
                                break;
                            }
                        }
                        j += 1;
                    }
                }
                b'$' => {
                    if let Some(len) = sql[j + 1..].find('$') {
                        let tag = &sql[j..j + len + 2];
                        if tag[1..tag.len() - 1]
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '_')
                        {
                            let end = sql[j + tag.len()..].find(tag).unwrap();
                            j += tag.len() + end + tag.len() - 1;
                        }
                    }
                }
                b'-' if b.get(j + 1) == Some(&b'-') => {
                    j += sql[j..].find('\n').unwrap_or(sql.len() - j) - 1;
                }
                b'(' => depth += 1,
                b')' => depth -= 1,
                b',' if depth == 1 => {
                    args.push(sql[start..j].trim().to_string());
                    start = j + 1;
                }
                _ => {}
            }
            j += 1;
        }
        args.push(sql[start..j - 1].trim().to_string());
        out.push(args);
        i = j;
    }
    out
}

#[test]
fn pgtap_suites_assert_codes_and_show_each_message_once() {
    let mut shown: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut asserted = BTreeSet::new();
    let mut problems = Vec::new();
    for path in suites() {
        let file = path.strip_prefix(root()).unwrap().display().to_string();
        let sql = std::fs::read_to_string(&path).unwrap();
        for wording_only in [
            "throws_like",
            "throws_ilike",
            "throws_matching",
            "throws_imatching",
        ] {
            if !calls(&sql, wording_only).is_empty() {
                problems.push(format!(
                    "{file}: {wording_only} asserts the wording only: use throws_ok(sql, code, null, description)"
                ));
            }
        }
        for args in calls(&sql, "throws_ok") {
            if args.len() != 4 {
                problems.push(format!(
                    "{file}: throws_ok with {} arguments: give (sql, code, message or null, description)",
                    args.len()
                ));
                continue;
            }
            let code = args[1].trim_matches('\'').to_string();
            if !code.starts_with("DU") {
                continue;
            }
            asserted.insert(code.clone());
            if !args[2].eq_ignore_ascii_case("null") {
                shown.entry(code).or_default().push(file.clone());
            }
        }
    }
    for code in &asserted {
        match shown.get(code).map(Vec::len).unwrap_or(0) {
            1 => {}
            0 => problems.push(format!(
                "{code} is asserted but no test shows its message: give one throws_ok its message"
            )),
            _ => problems.push(format!(
                "{code} shows its message in {} tests ({}): keep one, the others pass null",
                shown[code].len(),
                shown[code].join(", ")
            )),
        }
    }
    assert!(asserted.len() > 50, "{} codes asserted", asserted.len());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
