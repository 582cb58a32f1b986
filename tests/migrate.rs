//! `dues migrate` with its two kinds of migration: a database migrated with the
//! log dues kept before procs/ held one file per function ends identical to a
//! fresh one; procs/ files are applied all or nothing, named with their line
//! when they fail; functions without a file are refused; the layout of procs/
//! is enforced; the standing rules of one_standing take weights no active rule has.

mod common;

use common::*;
use std::path::Path;

/// `dues migrate args…` on a database, optionally reading a migration folder.
fn migrate(url: &str, dir: Option<&Path>, args: &[&str]) -> std::process::Output {
    let mut cmd = dues();
    cmd.arg("migrate").args(args).env("DATABASE_URL", url);
    if let Some(dir) = dir {
        cmd.env("DUES_MIGRATIONS", dir);
    }
    cmd.output().expect("dues migrate")
}

fn ok(out: std::process::Output) -> String {
    let t = text(&out);
    assert!(out.status.success(), "{t}");
    String::from_utf8_lossy(&out.stdout).to_string()
}

fn fails(out: std::process::Output) -> String {
    let t = text(&out);
    assert_eq!(out.status.code(), Some(1), "{t}");
    assert!(!t.contains("panicked"), "{t}");
    t
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(f)
}

/// Migrates a database as dues did before procs/ held one file per function:
/// the frozen log of tests/fixtures/legacy through refinery, one migration per
/// transaction, in version order.
fn migrate_with_the_log(db: &FreshDb) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/legacy");
    let mut files: Vec<(i64, String, String)> = Vec::new();
    for folder in ["sql", "procs"] {
        for e in std::fs::read_dir(root.join(folder)).unwrap().flatten() {
            let name = e
                .file_name()
                .to_string_lossy()
                .trim_end_matches(".sql")
                .to_string();
            let version = name[1..name.find("__").unwrap()].parse().unwrap();
            files.push((version, name, std::fs::read_to_string(e.path()).unwrap()));
        }
    }
    files.sort();
    let migrations: Vec<refinery::Migration> = files
        .iter()
        .map(|(_, name, sql)| refinery::Migration::unapplied(name, sql).unwrap())
        .collect();
    block_on(async {
        let mut client = connect(&db.name).await;
        let mut runner = refinery::Runner::new(&migrations).set_grouped(false);
        runner.set_migration_table_name("dues_migrations");
        runner
            .run_async(&mut client)
            .await
            .expect("the log migrates");
    });
}

fn query_one(db: &FreshDb, sql: &str) -> String {
    let sql = sql.to_string();
    block_on(async {
        let client = connect(&db.name).await;
        let row = client.query_one(&sql, &[]).await.expect("query");
        row.get::<_, Option<String>>(0).unwrap_or_default()
    })
}

#[test]
fn a_database_migrated_with_the_log_ends_identical_to_a_fresh_one() {
    let old = FreshDb::new("upgrade");
    migrate_with_the_log(&old);
    let status = ok(migrate(&old.url, None, &["--status"]));
    assert!(
        status.contains("legacy   V202611220000__schemas"),
        "{status}"
    );
    assert!(
        status.contains("marked applied in place of the log"),
        "{status}"
    );
    let applied = ok(migrate(&old.url, None, &[]));
    assert!(
        !applied.contains("__schemas.sql"),
        "the baseline is not run again: {applied}"
    );
    assert!(
        applied.contains("applied  procs/api/register_payment.sql"),
        "{applied}"
    );

    let fresh = FreshDb::migrated("upgrade_fresh");
    let upgraded = ok(migrate(&old.url, None, &["--fingerprint"]));
    let new = ok(migrate(&fresh.url, None, &["--fingerprint"]));
    assert!(new.contains("function api.register_payment("), "{new}");
    assert!(new.contains("trigger member_forbid_delete"), "{new}");
    if upgraded != new {
        let diff: Vec<String> = upgraded
            .lines()
            .zip(new.lines())
            .filter(|(a, b)| a != b)
            .take(10)
            .map(|(a, b)| format!("upgraded: {a}\n   fresh: {b}"))
            .collect();
        panic!(
            "the upgraded database differs from the fresh one:\n{}",
            diff.join("\n")
        );
    }

    // nothing left to do on either, and nothing to report
    for db in [&old, &fresh] {
        let status = ok(migrate(&db.url, None, &["--status"]));
        assert!(
            status.lines().all(|l| l.starts_with("applied  ")),
            "{status}"
        );
        assert!(ok(migrate(&db.url, None, &[])).contains("nothing to apply"));
    }

    // the fingerprint sees a grant, a comment and a trigger
    exec(
        &fresh.url,
        "grant execute on function api.ledger_check() to dues_member",
    );
    let changed = ok(migrate(&fresh.url, None, &["--fingerprint"]));
    assert_ne!(changed, new);
    assert!(
        changed.contains("acl: dues_member=EXECUTE dues_staff=EXECUTE"),
        "{changed}"
    );
}

