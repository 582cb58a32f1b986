//! `dues import` and `dues export` against a migrated database: a members
//! file with a bad line imports nothing and names the line, fixed it imports,
//! imported again (or as a dry run) it changes nothing; the journal of a
//! billing scenario balances per transaction, as CSV and as JSON lines.
mod common;
use common::*;
use std::collections::BTreeMap;
use std::process::Output;

fn on(db: &FreshDb, args: &[&str]) -> Output {
    dues()
        .args(args)
        .env("DATABASE_URL", &db.url)
        .output()
        .expect("run dues")
}

/// What an import may change, as one fingerprint.
fn members_state(db: &FreshDb) -> String {
    query_value(
        &db.url,
        "select md5(concat_ws('|', \
            (select string_agg(m::text, ',' order by m.id) from dues.member m), \
            (select string_agg(ms::text, ',' order by ms.member_id) from dues.membership ms), \
            (select string_agg(g::text, ',' order by g.id) from dues.group_membership g), \
            (select count(*) from dues.audit_log)))",
    )
}

fn write(dir: &std::path::Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.display().to_string()
}

#[test]
fn a_members_file_imports_whole_or_not_at_all_and_once() {
    let db = FreshDb::migrated("import_members");
    let dir = scratch_dir("import_members");
    let bad = write(
        &dir,
        "bad.csv",
        b"name,email,kind,groups,status\n\
          \"Lovelace, Ada\",ada@example.org,person,board,member\n\
          Bob,bob-at-example.org,person,,pending\n\
          Hackspace Ltd,hq@example.org,organization,,\n",
    );
    let before = members_state(&db);
    let out = on(&db, &["import", "members", &bad]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("line 3") && stderr.contains("nothing was imported"),
        "the bad line is named: {stderr}"
    );
    let report: serde_json::Value = serde_json::from_str(stderr.lines().last().unwrap())
        .unwrap_or_else(|e| panic!("the report is JSON ({e}): {stderr}"));
    assert_eq!(report["bad_lines"], 1, "{report}");
    assert_eq!(report["errors"][0]["line"], 3, "{report}");
    assert_eq!(report["errors"][0]["column"], "email", "{report}");
    assert_eq!(
        members_state(&db),
        before,
        "nothing of the file is imported"
    );

    let good = write(
        &dir,
        "good.csv",
        b"name,email,kind,groups,status\r\n\
          \"Lovelace, Ada\",ada@example.org,person,board,member\r\n\
          Bob,bob@example.org,person,,pending\r\n\
          Hackspace Ltd,hq@example.org,organization,,\r\n",
    );
    let out = on(&db, &["import", "members", &good, "--dry-run"]);
    assert!(out.status.success(), "{}", text(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (report["dry_run"].clone(), report["imported"].clone()),
        (serde_json::json!(true), serde_json::json!(3)),
        "{report}"
    );
    assert_eq!(members_state(&db), before, "a dry run changes nothing");

    let out = on(&db, &["import", "members", &good]);
    assert!(out.status.success(), "{}", text(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["imported"], 3, "{report}");
    assert_eq!(
        query_value(
            &db.url,
            "select string_agg(name, '|' order by id) from dues.member where id > 1"
        ),
        "Lovelace, Ada|Bob|Hackspace Ltd"
    );
    let imported = members_state(&db);
    assert_ne!(imported, before);

    let out = on(&db, &["import", "members", &good]);
    assert!(out.status.success(), "{}", text(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (report["imported"].clone(), report["unchanged"].clone()),
        (0.into(), 3.into())
    );
    assert_eq!(
        members_state(&db),
        imported,
        "imported again, nothing changes"
    );
}

#[test]
fn a_file_that_is_not_utf8_is_refused_before_the_database() {
    let db = FreshDb::migrated("import_encoding");
    let dir = scratch_dir("import_encoding");
    let latin1 = write(
        &dir,
        "latin1.csv",
        b"name,email\nJos\xe9,jose@example.org\n",
    );
    let before = members_state(&db);
    let out = on(&db, &["import", "members", &latin1]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not UTF-8 text (line 2"),
        "{}",
        text(&out)
    );
    assert_eq!(members_state(&db), before);
    let out = on(&db, &["import", "payments", "/nonexistent/statement.csv"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
}

#[test]
fn the_journal_of_a_billing_scenario_balances_per_transaction() {
    let db = FreshDb::migrated("export_journal");
    let dir = scratch_dir("export_journal");
    let call = |args: &[&str]| {
        let mut all = vec!["call"];
        all.extend_from_slice(args);
        let out = on(&db, &all);
        assert!(out.status.success(), "{args:?}: {}", text(&out));
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap_or_default()
    };
    let members = write(
        &dir,
        "members.csv",
        b"name,email,kind,status\nAda,ada@example.org,person,member\nHQ,hq@example.org,organization,\n",
    );
    assert!(on(&db, &["import", "members", &members]).status.success());
    // member 1 is the site itself (the broker); the file's members are 2 (Ada) and 3 (HQ)
    call(&["provider_register", "organization_id=3"]);
    let class = call(&[
        "class_create",
        "--json",
        r#"{"title":"Membership","rule":"recurring","params":{"period":"month","amount":"30.00","renewal":"auto_renew"}}"#,
    ]);
    let class_id = class["id"].to_string();
    call(&[
        "class_set_provider",
        &format!("class_id={class_id}"),
        "provider_id=3",
    ]);
    let balances = write(
        &dir,
        "balances.csv",
        b"member_email,currency,amount,booked_on\nada@example.org,USD,12.50,2025-12-31\n",
    );
    assert!(on(&db, &["import", "balances", &balances]).status.success());
    call(&[
        "recurring_subscription_start",
        "member_id=2",
        &format!("class_id={class_id}"),
    ]);
    let out = on(&db, &["jobs", "run", "collect"]);
    assert!(out.status.success(), "{}", text(&out));
    let statement = write(
        &dir,
        "statement.csv",
        b"booked_on,amount,currency,reference,payer\n2026-11-02,40.00,USD,STMT-1,ada@example.org\n2026-11-03,9.00,USD,STMT-2,Someone Else\n",
    );
    let out = on(&db, &["import", "payments", &statement]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        query_value(
            &db.url,
            "select count(*) from dues.invoice where status = 'paid'"
        ),
        "1",
        "the statement's payment paid the invoice"
    );

    let out = on(&db, &["export", "journal"]);
    assert!(out.status.success(), "{}", text(&out));
    let csv = String::from_utf8(out.stdout).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some(
            "date,transaction_id,kind,account,debit,credit,currency,memo,member_id,invoice_number"
        )
    );
    // the accounts' names and memos hold no comma or quote here: a plain split reads them
    let mut sums: BTreeMap<(String, String), (f64, f64, usize)> = BTreeMap::new();
    let mut kinds = std::collections::BTreeSet::new();
    for line in lines {
        let f: Vec<&str> = line.split(',').collect();
        assert_eq!(f.len(), 10, "{line}");
        kinds.insert(f[2].to_string());
        let e = sums
            .entry((f[1].to_string(), f[6].to_string()))
            .or_default();
        e.0 += f[4].parse::<f64>().unwrap_or(0.0) * 100.0;
        e.1 += f[5].parse::<f64>().unwrap_or(0.0) * 100.0;
        e.2 += 1;
    }
    for kind in ["opening_balance", "payment", "invoice"] {
        assert!(kinds.contains(kind), "{kind} in the journal: {csv}");
    }
    assert!(sums.len() >= 4, "{csv}");
    for ((tx, currency), (debit, credit, n)) in &sums {
        assert!(*n >= 2, "transaction {tx} has {n} postings");
        assert_eq!(
            debit.round() as i64,
            credit.round() as i64,
            "transaction {tx} in {currency}: debits equal credits\n{csv}"
        );
    }

    let out = on(
        &db,
        &[
            "export",
            "journal",
            "--format",
            "json",
            "--from",
            "2025-12-31",
            "--to",
            "2025-12-31",
        ],
    );
    assert!(out.status.success(), "{}", text(&out));
    let rows: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert_eq!(rows.len(), 2, "the opening balance alone: {rows:?}");
    assert!(rows
        .iter()
        .all(|r| r["kind"] == "opening_balance" && r["date"] == "2025-12-31"));

    for kind in ["invoices", "payments", "members"] {
        let out = on(&db, &["export", kind, "--format", "json"]);
        assert!(out.status.success(), "{kind}: {}", text(&out));
        assert!(!out.stdout.is_empty(), "{kind}");
    }
    let out = on(
        &db,
        &[
            "export",
            "payments",
            "--from",
            "2026-02-01",
            "--to",
            "2026-01-01",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty(), "a wrong range writes nothing");
    assert_eq!(
        query_value(&db.url, "select count(*) from api.ledger_check()"),
        "0"
    );
}
