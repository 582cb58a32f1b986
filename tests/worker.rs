//! `dues worker` against a real SMTP receiver and a real HTTP receiver on
//! loopback: every queued message arrives, several workers send each once,
//! an SMTP server that is down delays mail but loses none, and a worker
//! killed between sending and recording leaves the row to be sent again.

mod common;

use common::*;
use mailin_embedded::{response, Handler, Response, Server as SmtpServer};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A received e-mail: recipients and the raw message.
#[derive(Debug, Clone)]
struct Mail {
    to: Vec<String>,
    raw: String,
}

impl Mail {
    fn header(&self, name: &str) -> Option<String> {
        self.raw
            .lines()
            .find(|l| {
                l.to_ascii_lowercase()
                    .starts_with(&format!("{}:", name.to_ascii_lowercase()))
            })
            .map(|l| {
                l.split_once(':')
                    .map(|(_, v)| v.trim().to_string())
                    .unwrap_or_default()
            })
    }
}

#[derive(Clone)]
struct Inbox {
    mails: Arc<Mutex<Vec<Mail>>>,
    current: Vec<String>,
    buf: Vec<u8>,
    /// Seconds to stall before acknowledging each message (to kill a worker mid-delivery).
    stall: Arc<Mutex<u64>>,
}

impl Handler for Inbox {
    fn data_start(&mut self, _domain: &str, _from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.current = to.to_vec();
        self.buf.clear();
        response::OK
    }
    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.buf.extend_from_slice(buf);
        Ok(())
    }
    fn data_end(&mut self) -> Response {
        self.mails.lock().unwrap().push(Mail {
            to: self.current.clone(),
            raw: String::from_utf8_lossy(&self.buf).into_owned(),
        });
        let stall = *self.stall.lock().unwrap();
        std::thread::sleep(Duration::from_secs(stall));
        response::OK
    }
}

/// What an SMTP receiver has received.
type Received = Arc<Mutex<Vec<Mail>>>;

/// An SMTP server in this process; returns its port, what it received, and its stall knob.
fn smtp_receiver() -> (u16, Received, Arc<Mutex<u64>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let inbox = Inbox {
        mails: Arc::default(),
        current: vec![],
        buf: vec![],
        stall: Arc::default(),
    };
    let (mails, stall) = (inbox.mails.clone(), inbox.stall.clone());
    let mut server = SmtpServer::new(inbox);
    server
        .with_name("test.invalid")
        .with_num_threads(64)
        .with_tcp_listener(listener);
    std::thread::spawn(move || {
        let _ = server.serve();
    });
    (port, mails, stall)
}

/// Queues `n` e-mails and `hooks` webhooks to `hook_url`.
fn enqueue(db: &FreshDb, n: usize, hooks: usize, hook_url: &str) {
    exec(
        &db.url,
        &format!(
            "insert into dues.message_template (name, kind, subject, body_text, body_html) values \
               ('test_note', 'email', 'Note {{{{n}}}}', 'Hello {{{{name}}}}', '<p>Hello {{{{name}}}}</p>'), \
               ('test_hook', 'webhook', '', 'Member {{{{name}}}} paid', null) on conflict do nothing; \
             select dues.outbox_enqueue('email', 'test_note', 'member' || i || '@example.org', \
                    jsonb_build_object('n', i, 'name', 'Member ' || i)) from generate_series(1, {n}) i; \
             select dues.outbox_enqueue('webhook', 'test_hook', '{hook_url}', jsonb_build_object('name', 'M' || i)) \
               from generate_series(1, {hooks}) i;"
        ),
    );
}

fn worker(db: &FreshDb, smtp_port: u16, extra: &[&str]) -> std::process::Command {
    let mut cmd = dues();
    cmd.args([
        "worker",
        "--smtp-url",
        &format!("smtp://127.0.0.1:{smtp_port}"),
        "--timeout",
        "5",
    ])
    .args(extra)
    .env("DATABASE_URL", &db.url);
    cmd
}

fn states(db: &FreshDb) -> String {
    query_text(
        &db.url,
        "select string_agg(state || '=' || n, ' ' order by state) \
         from (select state, count(*) n from dues.outbox group by state) s",
    )
}

#[test]
fn every_queued_message_arrives_once_even_with_several_workers() {
    let db = FreshDb::migrated("outbox");
    let (port, mails, _) = smtp_receiver();
    let (hook, bodies) = http_receiver(|_| (200, String::new()));
    enqueue(&db, 30, 3, &hook);
    let workers: Vec<_> = (0..3)
        .map(|i| {
            worker(
                &db,
                port,
                &["--once", "--name", &format!("w{i}"), "--batch", "7"],
            )
            .spawn()
            .unwrap()
        })
        .collect();
    for w in workers {
        assert!(w.wait_with_output().unwrap().status.success());
    }
    // --once takes one batch per worker: finish the rest with one more worker run until empty
    for _ in 0..10 {
        if states(&db) == "sent=33" {
            break;
        }
        assert!(worker(&db, port, &["--once"]).status().unwrap().success());
    }
    assert_eq!(states(&db), "sent=33");
    let mails = mails.lock().unwrap().clone();
    println!(
        "{} mails, {} webhooks",
        mails.len(),
        bodies.lock().unwrap().len()
    );
    assert_eq!(mails.len(), 30, "each mail once");
    let mut ids: Vec<String> = mails
        .iter()
        .filter_map(|m| m.header("Message-ID"))
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 30, "30 different messages");
    let m7 = mails
        .iter()
        .find(|m| m.to == vec!["member7@example.org".to_string()])
        .expect("member 7's mail");
    assert_eq!(m7.header("Subject").as_deref(), Some("Note 7"));
    assert!(m7.raw.contains("Hello Member 7"));
    assert!(
        m7.raw.contains("<p>Hello Member 7</p>"),
        "the HTML part is there"
    );
    let bodies = bodies.lock().unwrap().clone();
    assert_eq!(bodies.len(), 3);
    let hook: serde_json::Value = serde_json::from_str(&bodies[0]).unwrap();
    assert!(
        hook["text"].as_str().unwrap().starts_with("Member M"),
        "{hook}"
    );
}