#[test]
fn a_history_that_is_not_exactly_the_log_is_refused_and_left_alone() {
    let db = FreshDb::new("upgrade_refused");
    migrate_with_the_log(&db);
    exec(
        &db.url,
        "create table saved as select * from dues_migrations",
    );
    let restore = "delete from dues_migrations; insert into dues_migrations select * from saved";
    exec(
        &db.url,
        "update dues_migrations set checksum = '1' where version = 202611220019",
    );
    let msg = fails(migrate(&db.url, None, &[]));
    assert!(
        msg.contains("another copy of the migration log")
            && msg.contains("V202611220019__register_payment"),
        "{msg}"
    );

    exec(&db.url, restore);
    exec(
        &db.url,
        "delete from dues_migrations where version = 202611220400",
    );
    let msg = fails(migrate(&db.url, None, &[]));
    assert!(
        msg.contains("not with all of it") && msg.contains("V202611220400__member_grants"),
        "{msg}"
    );

    exec(&db.url, restore);
    exec(
        &db.url,
        "insert into dues_migrations values (202611220459, 'mine', 'now', '1')",
    );
    let msg = fails(migrate(&db.url, None, &[]));
    assert!(msg.contains("V202611220459__mine"), "{msg}");
    // the history is as it was: the log's rows and the stray one, nothing of the baseline
    assert_eq!(
        query_one(
            &db,
            "select count(*)::text from (select * from dues_migrations except select * from saved) x"
        ),
        "1"
    );
    assert_eq!(
        query_one(
            &db,
            "select count(*)::text from (select * from saved except select * from dues_migrations) x"
        ),
        "0"
    );
    assert_eq!(
        query_one(&db, "select (to_regclass('dues_procs') is null)::text"),
        "true"
    );
}

