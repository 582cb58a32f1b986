//! `dues backup` and `dues restore`: a database that went through billing,
//! PayPal IPN and class subscriptions, backed up while payments keep coming,
//! restored into a fresh embedded home and into an empty database of a
//! server: the same rows, fingerprint and balances, the ledger balanced, and
//! `dues serve` on the restored home answers with the old tokens. A damaged
//! backup, a non-empty target and a folder that exists are refused, changing
//! nothing.

mod common;

use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A fresh embedded home; its cluster is stopped and removed when dropped.
struct Home(PathBuf);

impl Home {
    fn new(tag: &str) -> Home {
        Home(scratch_dir(tag).join("home"))
    }

    /// `dues --home HOME args…`, never through DATABASE_URL.
    fn dues(&self, args: &[&str]) -> Output {
        dues()
            .arg("--home")
            .arg(&self.0)
            .args(args)
            .env_remove("DATABASE_URL")
            .output()
            .expect("run dues")
    }

    fn url(&self) -> String {
        let out = self.dues(&["db", "url"]);
        assert!(out.status.success(), "{}", text(&out));
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = self.dues(&["db", "stop", "--remove"]);
        if let Some(scratch) = self.0.parent() {
            let _ = std::fs::remove_dir_all(scratch);
        }
    }
}

/// `dues backup --to DIR` on the database at `url`.
fn backup(url: &str, dir: &Path) -> Output {
    dues()
        .args(["backup", "--to"])
        .arg(dir)
        .env("DATABASE_URL", url)
        .output()
        .expect("dues backup")
}

/// `dues restore DIR` into the database at `url`.
fn restore_into_url(url: &str, dir: &Path) -> Output {
    dues()
        .arg("restore")
        .arg(dir)
        .env("DATABASE_URL", url)
        .output()
        .expect("dues restore")
}

