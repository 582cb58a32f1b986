//! Two `dues serve` and two `dues worker` processes on one database: the
//! concurrency suite with its clients split between the servers (replays of
//! an Idempotency-Key sent to the other one); PayPal notifications of first
//! payments posted to either server, some to both, while both workers deliver
//! the welcome mails and chat invitations: every payment once, every message
//! once and only after the row that asks for it was committed; then an
//! upgrade (`dues migrate` with a new migration and a new api function)
//! reaches both running servers, and an older `dues serve` started after it
//! refuses to migrate the database back.

mod common;
mod suites;

use common::*;
use mailin_embedded::{response, Handler, Response, Server as SmtpServer};
use std::collections::{BTreeMap, BTreeSet};
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use suites::{Reap, Report};

/// A mail as it arrived, and what the database said about its outbox row at that moment.
#[derive(Debug, Clone)]
struct Arrival {
    message_id: String,
    /// `state,payments of the member` of the outbox row named by the Message-ID, "" when missing.
    row_then: String,
}

#[derive(Clone)]
struct Inbox {
    url: String,
    arrivals: Arc<Mutex<Vec<Arrival>>>,
    buf: Vec<u8>,
}

impl Handler for Inbox {
    fn data_start(&mut self, _: &str, _: &str, _: bool, _: &[String]) -> Response {
        self.buf.clear();
        response::OK
    }
    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.buf.extend_from_slice(buf);
        Ok(())
    }
    fn data_end(&mut self) -> Response {
        let raw = String::from_utf8_lossy(&self.buf).into_owned();
        let message_id = raw
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with("message-id:"))
            .map(|l| l[11..].trim().to_string())
            .unwrap_or_default();
        // <outbox-ID@domain>: the row must be committed before it is sent
        let id: i64 = message_id
            .strip_prefix("<outbox-")
            .and_then(|s| s.split('@').next())
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let row_then = query_value(
            &self.url,
            &format!(
                "select o.state || ',' || (select count(*) from dues.payment p \
                                             where p.member_id = (o.data ->> 'member_id')::bigint) \
                   from dues.outbox o where o.id = {id}"
            ),
        );
        self.arrivals.lock().unwrap().push(Arrival {
            message_id,
            row_then,
        });
        response::OK
    }
}

fn smtp_receiver(url: &str) -> (u16, Arc<Mutex<Vec<Arrival>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let inbox = Inbox {
        url: url.to_string(),
        arrivals: Arc::default(),
        buf: vec![],
    };
    let arrivals = inbox.arrivals.clone();
    let mut server = SmtpServer::new(inbox);
    server
        .with_name("test.invalid")
        .with_num_threads(16)
        .with_tcp_listener(listener);
    std::thread::spawn(move || {
        let _ = server.serve();
    });
    (port, arrivals)
}

/// A PayPal subscription payment of 25.00 from `email`.
fn ipn_payment(txn: &str, email: &str) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("txn_type", "subscr_payment"),
            ("payment_status", "Completed"),
            ("txn_id", txn),
            ("mc_gross", "25.00"),
            ("mc_fee", "1.03"),
            ("mc_currency", "USD"),
            ("payer_email", email),
            ("receiver_email", "payments@example.org"),
            ("payment_date", "20:12:59 Jan 13, 2026 PST"),
            ("charset", "windows-1252"),
        ])
        .finish()
}