#[test]
fn procs_files_are_applied_all_or_nothing_and_a_failure_names_file_and_line() {
    let db = FreshDb::migrated("procs_atomic");
    let dir = scratch_dir("procs_atomic");
    copy_stream(&dir);

    // one good change and one file that does not load
    let balance = dir.join("procs/api/member_balance.sql");
    let sql = std::fs::read_to_string(&balance).unwrap();
    std::fs::write(
        &balance,
        sql.replace("The member's credit", "The member's money"),
    )
    .unwrap();
    let rule_list = dir.join("procs/api/rule_list.sql");
    let good = std::fs::read_to_string(&rule_list).unwrap();
    let broken = good.replace(
        "function api.rule_list() to",
        "function api.rule_list(dues.no_such_type) to",
    );
    assert_ne!(
        broken, good,
        "procs/api/rule_list.sql grants api.rule_list()"
    );
    std::fs::write(&rule_list, &broken).unwrap();
    let line = 1 + broken[..broken.find("no_such_type").unwrap()]
        .matches('\n')
        .count();

    let status = ok(migrate(&db.url, Some(&dir), &["--status"]));
    assert!(
        status.contains("pending  procs/api/member_balance.sql  (changed)"),
        "{status}"
    );
    assert!(
        status.contains("pending  procs/api/rule_list.sql  (changed)"),
        "{status}"
    );

    let msg = fails(migrate(&db.url, Some(&dir), &[]));
    assert!(
        msg.contains(&format!("procs/api/rule_list.sql line {line}")),
        "{msg}"
    );
    assert!(
        msg.contains("dues.no_such_type") && msg.contains("nothing of procs/ was applied"),
        "{msg}"
    );
    let comment = "select obj_description('api.member_balance(bigint)'::regprocedure, 'pg_proc')";
    assert!(
        query_one(&db, comment).starts_with("The member's credit"),
        "the good file was rolled back too"
    );
    assert!(ok(migrate(&db.url, Some(&dir), &["--status"]))
        .contains("pending  procs/api/member_balance.sql"));

    // bodies that do not compile: caught once every file is loaded, at their line in the file
    let sql_body = good.replace("from dues.subscription_rule r", "from dues.no_such_table r");
    assert_ne!(
        sql_body, good,
        "procs/api/rule_list.sql reads dues.subscription_rule"
    );
    std::fs::write(&rule_list, &sql_body).unwrap();
    let line = 1 + sql_body[..sql_body.find("no_such_table").unwrap()]
        .matches('\n')
        .count();
    let msg = fails(migrate(&db.url, Some(&dir), &[]));
    assert!(
        msg.contains(&format!("procs/api/rule_list.sql line {line}"))
            && msg.contains("no_such_table"),
        "{msg}"
    );
    std::fs::write(&rule_list, &good).unwrap();

    let cancel = dir.join("procs/api/order_cancel.sql");
    let cancel_good = std::fs::read_to_string(&cancel).unwrap();
    let plpgsql_body = cancel_good.replacen("begin\n", "begin\n    sellect 1;\n", 1);
    assert_ne!(
        plpgsql_body, cancel_good,
        "procs/api/order_cancel.sql has a begin"
    );
    std::fs::write(&cancel, &plpgsql_body).unwrap();
    let line = 1 + plpgsql_body[..plpgsql_body.find("sellect").unwrap()]
        .matches('\n')
        .count();
    let msg = fails(migrate(&db.url, Some(&dir), &[]));
    assert!(
        msg.contains(&format!("procs/api/order_cancel.sql line {line}")) && msg.contains("sellect"),
        "{msg}"
    );
    std::fs::write(&cancel, &cancel_good).unwrap();

    // fixed: the good change is applied, and only it
    let applied = ok(migrate(&db.url, Some(&dir), &[]));
    assert_eq!(
        applied.lines().collect::<Vec<_>>(),
        vec!["applied  procs/api/member_balance.sql"],
        "rule_list.sql is back to what the database runs"
    );
    assert!(query_one(&db, comment).starts_with("The member's money"));
    assert_eq!(
        query_one(
            &db,
            "select count(*)::text from dues_procs where file = 'procs/api/member_balance.sql'"
        ),
        "2",
        "each application is recorded"
    );

    // a signature change without a migration dropping the old one is explained
    let sql = std::fs::read_to_string(&balance).unwrap();
    std::fs::write(
        &balance,
        sql.replace(
            "member_balance(member_id bigint)",
            "member_balance(p_member bigint)",
        ),
    )
    .unwrap();
    let msg = fails(migrate(&db.url, Some(&dir), &[]));
    assert!(
        msg.contains("procs/api/member_balance.sql") && msg.contains("drop function if exists"),
        "{msg}"
    );
}

#[test]
fn a_function_without_its_procs_file_is_refused_until_a_migration_drops_it() {
    let db = FreshDb::migrated("orphans");
    let dir = scratch_dir("orphans");
    copy_stream(&dir);

    // made by a sql/ migration, defined by no file
    std::fs::write(
        dir.join("sql/V299901010000__stray.sql"),
        "create function api.stray() returns int language sql as 'select 1';\n",
    )
    .unwrap();
    let msg = fails(migrate(&db.url, Some(&dir), &[]));
    assert!(
        msg.contains("api.stray(): no file in procs/")
            && msg.contains("drop function if exists api.stray();"),
        "{msg}"
    );
    let status = ok(migrate(&db.url, Some(&dir), &["--status"]));
    assert!(status.contains("orphan   api.stray()"), "{status}");
    std::fs::write(
        dir.join("sql/V299901010001__drop_stray.sql"),
        "drop function if exists api.stray();\n",
    )
    .unwrap();
    ok(migrate(&db.url, Some(&dir), &[]));

    // a file removed without the migration that drops its function
    std::fs::remove_file(dir.join("procs/api/rule_list.sql")).unwrap();
    let msg = fails(migrate(&db.url, Some(&dir), &[]));
    assert!(msg.contains("api.rule_list(): no file in procs/"), "{msg}");
    copy_stream(&dir);

    // an overload left behind by a signature change
    std::fs::write(
        dir.join("sql/V299901010002__overload.sql"),
        "create function api.rule_list(p int) returns int language sql as 'select p';\n",
    )
    .unwrap();
    let msg = fails(migrate(&db.url, Some(&dir), &[]));
    assert!(msg.contains("api.rule_list has 2 definitions"), "{msg}");
    std::fs::write(
        dir.join("sql/V299901010003__no_overload.sql"),
        "drop function if exists api.rule_list(int);\n",
    )
    .unwrap();
    ok(migrate(&db.url, Some(&dir), &[]));

    // a function changed outside procs/ is put back as its file says
    exec(
        &db.url,
        "create or replace function api.rule_list() returns table (rule text, title text, description text, method text, \
         parameters jsonb) language sql security definer set search_path = '' as $$ select null, null, null, null, null::jsonb $$",
    );
    let status = ok(migrate(&db.url, Some(&dir), &["--status"]));
    assert!(
        status.contains(
            "pending  procs/api/rule_list.sql  (its function was changed outside procs/)"
        ),
        "{status}"
    );
    ok(migrate(&db.url, Some(&dir), &[]));
    assert_eq!(
        query_one(&db, "select (count(*) > 3)::text from api.rule_list()"),
        "true",
        "the rules are listed again"
    );

    // a migration that drops a function whose file stays: the file brings it back
    std::fs::write(
        dir.join("sql/V299901010004__drop_rule_list.sql"),
        "drop function if exists api.rule_list();\n",
    )
    .unwrap();
    let applied = ok(migrate(&db.url, Some(&dir), &[]));
    assert!(
        applied.contains("applied  procs/api/rule_list.sql"),
        "{applied}"
    );
    assert_eq!(
        query_one(&db, "select to_regprocedure('api.rule_list()')::text"),
        "api.rule_list()"
    );
}