fn fingerprint_of(url: &str) -> String {
    let out = dues()
        .args(["migrate", "--fingerprint"])
        .env("DATABASE_URL", url)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn manifest(dir: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap()
}

/// A form-encoded PayPal notification with PayPal's usual fields around the given ones.
fn ipn(fields: &[(&str, &str)]) -> String {
    let mut all: Vec<(&str, &str)> = vec![
        ("mc_currency", "USD"),
        ("payment_date", "20:12:59 Jan 13, 2026 PST"),
        ("charset", "windows-1252"),
        ("notify_version", "3.9"),
        ("receiver_email", "payments@example.org"),
        ("subscr_id", "I-BACKUP0001"),
    ];
    all.retain(|(k, _)| !fields.iter().any(|(f, _)| f == k));
    all.extend_from_slice(fields);
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(all)
        .finish()
}

fn id(r: &Reply) -> i64 {
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()["id"].as_i64().expect("an id")
}

/// Member balances as the api answers them, for comparing two databases.
fn balances(url: &str, members: &[i64]) -> Vec<String> {
    members
        .iter()
        .map(|m| {
            query_value(
                url,
                &format!(
                    "select coalesce(string_agg(currency || ' ' || balance || ' ' || reserved, ', ' order by currency), '') \
                       from api.member_balance({m})"
                ),
            )
        })
        .collect()
}

#[test]
fn a_backup_taken_under_load_restores_into_a_fresh_home_with_everything_equal() {
    let (verify_url, _) = http_receiver(|_| (200, "VERIFIED".into()));
    let s = Server::start("backup");
    let (a, url) = (s.addr.clone(), s.db.url.clone());
    exec(
        &url,
        &format!("update dues.setting set value = '{verify_url}' where name = 'paypal_verify_url'"),
    );
    let staff = s.token(&["--staff"]);
    let member = |name: &str, kind: &str| {
        id(&post(
            &a,
            "member_create",
            Some(&staff),
            &format!(
                r#"{{"name":"{name}","email":"{}@example.org","kind":"{kind}"}}"#,
                name.to_lowercase()
            ),
        ))
    };

    // a class subscription, start to finish, over HTTP
    let ann = member("Ann", "person");
    let ann_token = s.token(&["--member", &ann.to_string()]);
    let class = id(&post(
        &a,
        "class_create",
        Some(&staff),
        r#"{"title":"Pottery","rule":"single_payment","params":{"price":"25.00"}}"#,
    ));
    let order = id(&post(
        &a,
        "class_subscription_request",
        Some(&staff),
        &format!(r#"{{"member_id":{ann},"class_id":{class}}}"#),
    ));
    id(&post(
        &a,
        "register_payment",
        Some(&staff),
        &format!(
            r#"{{"member_id":{ann},"amount":"30.00","method":"bank_transfer","external_ref":"stmt-001"}}"#
        ),
    ));
    for f in ["order_confirm", "class_subscription_confirm"] {
        let r = post(&a, f, Some(&staff), &format!(r#"{{"order_id":{order}}}"#));
        assert_eq!(r.status, 200, "{f}: {}", r.body);
    }

    // recurring billing: a provider, a monthly class, two subscriptions, the collector
    let space = member("Space", "organization");
    let cat = member("Cat", "person");
    let dan = member("Dan", "person");
    exec(
        &url,
        &format!(
            "select api.provider_register({space}); \
             select api.class_set_provider((api.class_create('Membership', 'recurring', \
               '{{\"period\": \"month\", \"amount\": \"30.00\", \"renewal\": \"auto_renew\", \"setup_fee\": \"10.00\"}}')).id, {space}); \
             select api.recurring_subscription_start(m, (select max(id) from dues.class)) from unnest(array[{cat}, {dan}]) m;"
        ),
    );
    let collect = s.dues(&["jobs", "run", "collect"]);
    assert!(collect.status.success(), "{}", text(&collect));
    id(&post(
        &a,
        "register_payment",
        Some(&staff),
        &format!(
            r#"{{"member_id":{cat},"amount":"40.00","method":"bank_transfer","external_ref":"stmt-002"}}"#
        ),
    ));

    // a PayPal payment notification moves Bob from pending_payments to members
    let bob = member("Bob", "person");
    let joined = s.dues(&["call", "membership_join", &format!("member_id={bob}")]);
    assert!(joined.status.success(), "{}", text(&joined));
    for fields in [
        vec![
            ("txn_type", "subscr_signup"),
            ("payer_email", "bob@example.org"),
            ("mc_amount3", "25.00"),
        ],
        vec![
            ("txn_type", "subscr_payment"),
            ("payment_status", "Completed"),
            ("txn_id", "61E67681CH3238416"),
            ("mc_gross", "25.00"),
            ("mc_fee", "1.03"),
            ("payer_email", "bob@example.org"),
        ],
    ] {
        let r = request(
            &a,
            "POST",
            "/webhooks/paypal",
            None,
            Some(&ipn(&fields)),
            &[("Content-Type", "application/x-www-form-urlencoded")],
        );
        assert_eq!(r.status, 200, "{}", r.body);
    }
    let started = Instant::now();
    while query_value(
        &url,
        "select count(*) from dues.ipn_message where state <> 'processed'",
    ) != "0"
    {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the notifications were never processed"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(
        query_value(
            &url,
            "select count(*) from dues.outbox where template = 'welcome'"
        ),
        "1",
        "Bob's first payment queued his welcome mail"
    );
    let scenario = [ann, bob, cat, dan, space];
    let before = balances(&url, &scenario);
    assert_eq!(
        before[0], "USD 5.00 0.00",
        "Ann paid 30.00 for a class of 25.00"
    );

    // payments keep coming on another member while the backup runs
    let eve = member("Eve", "person");
    let stop = Arc::new(AtomicBool::new(false));
    let acked: Arc<Mutex<Vec<i64>>> = Arc::default();
    let writer = {
        let (a, staff, stop, acked) = (a.clone(), staff.clone(), stop.clone(), acked.clone());
        std::thread::spawn(move || {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) || n < 20 {
                n += 1;
                let r = post(
                    &a,
                    "register_payment",
                    Some(&staff),
                    &format!(
                        r#"{{"member_id":{eve},"amount":"1.00","method":"cash","external_ref":"load-{n}"}}"#
                    ),
                );
                assert_eq!(r.status, 200, "{}", r.body);
                acked.lock().unwrap().push(id(&r));
            }
        })
    };
    while acked.lock().unwrap().len() < 5 {
        std::thread::sleep(Duration::from_millis(10));
    }
    let root = scratch_dir("backup");
    let dir = root.join("dues-backup");
    let out = backup(&url, &dir);
    assert!(out.status.success(), "dues backup: {}", text(&out));
    let during = acked.lock().unwrap().len();
    stop.store(true, Ordering::Relaxed);
    writer.join().unwrap();
    println!("{}", String::from_utf8_lossy(&out.stdout));
    let m = manifest(&dir);
    let eve_in_backup = m["contents"]["tables"]["dues.payment"]["rows"]
        .as_i64()
        .unwrap()
        - 3;
    println!(
        "payments of the load: {} acknowledged in all, {during} when the backup returned, {eve_in_backup} in the backup",
        acked.lock().unwrap().len()
    );
    assert!(
        eve_in_backup >= 5,
        "the payments made before the backup are in it"
    );
    assert_eq!(m["contents"]["ledger_check"], serde_json::json!([]));
    let mode = |p: &Path| {
        std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(p).unwrap().permissions())
            & 0o777
    };
    assert_eq!(mode(&dir), 0o700, "only its owner reads a backup");
    for f in [
        "dues.dump",
        "manifest.json",
        "fingerprint.txt",
        "SHA256SUMS",
    ] {
        assert_eq!(mode(&dir.join(f)), 0o600, "{f}");
    }
    let sums = dues_sha256sum_check(&dir);
    assert!(
        sums.status.success(),
        "sha256sum -c SHA256SUMS: {}",
        text(&sums)
    );

    // into a fresh embedded home
    let home = Home::new("restore-home");
    let out = home.dues(&["restore", dir.to_str().unwrap()]);
    let said = text(&out);
    println!("{said}");
    assert!(out.status.success(), "dues restore: {said}");
    assert!(said.contains("restore: OK"), "{said}");
    assert!(said.contains("migrate  nothing to apply"), "{said}");
    assert!(!said.contains("DIFFERENT"), "{said}");
    let restored = home.url();
    let tables = m["contents"]["tables"].as_object().unwrap();
    assert!(
        tables.len() > 50,
        "every table is counted: {}",
        tables.len()
    );
    for (table, t) in tables {
        assert_eq!(
            query_value(&restored, &format!("select count(*) from {table}")),
            t["rows"].to_string(),
            "rows of {table}"
        );
    }
    assert_eq!(
        fingerprint_of(&restored),
        fingerprint_of(&url),
        "the same catalog"
    );
    assert_eq!(balances(&restored, &scenario), before, "the same balances");
    assert_eq!(
        query_value(
            &restored,
            &format!("select balance from api.member_balance({eve})")
        ),
        format!("{eve_in_backup}.00"),
        "Eve's balance is the payments the backup holds"
    );
    let ledger = home.dues(&["call", "ledger_check"]);
    assert_eq!(
        String::from_utf8_lossy(&ledger.stdout).trim(),
        "[]",
        "{}",
        text(&ledger)
    );

    // dues serve on the restored home answers with the tokens of the original
    let old_ann = get(
        &a,
        &format!("/rpc/member_balance?member_id={ann}"),
        Some(&ann_token),
    );
    assert_eq!(old_ann.status, 200, "{}", old_ann.body);
    let log = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("serve-restored-{}.log", std::process::id()));
    let mut serve = dues()
        .arg("--home")
        .arg(&home.0)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env_remove("DATABASE_URL")
        .stdout(std::process::Stdio::piped())
        .stderr(std::fs::File::create(&log).unwrap())
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
                "dues serve on the restored home: {line} {}",
                std::fs::read_to_string(&log).unwrap_or_default()
            )
        })
        .to_string();
    let by_staff = get(
        &addr,
        &format!("/rpc/member_balance?member_id={ann}"),
        Some(&staff),
    );
    let by_ann = get(
        &addr,
        &format!("/rpc/member_balance?member_id={ann}"),
        Some(&ann_token),
    );
    let ann_on_bob = get(
        &addr,
        &format!("/rpc/member_balance?member_id={bob}"),
        Some(&ann_token),
    );
    let _ = nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(serve.id() as i32),
        nix::sys::signal::Signal::SIGTERM,
    );
    let _ = serve.wait();
    assert_eq!(by_staff.status, 200, "{}", by_staff.body);
    assert_eq!(
        by_staff.json(),
        old_ann.json(),
        "the staff token of the backup works, and the balance is the same"
    );
    assert_eq!(by_ann.status, 200, "{}", by_ann.body);
    assert_eq!(by_ann.json(), old_ann.json(), "so does Ann's own token");
    assert_eq!(
        ann_on_bob.status, 403,
        "and it still reaches her data only: {}",
        ann_on_bob.body
    );

    // restoring again into the same home is refused, and changes nothing
    let fp = fingerprint_of(&restored);
    let again = home.dues(&["restore", dir.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(1), "{}", text(&again));
    assert!(text(&again).contains("is not empty"), "{}", text(&again));
    assert_eq!(fingerprint_of(&restored), fp);
    assert_eq!(
        query_value(&restored, "select count(*) from dues.payment"),
        tables["dues.payment"]["rows"].to_string()
    );

    // and into an empty database of a server, by URL
    let target = FreshDb::new("restored_by_url");
    let out = restore_into_url(&target.url, &dir);
    assert!(out.status.success(), "dues restore by URL: {}", text(&out));
    assert_eq!(fingerprint_of(&target.url), fingerprint_of(&url));
    assert_eq!(balances(&target.url, &scenario), before);
    let _ = std::fs::remove_dir_all(&root);
}