#[test]
fn mail_waits_while_the_smtp_server_is_down_and_is_then_sent_once() {
    let db = FreshDb::migrated("smtpdown");
    // a port with nothing listening
    let dead_port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    exec(
        &db.url,
        "update dues.setting set value = '1' where name = 'outbox_backoff_seconds'",
    );
    enqueue(&db, 2, 0, "http://127.0.0.1:9/unused");
    assert!(worker(&db, dead_port, &["--once"])
        .status()
        .unwrap()
        .success());
    assert_eq!(states(&db), "pending=2", "not lost, waiting for a retry");
    let (port, mails, _) = smtp_receiver();
    std::thread::sleep(Duration::from_millis(1100));
    assert!(worker(&db, port, &["--once"]).status().unwrap().success());
    assert_eq!(states(&db), "sent=2");
    assert_eq!(mails.lock().unwrap().len(), 2);
    assert!(worker(&db, port, &["--once"]).status().unwrap().success());
    assert_eq!(
        mails.lock().unwrap().len(),
        2,
        "a recorded message is never sent again"
    );
}

#[test]
fn a_worker_killed_mid_delivery_leaves_the_message_to_be_sent_again() {
    let db = FreshDb::migrated("killed");
    exec(
        &db.url,
        "update dues.setting set value = '2' where name = 'outbox_lease_seconds'",
    );
    enqueue(&db, 1, 0, "http://127.0.0.1:9/unused");
    let (port, mails, stall) = smtp_receiver();
    *stall.lock().unwrap() = 30;
    let mut w = worker(&db, port, &["--name", "doomed"]).spawn().unwrap();
    let started = Instant::now();
    while mails.lock().unwrap().is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the worker never sent"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // the receiver has the message; the worker waits for its 250 and dies
    w.kill().unwrap();
    w.wait().unwrap();
    assert_eq!(states(&db), "sending=1", "sent but not recorded");
    *stall.lock().unwrap() = 0;
    std::thread::sleep(Duration::from_millis(2100));
    assert!(worker(&db, port, &["--once", "--name", "heir"])
        .status()
        .unwrap()
        .success());
    assert_eq!(
        states(&db),
        "sent=1",
        "the lease ran out and another worker delivered it"
    );
    let mails = mails.lock().unwrap().clone();
    assert_eq!(
        mails.len(),
        2,
        "delivered again after the crash: at least once"
    );
    assert_eq!(
        mails[0].header("Message-ID"),
        mails[1].header("Message-ID"),
        "with the same Message-ID, so the receiver can tell"
    );
    assert!(worker(&db, port, &["--once"]).status().unwrap().success());
    assert_eq!(states(&db), "sent=1");
}

/// A webhook receiver that notes, for each delivery, how many connections the
/// worker's pool had out while the delivery was on its way; it answers only
/// when all `n` deliveries have arrived (so that no outcome is recorded meanwhile).
fn pool_watching_receiver(pool: dues::pool::Pool, n: usize) -> (String, Arc<Mutex<Vec<usize>>>) {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let seen: Arc<Mutex<Vec<usize>>> = Arc::default();
    let all_in = Arc::new(std::sync::Barrier::new(n));
    let noted = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten().take(n) {
            let (pool, noted, all_in) = (pool.clone(), noted.clone(), all_in.clone());
            std::thread::spawn(move || {
                let mut stream = stream;
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut length = 0;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    if line.to_ascii_lowercase().starts_with("content-length:") {
                        length = line[15..].trim().parse().unwrap_or(0);
                    }
                    if line == "\r\n" {
                        break;
                    }
                }
                let mut body = vec![0; length];
                let _ = reader.read_exact(&mut body);
                let status = pool.status();
                noted.lock().unwrap().push(status.size - status.available);
                all_in.wait();
                let _ = stream.write_all(
                    b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                );
            });
        }
    });
    (url, seen)
}

#[test]
fn no_connection_is_held_while_a_message_is_on_its_way() {
    let db = FreshDb::migrated("nohold");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let database = dues::Database::resolve(Some(&db.url), std::path::PathBuf::new()).unwrap();
        let one = dues::pool::PoolSettings {
            size: 1,
            ..Default::default()
        };
        let pool = dues::pool::pool(&database, &one).unwrap();
        let (url, seen) = pool_watching_receiver(pool.clone(), 3);
        enqueue(&db, 0, 3, &url);
        let carriers =
            dues::deliver::Carriers::new("smtp://127.0.0.1:9", Duration::from_secs(10)).unwrap();
        let settings = dues::worker::Settings {
            name: "nohold".into(),
            ..Default::default()
        };
        let round = dues::worker::round(&pool, &carriers, &settings)
            .await
            .unwrap();
        assert_eq!((round.sent, round.failed), (3, 0));
        assert_eq!(
            *seen.lock().unwrap(),
            vec![0, 0, 0],
            "connections the worker held while each delivery was on its way"
        );
    });
    assert_eq!(states(&db), "sent=3");
}