#[test]
fn procs_files_out_of_the_layout_are_refused_naming_the_file() {
    let db = FreshDb::new("layout");
    let dir = scratch_dir("layout");
    copy_stream(&dir);
    let cases: &[(&str, &str, &str)] = &[
        (
            "procs/api/two.sql",
            "create function api.two() returns int language sql as 'select 2';\n\
             create function api.three() returns int language sql as 'select 3';\n",
            "procs/api/two.sql line 2: a second function, api.three",
        ),
        (
            "procs/api/named.sql",
            "create function api.other() returns int language sql as 'select 1';\n",
            "defines api.other, but the file is named for api.named",
        ),
        (
            "procs/dues/hello.sql",
            "create function api.hello() returns int language sql as 'select 1';\n",
            "defines api.hello, but the file is named for dues.hello",
        ),
        (
            "procs/hello.sql",
            "create function api.hello() returns int language sql as 'select 1';\n",
            "procs/hello.sql: a procs/ file lives in the folder of its function's schema",
        ),
        (
            "procs/api/old/hello.sql",
            "create function api.hello() returns int language sql as 'select 1';\n",
            "procs/api/old/hello.sql: a procs/ file lives in the folder",
        ),
        (
            "procs/api/data.sql",
            "create function api.data() returns int language sql as 'select 1';\n\
             insert into dues.setting values ('x', 'y');\n",
            "procs/api/data.sql line 2: 'insert into dues …' belongs in a sql/ migration",
        ),
    ];
    for (path, sql, expected) in cases {
        let file = dir.join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, sql).unwrap();
        let msg = fails(migrate(&db.url, Some(&dir), &[]));
        assert!(msg.contains(expected), "{path}: {msg}");
        std::fs::remove_file(&file).unwrap();
    }
    // two files for one function: a quoted name in another case
    std::fs::write(
        dir.join("procs/api/Rule_list.sql"),
        "create function api.\"Rule_list\"() returns int language sql as 'select 1';\n",
    )
    .unwrap();
    let msg = fails(migrate(&db.url, Some(&dir), &[]));
    assert!(msg.contains("procs/api/Rule_list.sql"), "{msg}");
    // nothing was migrated: the layout is checked before the database is touched
    assert_eq!(
        query_one(&db, "select (to_regclass('dues_migrations') is null)::text"),
        "true"
    );
}

/// The rule of docs/rules.md's last section, as a DBA adds it.
const FLAT_FEE_PROC: &str = "-- Subscription method of rule flat_fee: the class's fee, from the day of the request, open-ended.
create or replace function rules.class_subscribe_flat_fee(p_class_id bigint, p_member_id bigint, p_class_params jsonb,
                                                          p_request_params jsonb, p_today date)
returns dues.rule_result
language plpgsql
stable
set search_path = ''
as $$
-- @plpgsql_check_options: extra_warnings = off
begin
    return row((p_class_params ->> 'fee')::numeric, p_today, null)::dues.rule_result;