fn dues_sha256sum_check(dir: &Path) -> Output {
    std::process::Command::new("sha256sum")
        .args(["--check", "--quiet", "SHA256SUMS"])
        .current_dir(dir)
        .output()
        .expect("sha256sum")
}

/// Copies a backup folder beside it, to damage the copy.
fn copy_backup(from: &Path, tag: &str) -> PathBuf {
    let to = from.with_file_name(tag);
    std::fs::create_dir_all(&to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
    to
}

/// Objects of the database outside PostgreSQL's own schemas.
fn objects(url: &str) -> String {
    query_value(
        url,
        "select (select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace \
                  where n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_') \
              + (select count(*) from pg_proc p join pg_namespace n on n.oid = p.pronamespace \
                  where n.nspname not in ('pg_catalog', 'information_schema'))",
    )
}

#[test]
fn damaged_backups_and_non_empty_targets_are_refused_and_change_nothing() {
    let src = FreshDb::migrated("backup_src");
    exec(
        &src.url,
        "select api.member_create('Ann', 'ann@example.org')",
    );
    // a password in the URL goes to pg_dump through its environment, and nowhere else
    let url = if external_url().is_none() {
        format!("{} password=hunter2-not-needed", src.url)
    } else {
        src.url.clone()
    };
    let root = scratch_dir("backup_refusals");
    let dir = root.join("b");
    let out = backup(&url, &dir);
    assert!(out.status.success(), "{}", text(&out));
    for f in [
        "dues.dump",
        "manifest.json",
        "fingerprint.txt",
        "SHA256SUMS",
    ] {
        let bytes = std::fs::read(dir.join(f)).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains("hunter2"),
            "{f} holds no password"
        );
    }
    assert!(!text(&out).contains("hunter2"));

    // a folder that exists is not overwritten
    let sums = std::fs::read(dir.join("SHA256SUMS")).unwrap();
    let again = backup(&src.url, &dir);
    assert_eq!(again.status.code(), Some(2), "{}", text(&again));
    assert!(
        text(&again).contains("exists and is not empty"),
        "{}",
        text(&again)
    );
    assert_eq!(std::fs::read(dir.join("SHA256SUMS")).unwrap(), sums);

    // a database that is not a dues database is not backed up, and leaves no folder
    let plain = FreshDb::new("backup_plain");
    let nothing = root.join("plain");
    let out = backup(&plain.url, &nothing);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("not a dues database"), "{}", text(&out));
    assert!(!nothing.exists() && !nothing.with_file_name("plain.partial").exists());

    // a home without a cluster (a wrong --home) is not given a new one to back up
    let empty_home = root.join("no-home");
    let out = dues()
        .arg("--home")
        .arg(&empty_home)
        .args(["backup", "--to"])
        .arg(root.join("of-nothing"))
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("no embedded cluster under"),
        "{}",
        text(&out)
    );
    assert!(!empty_home.join("pg").exists() && !root.join("of-nothing").exists());

    let refused = |dir: &Path, why: &str| {
        let target = FreshDb::new("restore_refused");
        let out = restore_into_url(&target.url, dir);
        assert_eq!(out.status.code(), Some(1), "{why}: {}", text(&out));
        assert_eq!(objects(&target.url), "0", "{why}: nothing restored");
        let said = text(&out);
        println!("{why}: {said}");
        said
    };

    let truncated = copy_backup(&dir, "backup_truncated");
    let dump = std::fs::read(truncated.join("dues.dump")).unwrap();
    std::fs::write(truncated.join("dues.dump"), &dump[..dump.len() / 2]).unwrap();
    let said = refused(&truncated, "a truncated dump");
    assert!(
        said.contains("dues.dump: its SHA-256") && said.contains("truncated or altered"),
        "{said}"
    );

    let altered = copy_backup(&dir, "backup_altered");
    let mut dump = std::fs::read(altered.join("dues.dump")).unwrap();
    let middle = dump.len() / 2;
    dump[middle] ^= 0x01;
    std::fs::write(altered.join("dues.dump"), &dump).unwrap();
    let said = refused(&altered, "one bit of the dump changed");
    assert!(said.contains("dues.dump: its SHA-256"), "{said}");

    let manifest_changed = copy_backup(&dir, "backup_manifest");
    let text_of = std::fs::read_to_string(manifest_changed.join("manifest.json")).unwrap();
    std::fs::write(
        manifest_changed.join("manifest.json"),
        text_of.replacen("\"rows\": 1,", "\"rows\": 2,", 1),
    )
    .unwrap();
    let said = refused(&manifest_changed, "an altered manifest");
    assert!(said.contains("manifest.json: its SHA-256"), "{said}");

    // the dump and its line of SHA256SUMS replaced together: the manifest's own sums disagree
    let swapped = copy_backup(&dir, "backup_swapped");
    let mut dump = std::fs::read(swapped.join("dues.dump")).unwrap();
    dump.truncate(dump.len() - 1);
    std::fs::write(swapped.join("dues.dump"), &dump).unwrap();
    let new_sum = {
        let o = std::process::Command::new("sha256sum")
            .arg("dues.dump")
            .current_dir(&swapped)
            .output()
            .unwrap();
        String::from_utf8_lossy(&o.stdout).to_string()
    };
    let sums_text = std::fs::read_to_string(swapped.join("SHA256SUMS")).unwrap();
    let sums_text: String = sums_text
        .lines()
        .map(|l| {
            if l.ends_with("  dues.dump") {
                new_sum.trim().to_string()
            } else {
                l.to_string()
            }
        })
        .map(|l| l + "\n")
        .collect();
    std::fs::write(swapped.join("SHA256SUMS"), sums_text).unwrap();
    let said = refused(&swapped, "a dump replaced with its SHA256SUMS line");
    assert!(said.contains("the manifest says"), "{said}");

    // a backup made by a newer dues (its SHA256SUMS made again to match)
    let newer = copy_backup(&dir, "backup_newer");
    let manifest_text = std::fs::read_to_string(newer.join("manifest.json")).unwrap();
    std::fs::write(
        newer.join("manifest.json"),
        manifest_text.replacen("\"dues_version\": \"", "\"dues_version\": \"99.", 1),
    )
    .unwrap();
    let resummed = std::process::Command::new("sha256sum")
        .args(["manifest.json", "dues.dump", "fingerprint.txt"])
        .current_dir(&newer)
        .output()
        .unwrap();
    std::fs::write(newer.join("SHA256SUMS"), &resummed.stdout).unwrap();
    let said = refused(&newer, "a backup of a newer dues");
    assert!(said.contains("was made by dues 99."), "{said}");

    let said = refused(&root.join("nowhere"), "a folder that does not exist");
    assert!(said.contains("no such folder"), "{said}");

    let incomplete = copy_backup(&dir, "backup_incomplete");
    std::fs::remove_file(incomplete.join("SHA256SUMS")).unwrap();
    let said = refused(&incomplete, "no SHA256SUMS");
    assert!(said.contains("not a complete dues backup"), "{said}");

    // a database with data is never restored into
    let busy = FreshDb::migrated("restore_busy");
    exec(
        &busy.url,
        "select api.member_create('Zed', 'zed@example.org')",
    );
    let fp = fingerprint_of(&busy.url);
    let out = restore_into_url(&busy.url, &dir);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("is not empty"), "{}", text(&out));
    assert_eq!(fingerprint_of(&busy.url), fp);
    assert_eq!(
        query_value(
            &busy.url,
            "select string_agg(name, ',') from dues.member \
              where id not in (select member_id from dues.provider where broker)"
        ),
        "Zed"
    );
    // nor one with a single table of someone else's
    let other = FreshDb::new("restore_other");
    exec(
        &other.url,
        "create table notes (t text); insert into notes values ('keep me')",
    );
    let out = restore_into_url(&other.url, &dir);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("table notes"), "{}", text(&out));
    assert_eq!(query_value(&other.url, "select t from notes"), "keep me");

    // the undamaged backup restores
    let target = FreshDb::new("restore_ok");
    let out = restore_into_url(&target.url, &dir);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        query_value(
            &target.url,
            "select string_agg(name, ',' order by id) from dues.member"
        ),
        "dues,Ann",
        "the site's organization and the member"
    );
    let _ = std::fs::remove_dir_all(&root);
}