/// Waits (at most a minute) until `sql` answers `want`; returns its last answer.
fn wait_for(url: &str, sql: &str, want: &str) -> String {
    let started = Instant::now();
    loop {
        let got = query_value(url, sql);
        if got == want || started.elapsed() > Duration::from_secs(60) {
            return got;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn two_servers_and_two_workers_share_one_database() {
    let s = Server::start_with("several", &["--pool-size", "16"], None);
    let url = s.db.url.clone();
    let log = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("serve-{}-b.log", s.db.name));
    let (b, b_addr) = spawn_serve(&url, &["--pool-size", "16"], &log, None);
    let _b = Reap(b);
    let servers = [s.addr.clone(), b_addr.clone()];

    let (verify_url, _) = http_receiver(|_| (200, "VERIFIED".into()));
    let (hook_url, hooks) = http_receiver(|_| (200, String::new()));
    exec(
        &url,
        &format!(
            "update dues.setting set value = '{verify_url}' where name = 'paypal_verify_url'; \
             update dues.setting set value = '{hook_url}' where name = 'chat_webhook_url';"
        ),
    );
    let (smtp_port, arrivals) = smtp_receiver(&url);
    let workers: Vec<Reap> = ["worker-a", "worker-b"]
        .iter()
        .map(|name| {
            let log = std::fs::File::create(
                PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
                    .join(format!("{name}-{}.log", s.db.name)),
            )
            .unwrap();
            Reap(
                dues()
                    .args([
                        "worker",
                        "--smtp-url",
                        &format!("smtp://127.0.0.1:{smtp_port}"),
                    ])
                    .args([
                        "--poll",
                        "0.2",
                        "--batch",
                        "3",
                        "--timeout",
                        "5",
                        "--name",
                        name,
                    ])
                    .env("DATABASE_URL", &url)
                    .stderr(log)
                    .spawn()
                    .expect("spawn dues worker"),
            )
        })
        .collect();

    // 1. the concurrency suite, its clients split between the two servers
    suites::concurrency_on(&s, &servers, 32, 10, Duration::from_secs(4));

    // 2. first payments by PayPal, to either server and some to both, while both workers deliver
    let mut report = Report::new("outbox on two servers and two workers");
    let staff = s.token(&["--staff"]);
    const MEMBERS: usize = 24;
    let members: Vec<(i64, String)> = (0..MEMBERS)
        .map(|i| {
            let email = format!("joiner{i}@example.org");
            let r = post(
                &servers[i % 2],
                "member_create",
                Some(&staff),
                &format!(r#"{{"name":"Joiner {i}","email":"{email}"}}"#),
            );
            assert_eq!(r.status, 200, "{}", r.body);
            let id = r.json()["id"].as_i64().unwrap();
            let r = post(
                &servers[(i + 1) % 2],
                "membership_join",
                Some(&staff),
                &format!(r#"{{"member_id":{id}}}"#),
            );
            assert_eq!(r.status, 200, "{}", r.body);
            (id, email)
        })
        .collect();
    let senders: Vec<_> = members
        .iter()
        .enumerate()
        .flat_map(|(i, (_, email))| {
            let body = ipn_payment(&format!("SEVERAL-{i}"), email);
            // every third notification is delivered twice, to each server at once
            let to: Vec<String> = if i % 3 == 0 {
                servers.to_vec()
            } else {
                vec![servers[i % 2].clone()]
            };
            to.into_iter().map(move |addr| {
                let body = body.clone();
                std::thread::spawn(move || {
                    request(
                        &addr,
                        "POST",
                        "/webhooks/paypal",
                        None,
                        Some(&body),
                        &[("Content-Type", "application/x-www-form-urlencoded")],
                    )
                    .status
                })
            })
        })
        .collect();
    let delivered = senders.len();
    let statuses: Vec<u16> = senders.into_iter().map(|h| h.join().unwrap()).collect();
    report.say(format!(
        "{MEMBERS} members joined; {delivered} notifications posted ({} twice, to both servers)",
        delivered - MEMBERS
    ));
    report.check(
        statuses.iter().all(|s| *s == 200),
        format!("every notification acknowledged with 200: {statuses:?}"),
    );
    let left = wait_for(
        &url,
        "select count(*) from dues.ipn_message where state <> 'processed'",
        "0",
    );
    report.check(
        left == "0",
        format!("every notification processed ({left} left)"),
    );
    let payments = query(
        &url,
        "select external_ref, count(*) from dues.payment where external_ref like 'SEVERAL-%' group by 1",
    );
    report.check(
        payments.len() == MEMBERS && payments.iter().all(|r| r[1].as_deref() == Some("1")),
        format!(
            "each notification paid once ({} payments for {MEMBERS} transactions, none twice)",
            payments.len()
        ),
    );
    let unsent = wait_for(
        &url,
        "select count(*) from dues.outbox where state <> 'sent'",
        "0",
    );
    report.check(
        unsent == "0",
        format!("every message of the outbox sent ({unsent} not)"),
    );
    let welcome = query_value(
        &url,
        "select count(distinct recipient) || '/' || count(*) from dues.outbox where template = 'welcome'",
    );
    let invites = query_value(
        &url,
        "select count(distinct data ->> 'member_id') || '/' || count(*) from dues.outbox where template = 'chat_invite'",
    );
    report.check(
        welcome == format!("{MEMBERS}/{MEMBERS}") && invites == format!("{MEMBERS}/{MEMBERS}"),
        format!(
            "one welcome mail ({welcome}) and one chat invitation ({invites}) queued per member"
        ),
    );
    let emails: BTreeSet<String> = query(&url, "select id from dues.outbox where kind = 'email'")
        .into_iter()
        .map(|r| format!("outbox-{}", r[0].clone().unwrap()))
        .collect();
    let arrived = arrivals.lock().unwrap().clone();
    let mut per_id: BTreeMap<String, usize> = BTreeMap::new();
    for a in &arrived {
        let id = a
            .message_id
            .trim_start_matches('<')
            .split('@')
            .next()
            .unwrap_or("")
            .to_string();
        *per_id.entry(id).or_insert(0) += 1;
    }
    report.check(
        per_id.keys().cloned().collect::<BTreeSet<_>>() == emails && per_id.values().all(|n| *n == 1),
        format!(
            "each e-mail of the outbox arrived exactly once ({} arrivals, {} rows, sent twice: {:?})",
            arrived.len(),
            emails.len(),
            per_id.iter().filter(|(_, n)| **n > 1).collect::<Vec<_>>()
        ),
    );
    let early: Vec<&Arrival> = arrived
        .iter()
        .filter(|a| a.row_then != "sending,1")
        .collect();
    report.check(
        early.is_empty(),
        format!(
            "each mail arrived while its row was committed and claimed, with its payment committed ({} did not: {early:?})",
            early.len()
        ),
    );
    let hooks = hooks.lock().unwrap().clone();
    let hook_members: BTreeSet<String> = hooks
        .iter()
        .filter_map(|b| serde_json::from_str::<serde_json::Value>(b).ok())
        .map(|v| v["data"]["member_id"].to_string())
        .collect();
    report.check(
        hooks.len() == MEMBERS && hook_members.len() == MEMBERS,
        format!(
            "each chat invitation posted once ({} posts for {} members)",
            hooks.len(),
            hook_members.len()
        ),
    );
    report.say(format!(
        "sent by: {}",
        query_value(
            &url,
            "select string_agg(locked_by || ' ' || n, ', ' order by locked_by) \
               from (select locked_by, count(*) n from dues.outbox group by 1) x"
        )
    ));
    let ledger = s.dues(&["call", "ledger_check"]);
    report.check(
        String::from_utf8_lossy(&ledger.stdout).trim() == "[]",
        format!("the ledger balances: {}", text(&ledger)),
    );
    report.finish();

    // 3. an upgrade while both serve: a new migration and a new api function
    let mut report = Report::new("an upgrade under two running servers");
    let dir = scratch_dir("several_upgrade");
    copy_stream(&dir);
    std::fs::write(
        dir.join("sql/V299901010000__several_probe.sql"),
        "-- A table the upgrade adds.\ncreate table dues.several_probe (note text);\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("procs/api/several_probe.sql"),
        "-- A function the upgrade adds.\n\
         create or replace function api.several_probe()\n\
         returns text\nlanguage sql\nstable\nset search_path = ''\n\
         as $$ select 'upgraded'::text $$;\n\n\
         comment on function api.several_probe() is 'Answers upgraded: added while servers run.';\n\
         grant execute on function api.several_probe() to dues_staff;\n",
    )
    .unwrap();
    for addr in &servers {
        let r = get(addr, "/rpc/several_probe", Some(&staff));
        assert_eq!(r.status, 404, "not there before the upgrade: {}", r.body);
    }
    let migrated = dues()
        .arg("migrate")
        .env("DATABASE_URL", &url)
        .env("DUES_MIGRATIONS", &dir)
        .output()
        .unwrap();
    report.check(
        migrated.status.success(),
        format!(
            "dues migrate of the new version: {}",
            text(&migrated).trim()
        ),
    );
    for addr in &servers {
        let started = Instant::now();
        let mut r = get(addr, "/rpc/several_probe", Some(&staff));
        while r.status != 200 && started.elapsed() < Duration::from_secs(30) {
            std::thread::sleep(Duration::from_millis(100));
            r = get(addr, "/rpc/several_probe", Some(&staff));
        }
        report.check(
            r.status == 200 && r.body.trim() == "\"upgraded\"",
            format!(
                "the server at {addr} reloaded its catalog and serves the new function: {} {}",
                r.status, r.body
            ),
        );
        let paid = post(
            addr,
            "register_payment",
            Some(&staff),
            &format!(
                r#"{{"member_id":{},"amount":"5.00","method":"cash"}}"#,
                members[0].0
            ),
        );
        report.check(
            paid.status == 200,
            format!("and still takes payments: {}", paid.status),
        );
    }

    // a server of the older version started now does not migrate the database back
    let mut old = dues()
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("DATABASE_URL", &url)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = old.try_wait().unwrap() {
            break Some(status);
        }
        if started.elapsed() > Duration::from_secs(60) {
            let _ = old.kill();
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let said = text(&old.wait_with_output().unwrap());
    report.check(
        status.is_some_and(|s| s.code() == Some(1))
            && said.contains(
                "V299901010000__several_probe was applied to this database but its file is missing",
            ),
        format!(
            "an older dues serve refuses to start on the upgraded database: {}",
            said.trim()
        ),
    );
    let probe = query_value(&url, "select api.several_probe()");
    report.check(probe == "upgraded", "and leaves it upgraded");
    let log =
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("serve-{}-old.log", s.db.name));
    let (old, old_addr) = spawn_serve(&url, &["--no-migrate"], &log, None);
    let _old = Reap(old);
    let r = get(&old_addr, "/rpc/several_probe", Some(&staff));
    report.check(
        r.status == 200,
        format!(
            "with --no-migrate it serves, the new function included: {} {}",
            r.status, r.body
        ),
    );
    report.finish();
    drop(workers);
    let _ = std::fs::remove_dir_all(&dir);
}