end
$$;
";

const FLAT_FEE_MIGRATION: &str = "-- Rule flat_fee: one fee set by the class. Its method is procs/rules/class_subscribe_flat_fee.sql.

-- Declared so that the row below can name it; procs/ defines it, after sql/, in the same run.
create function rules.class_subscribe_flat_fee(p_class_id bigint, p_member_id bigint, p_class_params jsonb,
                                               p_request_params jsonb, p_today date)
returns dues.rule_result language plpgsql as $$
    begin raise exception 'rules.class_subscribe_flat_fee is declared, not yet defined' using errcode = '55000'; end $$;

insert into dues.subscription_rule (name, title, description, method)
values ('flat_fee', 'Flat fee', 'The class sets one fee; the subscription starts on the day it is requested.',
        'rules.class_subscribe_flat_fee');

insert into dues.subscription_parameter_template (rule, name, type, scope, required, description)
values ('flat_fee', 'fee', 'money', 'class', true, 'The fee');
";

#[test]
fn a_new_rule_is_its_procs_file_and_one_migration_registering_it() {
    let dir = scratch_dir("new_rule");
    copy_stream(&dir);
    std::fs::write(
        dir.join("procs/rules/class_subscribe_flat_fee.sql"),
        FLAT_FEE_PROC,
    )
    .unwrap();
    std::fs::write(
        dir.join("sql/V299901010000__rule_flat_fee.sql"),
        FLAT_FEE_MIGRATION,
    )
    .unwrap();

    // a database that runs dues already, and a new one
    let running = FreshDb::migrated("new_rule_running");
    let applied = ok(migrate(&running.url, Some(&dir), &[]));
    assert_eq!(
        applied.lines().collect::<Vec<_>>(),
        vec![
            "applied  sql/V299901010000__rule_flat_fee.sql",
            "applied  procs/rules/class_subscribe_flat_fee.sql"
        ]
    );
    let fresh = FreshDb::new("new_rule_fresh");
    ok(migrate(&fresh.url, Some(&dir), &[]));
    for db in [&running, &fresh] {
        assert_eq!(
            query_one(db, "select ((rules.class_subscribe_flat_fee(1, 1, '{\"fee\": 12}', '{}', '2027-01-01')).amount = 12)::text"),
            "true"
        );
        assert_eq!(
            query_one(
                db,
                "select string_agg(method, ',') from api.rule_list() where rule = 'flat_fee'"
            ),
            "rules.class_subscribe_flat_fee"
        );
    }
    assert_eq!(
        ok(migrate(&running.url, Some(&dir), &["--fingerprint"])),
        ok(migrate(&fresh.url, Some(&dir), &["--fingerprint"]))
    );
}

/// The statement of `file` (under sql/) that starts with `start`, up to its semicolon.
fn statement_of(file: &str, start: &str) -> String {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("sql").join(file))
            .expect("the migration");
    let from = text.find(start).expect("the statement");
    let to = from + text[from..].find(";\n").expect("its end") + 1;
    text[from..to].to_string()
}

#[test]
fn the_standing_rules_of_one_standing_take_weights_no_active_rule_has() {
    // the statement of the migration that made billing's two standing rules, run again where it ran: on the rules of a
    // site before it (none gives a standing), once at the shipped weights, once with a site's rules at 900 and 910
    let insert = statement_of(
        "V202612020300__one_standing.sql",
        "insert into dues.membership_status_rule",
    );
    let db = FreshDb::migrated("one_standing_weights");
    let standing_rules = "select string_agg(standing || ' ' || weight || ' ' || start_offset::text, ', ' order by weight) \
                          from dues.membership_status_rule where standing is not null";
    exec(
        &db.url,
        &format!("begin; delete from dues.membership_status_rule where standing is not null; {insert} commit;"),
    );
    assert_eq!(
        query_one(&db, standing_rules),
        "at_risk 900 61 days, suspended 910 91 days"
    );
    exec(
        &db.url,
        &format!(
            "begin; delete from dues.membership_status_rule where standing is not null; \
             insert into dues.membership_status_rule (status, start_event, weight, is_membership) \
             values ('honorary', 'join_date', 900, true), ('board', 'join_date', 910, true); \
             {insert} commit;"
        ),
    );
    assert_eq!(
        query_one(&db, standing_rules),
        "at_risk 920 61 days, suspended 930 91 days"
    );
}
