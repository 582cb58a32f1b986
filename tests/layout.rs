//! The layout, checked against a migrated database: every function of schemas
//! api, rules, dues and jobs has exactly one procs/<schema>/<name>.sql, the only
//! file under procs/ with its `create … function`; every procs/ file's function
//! is in the database; every api function has its pgTAP file
//! tests/sql/api/<name>.sql, and every file of a schema's test folder is named
//! after a function of that schema.

mod common;

use common::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Every .sql file under a folder of the crate, relative to the crate.
fn sql_files(folder: &str) -> Vec<PathBuf> {
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
    walk(&root().join(folder), &mut out);
    out.sort();
    out.into_iter()
        .map(|p| p.strip_prefix(root()).unwrap().to_path_buf())
        .collect()
}

/// (schema, name) of every function of dues' schemas in a migrated database.
fn functions() -> BTreeSet<(String, String)> {
    let db = FreshDb::migrated("layout");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let client = connect(&db.name).await;
        client
            .query(
                "select n.nspname::text, p.proname::text from pg_proc p join pg_namespace n on n.oid = p.pronamespace \
                 where n.nspname in ('api', 'rules', 'dues', 'jobs')",
                &[],
            )
            .await
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect()
    })
}

#[test]
fn every_function_has_its_one_file_and_every_file_its_function() {
    let functions = functions();
    assert!(functions.len() > 200, "{} functions", functions.len());
    let files: Vec<(PathBuf, String)> = sql_files("procs")
        .into_iter()
        .map(|p| {
            let sql = std::fs::read_to_string(root().join(&p)).unwrap();
            (p, sql)
        })
        .collect();
    let mut problems = Vec::new();
    for (schema, name) in &functions {
        let expected = PathBuf::from(format!("procs/{schema}/{name}.sql"));
        let create = regex::Regex::new(&format!(
            r"(?i)create\s+(or\s+replace\s+)?function\s+{schema}\.{name}\s*\("
        ))
        .unwrap();
        let found: Vec<&PathBuf> = files
            .iter()
            .filter(|(_, sql)| create.is_match(sql))
            .map(|(p, _)| p)
            .collect();
        if found != vec![&expected] {
            problems.push(format!(
                "{schema}.{name}: its create function is in {found:?}, expected only {}",
                expected.display()
            ));
        }
    }
    for (path, _) in &files {
        let mut parts = path.iter().map(|c| c.to_string_lossy().into_owned());
        let (_, schema, file) = (parts.next(), parts.next(), parts.next());
        let name = file.as_deref().and_then(|f| f.strip_suffix(".sql"));
        let key = (
            schema.unwrap_or_default(),
            name.unwrap_or_default().to_string(),
        );
        if !functions.contains(&key) {
            problems.push(format!(
                "{}: its function is not in the database",
                path.display()
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_api_function_has_its_pgtap_file_and_test_folders_mirror_procs() {
    let functions = functions();
    let mut problems = Vec::new();
    for (schema, name) in &functions {
        if schema == "api" && !root().join(format!("tests/sql/api/{name}.sql")).exists() {
            problems.push(format!("api.{name} has no tests/sql/api/{name}.sql"));
        }
    }
    for path in sql_files("tests/sql") {
        let parts: Vec<String> = path
            .iter()
            .map(|c| c.to_string_lossy().into_owned())
            .collect();
        match parts.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
            ["tests", "sql", file] if file.starts_with('_') || *file == "conventions.sql" => {}
            ["tests", "sql", "scenarios", _] => {}
            ["tests", "sql", schema @ ("api" | "rules" | "dues" | "jobs"), file] => {
                let name = file.trim_end_matches(".sql");
                if !functions.contains(&(schema.to_string(), name.to_string())) {
                    problems.push(format!(
                        "{}: {schema}.{name} is no function: a suite spanning functions goes in tests/sql/scenarios/",
                        path.display()
                    ));
                }
            }
            _ => problems.push(format!(
                "{}: tests/sql holds _fixtures, conventions.sql, <schema>/<function>.sql and scenarios/<name>.sql",
                path.display()
            )),
        }
        let sql = std::fs::read_to_string(root().join(&path)).unwrap();
        if !sql.contains("create or replace function tests.") {
            problems.push(format!("{}: no test function", path.display()));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
