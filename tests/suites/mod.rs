//! The reliability suites, shared by tests/reliability.rs (short runs, in
//! `cargo test`) and tests/soak.rs (the long runs, `--ignored`). Each suite
//! prints what it did (requests sent, faults injected, checks made) and ends
//! with one `== <suite>: PASS|FAIL` line.
#![allow(dead_code)]

use crate::common::*;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------
// Reporting

/// What a suite did and what it found; `finish` prints the verdict line and
/// fails the test when a check failed.
pub struct Report {
    name: String,
    started: Instant,
    checks: usize,
    failures: Vec<String>,
}

impl Report {
    pub fn new(name: &str) -> Report {
        println!("== {name}: start");
        Report {
            name: name.to_string(),
            started: Instant::now(),
            checks: 0,
            failures: Vec::new(),
        }
    }

    pub fn say(&self, msg: impl AsRef<str>) {
        println!(
            "[{} +{:5.1}s] {}",
            self.name,
            self.started.elapsed().as_secs_f64(),
            msg.as_ref()
        );
    }

    /// One named check; a failure is remembered with what was seen.
    pub fn check(&mut self, ok: bool, what: impl AsRef<str>) -> bool {
        self.checks += 1;
        self.say(format!(
            "check {}: {}",
            if ok { "ok    " } else { "FAILED" },
            what.as_ref()
        ));
        if !ok {
            self.failures.push(what.as_ref().to_string());
        }
        ok
    }

    pub fn finish(self) {
        let secs = self.started.elapsed().as_secs_f64();
        if self.failures.is_empty() {
            println!(
                "== {}: PASS ({} checks, {:.1}s)",
                self.name, self.checks, secs
            );
        } else {
            println!(
                "== {}: FAIL ({} of {} checks failed, {:.1}s)",
                self.name,
                self.failures.len(),
                self.checks,
                secs
            );
            panic!("{} failed: {:#?}", self.name, self.failures);
        }
    }
}

/// Counts of outcomes by label, printed sorted.
#[derive(Default, Debug, Clone)]
pub struct Tally(pub BTreeMap<String, usize>);

impl Tally {
    pub fn add(&mut self, label: impl Into<String>) {
        *self.0.entry(label.into()).or_insert(0) += 1;
    }
    pub fn merge(&mut self, other: &Tally) {
        for (k, v) in &other.0 {
            *self.0.entry(k.clone()).or_insert(0) += v;
        }
    }
    pub fn total(&self) -> usize {
        self.0.values().sum()
    }
    pub fn get(&self, label: &str) -> usize {
        self.0.get(label).copied().unwrap_or(0)
    }
}

impl std::fmt::Display for Tally {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self.0.iter().map(|(k, v)| format!("{k}: {v}")).collect();
        write!(f, "{}", parts.join(", "))
    }
}

/// A small deterministic random generator (xorshift64*), seeded per client.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

// ---------------------------------------------------------------------------
// A keep-alive HTTP/1.1 client

/// One client connection, reopened after any error.
pub struct Http {
    addr: String,
    stream: Option<BufReader<TcpStream>>,
    timeout: Duration,
}

impl Http {
    pub fn new(addr: &str, timeout: Duration) -> Http {
        Http {
            addr: addr.to_string(),
            stream: None,
            timeout,
        }
    }

    /// Points the client at another address (a restarted server).
    pub fn set_addr(&mut self, addr: &str) {
        if addr != self.addr {
            self.addr = addr.to_string();
            self.stream = None;
        }
    }

    pub fn send(
        &mut self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&str>,
        extra: &[(&str, &str)],
    ) -> std::io::Result<Reply> {
        let result = self.exchange(method, path, token, body, extra);
        if result.is_err() {
            self.stream = None;
        }
        result
    }

    pub fn post(
        &mut self,
        name: &str,
        token: &str,
        body: &str,
        extra: &[(&str, &str)],
    ) -> std::io::Result<Reply> {
        self.send(
            "POST",
            &format!("/rpc/{name}"),
            Some(token),
            Some(body),
            extra,
        )
    }

    fn exchange(
        &mut self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&str>,
        extra: &[(&str, &str)],
    ) -> std::io::Result<Reply> {
        if self.stream.is_none() {
            let sock: std::net::SocketAddr = self.addr.parse().map_err(|e| {
                std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("{e}"))
            })?;
            let s = TcpStream::connect_timeout(&sock, self.timeout)?;
            s.set_read_timeout(Some(self.timeout))?;
            s.set_write_timeout(Some(self.timeout))?;
            s.set_nodelay(true)?;
            self.stream = Some(BufReader::new(s));
        }
        let reader = self.stream.as_mut().unwrap();
        let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {}\r\n", self.addr);
        if let Some(t) = token {
            req.push_str(&format!("Authorization: Bearer {t}\r\n"));
        }
        for (k, v) in extra {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        match body {
            Some(b) => req.push_str(&format!(
                "Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{b}",
                b.len()
            )),
            None => req.push_str("\r\n"),
        }
        reader.get_mut().write_all(req.as_bytes())?;
        let mut status_line = String::new();
        if reader.read_line(&mut status_line)? == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "connection closed before an answer",
            ));
        }
        let status: u16 = status_line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| {
                std::io::Error::new(std::io::ErrorKind::InvalidData, status_line.clone())
            })?;
        let mut headers = Vec::new();
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line)? == 0 {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    "connection closed in the headers",
                ));
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((k, v)) = line.split_once(':') {
                headers.push((k.trim().to_string(), v.trim().to_string()));
            }
        }
        let length: usize = headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0);
        let mut body = vec![0; length];
        reader.read_exact(&mut body)?;
        let close = headers
            .iter()
            .any(|(k, v)| k.eq_ignore_ascii_case("connection") && v.eq_ignore_ascii_case("close"));
        if close {
            self.stream = None;
        }
        Ok(Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        })
    }
}

/// `status` or `status code` of an answer, for tallies.
pub fn outcome(r: &Reply) -> String {
    if r.status < 300 {
        return r.status.to_string();
    }
    let code = serde_json::from_str::<Value>(&r.body)
        .ok()
        .and_then(|v| v["code"].as_str().map(str::to_string))
        .unwrap_or_default();
    format!("{} {code}", r.status)
}

fn id_of(r: &Reply) -> Option<i64> {
    serde_json::from_str::<Value>(&r.body).ok()?["id"].as_i64()
}

/// Creates `n` members over HTTP as staff; their ids.
pub fn make_members(addr: &str, staff: &str, n: usize, tag: &str) -> Vec<i64> {
    (0..n)
        .map(|i| {
            let r = post(
                addr,
                "member_create",
                Some(staff),
                &format!(r#"{{"name":"{tag} {i}","email":"{tag}{i}@example.org"}}"#),
            );
            assert_eq!(r.status, 200, "member_create: {}", r.body);
            id_of(&r).expect("member id")
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Concurrency: clients paying for and confirming orders on shared members

#[derive(Default)]
struct RaceLog {
    sent: Tally,
    unexpected: Vec<String>,
    payments: Vec<(i64, i64)>, // (payment id, member)
    replays: usize,
    bad_replays: Vec<String>,
    requested: Vec<i64>,
    confirmed: Vec<i64>,
    closed: Vec<i64>,
    cancelled: Vec<i64>,
}

/// `clients` threads for `run_for` on `members` shared members: each asks for
/// orders (a class priced 10.00), registers payments of 10.00 (with an
/// Idempotency-Key and an external reference, some sent twice), confirms,
/// subscribes and cancels orders picked among the newest. Then every order
/// left open is driven to an end, and the database is checked.
pub fn concurrency(clients: usize, members: usize, run_for: Duration) {
    let s = Server::start_with("conc", &["--pool-size", "16"], None);
    concurrency_on(&s, std::slice::from_ref(&s.addr), clients, members, run_for);
}

/// The concurrency suite on the database of `s`, its clients spread over the
/// servers at `addrs` (client `c` talks to `addrs[c % n]` and sends its
/// replays of an Idempotency-Key to the next one; the drain and the balance
/// checks take the servers in turn).
pub fn concurrency_on(
    s: &Server,
    addrs: &[String],
    clients: usize,
    members: usize,
    run_for: Duration,
) {
    let mut report = Report::new("concurrency");
    let staff = s.token(&["--staff"]);
    let addr = addrs[0].clone();
    let server_of = |i: usize| addrs[i % addrs.len()].clone();
    let class = post(
        &addr,
        "class_create",
        Some(&staff),
        // packs of one session: a member may hold several at once (per_session allows overlaps), so its orders race
        // for its credit only
        r#"{"title":"Race","rule":"per_session","params":{"price_per_session":"10.00","min_sessions":1,"max_sessions":1}}"#,
    );
    assert_eq!(class.status, 200, "{}", class.body);
    let class = id_of(&class).unwrap();
    let member_ids = make_members(&addr, &staff, members, "racer");
    report.say(format!(
        "{clients} clients for {:.0}s on {members} members, class {class} priced 10.00, servers {}",
        run_for.as_secs_f64(),
        addrs.join(", ")
    ));

    let orders: Arc<Mutex<Vec<i64>>> = Arc::default();
    let started = Instant::now();
    let deadline = started + run_for;
    let handles: Vec<_> = (0..clients)
        .map(|c| {
            let (addr, staff, orders, member_ids) =
                (server_of(c), staff.clone(), orders.clone(), member_ids.clone());
            let next_addr = server_of(c + 1);
            std::thread::spawn(move || {
                let mut rng = Rng::new(c as u64 + 1);
                let mut http = Http::new(&addr, Duration::from_secs(30));
                // replays go to the next server: the stored answer is in the database
                let mut next = Http::new(&next_addr, Duration::from_secs(30));
                let mut log = RaceLog::default();
                let mut n = 0;
                while Instant::now() < deadline {
                    n += 1;
                    let member = member_ids[rng.below(member_ids.len())];
                    let pick = |rng: &mut Rng| {
                        let o = orders.lock().unwrap();
                        if o.is_empty() {
                            None
                        } else {
                            let window = o.len().min(40);
                            Some(o[o.len() - 1 - rng.below(window)])
                        }
                    };
                    let roll = rng.below(100);
                    let (function, body, key) = if roll < 20 {
                        (
                            "class_subscription_request",
                            format!(r#"{{"member_id":{member},"class_id":{class},"params":{{"sessions":1}}}}"#),
                            None,
                        )
                    } else if roll < 32 {
                        (
                            "register_payment",
                            format!(
                                r#"{{"member_id":{member},"amount":"10.00","method":"bank_transfer","external_ref":"race-{c}-{n}"}}"#
                            ),
                            Some(format!("race-{c}-{n}")),
                        )
                    } else {
                        let Some(order) = pick(&mut rng) else { continue };
                        let f = if roll < 67 {
                            "order_confirm"
                        } else if roll < 95 {
                            "class_subscription_confirm"
                        } else {
                            "order_cancel"
                        };
                        (f, format!(r#"{{"order_id":{order}}}"#), None)
                    };
                    let extra: Vec<(&str, &str)> = key
                        .as_deref()
                        .map(|k| vec![("Idempotency-Key", k)])
                        .unwrap_or_default();
                    let r = match http.post(function, &staff, &body, &extra) {
                        Ok(r) => r,
                        Err(e) => {
                            log.sent.add(format!("{function} io error"));
                            log.unexpected.push(format!("{function} {body}: {e}"));
                            continue;
                        }
                    };
                    let o = outcome(&r);
                    log.sent.add(format!("{function} {o}"));
                    let expected = matches!(
                        (function, o.as_str()),
                        (_, "200")
                            | ("order_confirm", "402 DU030")
                            | (
                                "order_confirm" | "class_subscription_confirm" | "order_cancel",
                                "409 DU031"
                            )
                    );
                    if !expected {
                        log.unexpected.push(format!("{function} {body}: {} {}", r.status, r.body));
                        continue;
                    }
                    if r.status != 200 {
                        continue;
                    }
                    let id = id_of(&r);
                    match function {
                        "class_subscription_request" => {
                            let id = id.expect("order id");
                            log.requested.push(id);
                            orders.lock().unwrap().push(id);
                        }
                        "register_payment" => {
                            log.payments.push((id.expect("payment id"), member));
                            if rng.chance(15) {
                                // the same request again: the first answer, replayed
                                let again = next.post(function, &staff, &body, &extra);
                                log.sent.add(format!("{function} (replay)"));
                                match again {
                                    Ok(a) if a.body == r.body && a.header("idempotency-replayed") == Some("true") => {
                                        log.replays += 1
                                    }
                                    other => log.bad_replays.push(format!("{other:?}")),
                                }
                            }
                        }
                        "order_confirm" => log.confirmed.push(id.expect("order id")),
                        "class_subscription_confirm" => {
                            let order: i64 = serde_json::from_str::<Value>(&body).unwrap()["order_id"]
                                .as_i64()
                                .unwrap();
                            log.closed.push(order)
                        }
                        "order_cancel" => log.cancelled.push(id.expect("order id")),
                        _ => {}
                    }
                }
                log
            })
        })
        .collect();

    let mut all = RaceLog::default();
    for h in handles {
        let log = h.join().expect("client thread");
        all.sent.merge(&log.sent);
        all.unexpected.extend(log.unexpected);
        all.payments.extend(log.payments);
        all.replays += log.replays;
        all.bad_replays.extend(log.bad_replays);
        all.requested.extend(log.requested);
        all.confirmed.extend(log.confirmed);
        all.closed.extend(log.closed);
        all.cancelled.extend(log.cancelled);
    }
    let took = started.elapsed().as_secs_f64();
    report.say(format!(
        "load done: {} requests in {took:.1}s ({:.0}/s)",
        all.sent.total(),
        all.sent.total() as f64 / took
    ));
    report.say(format!("answers: {}", all.sent));
    report.say(format!(
        "orders requested {}, confirmations {}, subscriptions {}, cancellations {}, payments {} ({} replayed with their key)",
        all.requested.len(),
        all.confirmed.len(),
        all.closed.len(),
        all.cancelled.len(),
        all.payments.len(),
        all.replays
    ));
    report.check(
        all.unexpected.is_empty(),
        format!(
            "only 200, 402 DU030 and 409 DU031 answers ({} others{})",
            all.unexpected.len(),
            all.unexpected
                .iter()
                .take(5)
                .map(|u| format!("; {u}"))
                .collect::<String>()
        ),
    );
    report.check(
        all.bad_replays.is_empty(),
        format!(
            "a payment sent again with its key replays the first answer ({} of {} replays differ)",
            all.bad_replays.len(),
            all.replays + all.bad_replays.len()
        ),
    );

    // every order still open or confirmed is driven to an end, one at a time
    let url = s.db.url.clone();
    let open: Vec<(i64, String)> = query(
        &url,
        "select id, state from dues.subscription_order where state in ('opened', 'confirmed') order by id",
    )
    .into_iter()
    .map(|r| (r[0].clone().unwrap().parse().unwrap(), r[1].clone().unwrap()))
    .collect();
    let mut drain = Tally::default();
    for (i, (order, state)) in open.iter().enumerate() {
        let addr = server_of(i);
        let body = format!(r#"{{"order_id":{order}}}"#);
        let mut confirmed = state == "confirmed";
        if !confirmed {
            let r = post(&addr, "order_confirm", Some(&staff), &body);
            drain.add(format!("order_confirm {}", outcome(&r)));
            confirmed = r.status == 200;
        }
        let f = if confirmed {
            "class_subscription_confirm"
        } else {
            "order_cancel"
        };
        let r = post(&addr, f, Some(&staff), &body);
        drain.add(format!("{f} {}", outcome(&r)));
        if r.status == 200 {
            if confirmed {
                all.closed.push(*order);
            } else {
                all.cancelled.push(*order);
            }
        } else {
            all.unexpected
                .push(format!("drain {f} {order}: {}", r.body));
        }
    }
    report.say(format!("drained {} orders left open: {drain}", open.len()));

    let states: HashMap<i64, String> = query(&url, "select id, state from dues.subscription_order")
        .into_iter()
        .map(|r| {
            (
                r[0].clone().unwrap().parse().unwrap(),
                r[1].clone().unwrap(),
            )
        })
        .collect();
    let requested: HashSet<i64> = all.requested.iter().copied().collect();
    report.check(
        states.len() == all.requested.len() && states.keys().all(|k| requested.contains(k)),
        format!(
            "every acknowledged order exists, and no other ({} in the database, {} acknowledged)",
            states.len(),
            all.requested.len()
        ),
    );
    let not_final: Vec<_> = states
        .iter()
        .filter(|(_, s)| s.as_str() != "closed" && s.as_str() != "cancelled")
        .collect();
    report.check(
        not_final.is_empty(),
        format!(
            "every order ends closed or cancelled ({} do not)",
            not_final.len()
        ),
    );
    let count = |v: &[i64]| {
        let mut m: HashMap<i64, usize> = HashMap::new();
        for o in v {
            *m.entry(*o).or_insert(0) += 1;
        }
        m
    };
    let closed = count(&all.closed);
    let cancelled = count(&all.cancelled);
    let twice_closed = closed.values().filter(|&&n| n > 1).count();
    let twice_cancelled = cancelled.values().filter(|&&n| n > 1).count();
    let both = closed.keys().filter(|o| cancelled.contains_key(o)).count();
    report.check(
        twice_closed == 0 && twice_cancelled == 0 && both == 0,
        format!(
            "no order subscribed twice ({twice_closed}), cancelled twice ({twice_cancelled}), or both ({both})"
        ),
    );
    let db_closed: HashSet<i64> = states
        .iter()
        .filter(|(_, s)| s.as_str() == "closed")
        .map(|(k, _)| *k)
        .collect();
    let acked_closed: HashSet<i64> = closed.keys().copied().collect();
    report.check(
        db_closed == acked_closed,
        format!(
            "the closed orders are exactly those acknowledged as subscribed ({} and {})",
            db_closed.len(),
            acked_closed.len()
        ),
    );
    let subs = query(
        &url,
        "select count(*) filter (where o.state = 'closed' and n <> 1), \
                count(*) filter (where o.state <> 'closed' and n <> 0) \
           from dues.subscription_order o \
           cross join lateral (select count(*) n from dues.class_subscription s where s.order_id = o.id) c",
    );
    report.check(
        subs[0][0].as_deref() == Some("0") && subs[0][1].as_deref() == Some("0"),
        format!(
            "each closed order has exactly one subscription, others none (wrong: {:?}, {:?})",
            subs[0][0], subs[0][1]
        ),
    );

    // money: every acknowledged payment exactly once; credit spent at most once
    let payments: HashMap<i64, i64> = query(&url, "select id, member_id from dues.payment")
        .into_iter()
        .map(|r| {
            (
                r[0].clone().unwrap().parse().unwrap(),
                r[1].clone().unwrap().parse().unwrap(),
            )
        })
        .collect();
    let acked: HashMap<i64, i64> = all.payments.iter().copied().collect();
    report.check(
        payments == acked && acked.len() == all.payments.len(),
        format!(
            "each acknowledged payment exists once, and no other ({} in the database, {} acknowledged)",
            payments.len(),
            all.payments.len()
        ),
    );
    let spent_by: HashMap<i64, i64> = query(
        &url,
        "select member_id, 10 * count(*) from dues.subscription_order where state = 'closed' group by member_id",
    )
    .into_iter()
    .map(|r| (r[0].clone().unwrap().parse().unwrap(), r[1].clone().unwrap().parse().unwrap()))
    .collect();
    let mut money_ok = true;
    let mut lines = Vec::new();
    for (i, m) in member_ids.iter().enumerate() {
        let addr = server_of(i);
        let paid = 10 * acked.values().filter(|x| *x == m).count() as i64;
        let spent = spent_by.get(m).copied().unwrap_or(0);
        let b = get(
            &addr,
            &format!("/rpc/member_balance?member_id={m}"),
            Some(&staff),
        );
        let v = b.json();
        let balance = v[0]["balance"].to_string();
        let reserved = v[0]["reserved"].to_string();
        let expect = format!("{}.00", paid - spent);
        let ok = b.status == 200 && balance == expect && reserved == "0.00" && paid >= spent;
        money_ok &= ok;
        lines.push(format!(
            "member {m}: paid {paid}, spent {spent}, balance {balance}"
        ));
    }
    report.say(lines.join("; "));
    report.check(
        money_ok,
        "per member: balance = payments - subscriptions, never negative, nothing reserved at the end",
    );
    let ledger = s.dues(&["call", "ledger_check"]);
    let ledger_text = String::from_utf8_lossy(&ledger.stdout).trim().to_string();
    report.check(
        ledger.status.success() && ledger_text == "[]",
        format!("`dues call ledger_check` is empty: {ledger_text}"),
    );
    report.finish();
}

// ---------------------------------------------------------------------------
// A write load that survives crashes: payments retried with their key

/// One payment a client must see acknowledged; (member, cents) is unique in a run.
#[derive(Clone, Debug)]
pub struct Payment {
    pub member: i64,
    pub cents: i64,
    pub key: String,
    pub external_ref: Option<String>,
}

impl Payment {
    pub fn amount(&self) -> String {
        format!("{}.{:02}", self.cents / 100, self.cents % 100)
    }
    fn body(&self) -> String {
        match &self.external_ref {
            Some(r) => format!(
                r#"{{"member_id":{},"amount":"{}","method":"bank_transfer","external_ref":"{r}"}}"#,
                self.member,
                self.amount()
            ),
            None => format!(
                r#"{{"member_id":{},"amount":"{}","method":"cash"}}"#,
                self.member,
                self.amount()
            ),
        }
    }
}

/// An answer seen by a load client: when, what, how long it took.
#[derive(Clone, Debug)]
pub struct Event {
    pub at: Duration,
    pub what: String,
    pub took: Duration,
}

#[derive(Default)]
pub struct PayLog {
    /// (payment, the id it was acknowledged with)
    pub acked: Vec<(Payment, i64)>,
    pub attempts: Tally,
    /// acknowledged on a retry with `Idempotency-Replayed: true`: the first
    /// attempt had committed but its answer was lost
    pub replayed_on_retry: usize,
    pub unexpected: Vec<String>,
    pub gave_up: Vec<Payment>,
    pub events: Vec<Event>,
}

/// A payment load: `clients` threads, each paying (one payment at a time,
/// unique amounts, every other one with an external reference, all with an
/// Idempotency-Key) until `stop`, retrying a payment with the same key after
/// a connection error or a 503 until it is acknowledged (or `give_up` passes).
pub struct PayLoad {
    pub addr: Arc<RwLock<String>>,
    pub stop: Arc<AtomicBool>,
    /// acknowledged payments so far: (key, id)
    pub acked: Arc<Mutex<Vec<(String, i64)>>>,
    pub started: Instant,
    handles: Vec<std::thread::JoinHandle<PayLog>>,
}

impl PayLoad {
    pub fn start(
        addr: &str,
        token: &str,
        members: &[i64],
        clients: usize,
        give_up: Duration,
        tag: &str,
    ) -> PayLoad {
        let addr = Arc::new(RwLock::new(addr.to_string()));
        let stop = Arc::new(AtomicBool::new(false));
        let acked: Arc<Mutex<Vec<(String, i64)>>> = Arc::default();
        let started = Instant::now();
        let handles = (0..clients)
            .map(|c| {
                let (addr, stop, acked, token, members, tag) = (
                    addr.clone(),
                    stop.clone(),
                    acked.clone(),
                    token.to_string(),
                    members.to_vec(),
                    tag.to_string(),
                );
                std::thread::spawn(move || {
                    let mut log = PayLog::default();
                    let mut http = Http::new(&addr.read().unwrap(), Duration::from_secs(20));
                    let mut j = 0i64;
                    while !stop.load(Ordering::Relaxed) {
                        let p = Payment {
                            member: members[(c * 7 + j as usize) % members.len()],
                            cents: 100 + c as i64 * 1_000_000 + j,
                            key: format!("{tag}-{c}-{j}"),
                            external_ref: (j % 2 == 0).then(|| format!("{tag}-ref-{c}-{j}")),
                        };
                        j += 1;
                        let body = p.body();
                        let mut tries = 0;
                        loop {
                            if started.elapsed() > give_up {
                                log.gave_up.push(p.clone());
                                break;
                            }
                            tries += 1;
                            http.set_addr(&addr.read().unwrap());
                            let t0 = Instant::now();
                            let r = http.post(
                                "register_payment",
                                &token,
                                &body,
                                &[("Idempotency-Key", &p.key)],
                            );
                            let what = match &r {
                                Ok(r) if r.header("idempotency-replayed") == Some("true") => {
                                    format!("{} replayed", outcome(r))
                                }
                                Ok(r) => outcome(r),
                                Err(_) => "connection error".to_string(),
                            };
                            log.attempts.add(what.clone());
                            log.events.push(Event {
                                at: t0 - started,
                                what,
                                took: t0.elapsed(),
                            });
                            match r {
                                Ok(r) if r.status == 200 => {
                                    let id = id_of(&r).expect("payment id");
                                    if r.header("idempotency-replayed") == Some("true") {
                                        if tries > 1 {
                                            log.replayed_on_retry += 1;
                                        } else {
                                            log.unexpected
                                                .push(format!("first try replayed: {p:?}"));
                                        }
                                    }
                                    acked.lock().unwrap().push((p.key.clone(), id));
                                    log.acked.push((p.clone(), id));
                                    break;
                                }
                                Ok(r) if r.status == 503 => {
                                    std::thread::sleep(Duration::from_millis(50))
                                }
                                Ok(r) => {
                                    log.unexpected
                                        .push(format!("{p:?}: {} {}", r.status, r.body));
                                    break;
                                }
                                Err(_) => std::thread::sleep(Duration::from_millis(50)),
                            }
                        }
                    }
                    log
                })
            })
            .collect();
        PayLoad {
            addr,
            stop,
            acked,
            started,
            handles,
        }
    }

    pub fn set_addr(&self, addr: &str) {
        *self.addr.write().unwrap() = addr.to_string();
    }

    /// Stops taking new payments, waits for the ones in progress.
    pub fn finish(self) -> PayLog {
        self.stop.store(true, Ordering::Relaxed);
        let mut all = PayLog::default();
        for h in self.handles {
            let log = h.join().expect("load client");
            all.acked.extend(log.acked);
            all.attempts.merge(&log.attempts);
            all.replayed_on_retry += log.replayed_on_retry;
            all.unexpected.extend(log.unexpected);
            all.gave_up.extend(log.gave_up);
            all.events.extend(log.events);
        }
        all.events.sort_by_key(|e| e.at);
        all
    }
}

/// Waits until no client backend but ours is connected to the database at
/// `url` (a killed server's transactions have ended); false after `limit`.
pub fn wait_for_no_sessions(url: &str, limit: Duration) -> bool {
    let started = Instant::now();
    while started.elapsed() < limit {
        let n = query_value(
            url,
            "select count(*) from pg_stat_activity \
              where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend'",
        );
        if n == "0" {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

/// With no server running: nothing of a payment is half-written. Every
/// claimed idempotency key has its answer; payments and stored answers match
/// one to one; every payment has its ledger transaction; the ledger checks
/// out; every payment acknowledged so far is there.
pub fn check_nothing_half_written(
    report: &mut Report,
    url: &str,
    acked: &[(String, i64)],
    tag: &str,
) {
    let unanswered = query_value(
        url,
        "select count(*) from dues.idempotency where status is null",
    );
    let counts = query(
        url,
        &format!(
            "select (select count(*) from dues.payment), \
                    (select count(*) from dues.idempotency where key like '{tag}-%'), \
                    (select count(*) from dues.idempotency i join dues.payment p on p.id = (i.body::jsonb ->> 'id')::bigint \
                      where i.key like '{tag}-%'), \
                    (select count(*) from dues.payment p \
                      where not exists (select from dues.ledger_transaction t where t.id = p.ledger_transaction_id)), \
                    (select count(*) from api.ledger_check())"
        ),
    );
    let c: Vec<String> = counts[0]
        .iter()
        .map(|v| v.clone().unwrap_or_default())
        .collect();
    let ids: HashSet<i64> = query(url, "select id from dues.payment")
        .into_iter()
        .map(|r| r[0].clone().unwrap().parse().unwrap())
        .collect();
    let missing = acked.iter().filter(|(_, id)| !ids.contains(id)).count();
    report.check(
        unanswered == "0" && c[0] == c[1] && c[1] == c[2] && c[3] == "0" && c[4] == "0" && missing == 0,
        format!(
            "nothing half-written: {} payments, {} stored answers ({} matching a payment), {unanswered} keys without an answer, \
             {} payments without a ledger transaction, {} ledger_check rows; {} acknowledged so far, {missing} missing",
            c[0], c[1], c[2], c[3], c[4], acked.len()
        ),
    );
}

/// After a load: every payment acknowledged, exactly once, with the id it was
/// acknowledged with; balances add up; the ledger checks out.
pub fn check_payments(
    report: &mut Report,
    url: &str,
    addr: &str,
    staff: &str,
    members: &[i64],
    log: &PayLog,
) {
    report.check(
        log.unexpected.is_empty(),
        format!(
            "no unexpected answer ({}{})",
            log.unexpected.len(),
            log.unexpected
                .iter()
                .take(5)
                .map(|u| format!("; {u}"))
                .collect::<String>()
        ),
    );
    report.check(
        log.gave_up.is_empty(),
        format!(
            "every payment was acknowledged in the end ({} never were)",
            log.gave_up.len()
        ),
    );
    let rows: HashMap<i64, (i64, String)> =
        query(url, "select id, member_id, amount::text from dues.payment")
            .into_iter()
            .map(|r| {
                (
                    r[0].clone().unwrap().parse().unwrap(),
                    (
                        r[1].clone().unwrap().parse().unwrap(),
                        r[2].clone().unwrap(),
                    ),
                )
            })
            .collect();
    let wrong: Vec<String> = log
        .acked
        .iter()
        .filter(|(p, id)| rows.get(id) != Some(&(p.member, p.amount())))
        .map(|(p, id)| format!("{p:?} acknowledged as {id}: {:?}", rows.get(id)))
        .collect();
    let distinct: HashSet<i64> = log.acked.iter().map(|(_, id)| *id).collect();
    report.check(
        wrong.is_empty() && rows.len() == log.acked.len() && distinct.len() == log.acked.len(),
        format!(
            "each acknowledged payment exists exactly once with its member and amount ({} acknowledged, {} in the database, {} wrong{})",
            log.acked.len(),
            rows.len(),
            wrong.len(),
            wrong.iter().take(3).map(|w| format!("; {w}")).collect::<String>()
        ),
    );
    let dup = query_value(
        url,
        "select count(*) from (select member_id, amount from dues.payment group by 1, 2 having count(*) > 1) d",
    );
    report.check(
        dup == "0",
        format!("no payment registered twice ({dup} duplicated)"),
    );
    let mut bad = Vec::new();
    for m in members {
        let cents: i64 = log
            .acked
            .iter()
            .filter(|(p, _)| p.member == *m)
            .map(|(p, _)| p.cents)
            .sum();
        let expect = format!("{}.{:02}", cents / 100, cents % 100);
        let b = get(
            addr,
            &format!("/rpc/member_balance?member_id={m}"),
            Some(staff),
        );
        let got = if b.status == 200 {
            b.json()[0]["balance"].to_string()
        } else {
            b.body.clone()
        };
        if got != expect {
            bad.push(format!("member {m}: {got}, expected {expect}"));
        }
    }
    report.check(
        bad.is_empty(),
        format!("each member's balance is the sum of its acknowledged payments {bad:?}"),
    );
    let problems = query_value(url, "select count(*) from api.ledger_check()");
    report.check(
        problems == "0",
        format!("api.ledger_check() is empty ({problems} rows)"),
    );
}

// ---------------------------------------------------------------------------
// Crash of dues

/// `kill -9` of `dues serve` `kills` times, every `interval`, under a payment
/// load of `clients` clients that retry with their Idempotency-Key; after
/// each kill (no server running) nothing is half-written; a new serve process
/// on the same database takes over; in the end every payment exists once.
pub fn crash_of_dues(clients: usize, kills: usize, interval: Duration) {
    let mut report = Report::new("crash of dues");
    let mut s = Server::start("crashdues");
    let staff = s.token(&["--staff"]);
    let members = make_members(&s.addr, &staff, 10, "payer");
    let url = s.db.url.clone();
    // one staff caller sends every payment with a key of its own: on a fast machine that is more than the
    // 1 000 live keys a caller may hold by default (a limit of its own, tested in reliability.rs)
    exec(
        &url,
        "update dues.setting set value = '1000000' where name = 'idempotency_max_keys'",
    );
    report.say(format!(
        "{clients} clients paying with Idempotency-Keys; {kills} x kill -9 of dues serve, every {:.1}s",
        interval.as_secs_f64()
    ));
    let load = PayLoad::start(
        &s.addr,
        &staff,
        &members,
        clients,
        Duration::from_secs(20 + 3 * kills as u64 + interval.as_secs() * kills as u64 * 2),
        "pay",
    );
    let mut downtime = Duration::ZERO;
    for k in 1..=kills {
        std::thread::sleep(interval);
        let pid = s.child.as_ref().map(|c| c.id()).unwrap_or(0);
        let t = Instant::now();
        s.kill9();
        let acked_at_kill = load.acked.lock().unwrap().len();
        report.say(format!("kill {k}: SIGKILL to dues serve (pid {pid}) after {acked_at_kill} acknowledged payments"));
        let quiet = wait_for_no_sessions(&url, Duration::from_secs(15));
        report.check(quiet, "the killed server's database sessions ended");
        let acked = load.acked.lock().unwrap().clone();
        check_nothing_half_written(&mut report, &url, &acked, "pay");
        s.restart(&[]);
        load.set_addr(&s.addr);
        downtime += t.elapsed();
        report.say(format!(
            "kill {k}: new dues serve (pid {}) on {} after {:.2}s down",
            s.child.as_ref().map(|c| c.id()).unwrap_or(0),
            s.addr,
            t.elapsed().as_secs_f64()
        ));
    }
    std::thread::sleep(interval);
    let log = load.finish();
    report.say(format!(
        "load done: {} attempts ({}), {} payments acknowledged, {} acknowledged only on a retry as a replay \
         (committed before the kill, answer lost), {:.1}s without a server",
        log.attempts.total(),
        log.attempts,
        log.acked.len(),
        log.replayed_on_retry,
        downtime.as_secs_f64()
    ));
    check_payments(&mut report, &url, &s.addr, &staff, &members, &log);
    let ledger = s.dues(&["call", "ledger_check"]);
    report.check(
        String::from_utf8_lossy(&ledger.stdout).trim() == "[]",
        "`dues call ledger_check` is empty",
    );
    report.finish();
}

// ---------------------------------------------------------------------------
// Crash of PostgreSQL

/// An embedded cluster of its own under target/tmp, for a test that stops it
/// the hard way; stopped and removed when dropped. Never the shared one.
pub struct PrivateCluster {
    pub home: PathBuf,
    pub cluster: PathBuf,
    pub data: PathBuf,
    pub bindir: PathBuf,
    pub url: String,
}

fn dues_home(home: &Path, args: &[&str]) -> std::process::Output {
    dues()
        .env_remove("DATABASE_URL")
        .arg("--home")
        .arg(home)
        .args(args)
        .output()
        .expect("run dues")
}

impl PrivateCluster {
    pub fn start(tag: &str) -> PrivateCluster {
        let home = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&home);
        let out = dues_home(&home, &["db", "start"]);
        assert!(out.status.success(), "dues db start: {}", text(&out));
        let status = text(&dues_home(&home, &["db", "status"]));
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .map(|v| v.split_whitespace().next().unwrap_or("").to_string())
                .unwrap_or_else(|| panic!("no {name} in {status}"))
        };
        let cluster = PathBuf::from(field("cluster:"));
        let bindir = PathBuf::from(field("programs:"));
        let url = String::from_utf8_lossy(&dues_home(&home, &["db", "url"]).stdout)
            .trim()
            .to_string();
        assert!(
            cluster.starts_with(env!("CARGO_TARGET_TMPDIR"))
                || cluster.starts_with("/tmp")
                || cluster.starts_with("/var"),
            "{status}"
        );
        assert_ne!(
            cluster,
            test_home().join("pg"),
            "never the shared test cluster"
        );
        PrivateCluster {
            data: cluster.join("data"),
            home,
            cluster,
            bindir,
            url,
        }
    }

    /// `pg_ctl stop -m immediate`: no shutdown checkpoint, crash recovery at
    /// the next start; run as the cluster's owner when we are root.
    pub fn crash(&self) {
        use std::os::unix::fs::MetadataExt;
        let owner = std::fs::metadata(&self.data).expect("data folder").uid();
        let me = nix::unistd::getuid().as_raw();
        let pg_ctl = self.bindir.join("pg_ctl");
        let mut cmd = if owner != me && me == 0 {
            let user = std::env::var("DUES_PG_USER").unwrap_or_else(|_| "postgres".into());
            let mut c = std::process::Command::new("runuser");
            c.args(["-u", &user, "--"]).arg(&pg_ctl);
            c
        } else {
            std::process::Command::new(&pg_ctl)
        };
        let out = cmd
            .arg("-D")
            .arg(&self.data)
            .args(["-m", "immediate", "-w", "stop"])
            .current_dir(&self.cluster)
            .output()
            .expect("pg_ctl");
        assert!(
            out.status.success(),
            "pg_ctl stop -m immediate: {}",
            text(&out)
        );
    }

    /// `dues --home H db start`.
    pub fn restart(&self) {
        let out = dues_home(&self.home, &["db", "start"]);
        assert!(out.status.success(), "dues db start: {}", text(&out));
    }
}

impl Drop for PrivateCluster {
    fn drop(&mut self) {
        let _ = dues_home(&self.home, &["db", "stop"]);
        let _ = std::fs::remove_dir_all(&self.cluster);
        let _ = std::fs::remove_dir_all(&self.home);
    }
}

/// Stops a child process when dropped.
pub struct Reap(pub std::process::Child);

impl Drop for Reap {
    fn drop(&mut self) {
        let _ = nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(self.0.id() as i32),
            nix::sys::signal::Signal::SIGTERM,
        );
        let _ = self.0.wait();
    }
}

/// `outages` immediate-mode stops of PostgreSQL, each `down_for` long, under
/// a payment load and a reader: while the database is down dues answers 503
/// (promptly, never 500), it recovers by itself without a restart, and every
/// payment it acknowledged is there exactly once.
pub fn crash_of_postgres(clients: usize, outages: usize, down_for: Duration) {
    let mut report = Report::new("crash of PostgreSQL");
    let pg = PrivateCluster::start("pgcrash");
    report.say(format!(
        "private cluster {} (data {})",
        pg.home.display(),
        pg.data.display()
    ));
    let url = pg.url.clone();
    let out = dues()
        .env("DATABASE_URL", &url)
        .arg("migrate")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let log_path = pg.home.join("serve.log");
    let (child, addr) = spawn_serve(&url, &["--pool-wait", "2"], &log_path, None);
    let mut serve = Reap(child);
    let serve_pid = serve.0.id();
    let out = dues()
        .env("DATABASE_URL", &url)
        .args(["token", "create", "--staff"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let staff = serde_json::from_slice::<Value>(&out.stdout).unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();
    let members = make_members(&addr, &staff, 5, "crash");
    // as in crash_of_dues: one caller's keys, more than the default limit on a fast machine
    exec(
        &url,
        "update dues.setting set value = '1000000' where name = 'idempotency_max_keys'",
    );
    report.say(format!(
        "dues serve pid {serve_pid} on {addr}; {clients} paying clients and 1 reader (GET /health, GET member_balance)"
    ));

    let load = PayLoad::start(
        &addr,
        &staff,
        &members,
        clients,
        Duration::from_secs(60),
        "pgpay",
    );
    let started = load.started;
    let stop = Arc::new(AtomicBool::new(false));
    let reader = {
        let (addr, staff, stop, member) = (addr.clone(), staff.clone(), stop.clone(), members[0]);
        std::thread::spawn(move || {
            let mut http = Http::new(&addr, Duration::from_secs(20));
            let mut events = Vec::new();
            let mut tally = Tally::default();
            let mut i = 0;
            while !stop.load(Ordering::Relaxed) {
                i += 1;
                let path = if i % 2 == 0 {
                    "/health".to_string()
                } else {
                    format!("/rpc/member_balance?member_id={member}")
                };
                let t0 = Instant::now();
                let what = match http.send("GET", &path, Some(&staff), None, &[]) {
                    Ok(r) => outcome(&r),
                    Err(_) => "connection error".into(),
                };
                tally.add(format!("GET {} {what}", path.split('?').next().unwrap()));
                events.push(Event {
                    at: t0 - started,
                    what,
                    took: t0.elapsed(),
                });
                std::thread::sleep(Duration::from_millis(20));
            }
            (events, tally)
        })
    };

    let mut windows = Vec::new(); // (down from, down until) relative to the load's start
    let mut recoveries = Vec::new();
    for k in 1..=outages {
        std::thread::sleep(Duration::from_millis(1500));
        let t_stop = started.elapsed();
        pg.crash();
        let t_down = started.elapsed();
        report.say(format!(
            "outage {k}: pg_ctl stop -m immediate ({:.2}s); down for {:.1}s",
            (t_down - t_stop).as_secs_f64(),
            down_for.as_secs_f64()
        ));
        let h = get(&addr, "/health", None);
        report.check(
            h.status == 503,
            format!(
                "outage {k}: GET /health answers {} while PostgreSQL is down",
                h.status
            ),
        );
        std::thread::sleep(down_for);
        let t_start = started.elapsed();
        windows.push((t_down, t_start));
        pg.restart();
        let t_up = started.elapsed();
        // dues recovers by itself: the first 200 after PostgreSQL is back
        let mut recovered = None;
        while started.elapsed() < t_up + Duration::from_secs(30) {
            if try_raw(
                &addr,
                &request_bytes(&addr, "GET", "/health", None, None, &[]),
                Duration::from_secs(5),
            )
            .map(|r| r.status == 200)
            .unwrap_or(false)
            {
                recovered = Some(started.elapsed() - t_up);
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        report.say(format!(
            "outage {k}: dues db start took {:.2}s (crash recovery); dues answered 200 again {}",
            (t_up - t_start).as_secs_f64(),
            recovered
                .map(|d| format!("{:.2}s later", d.as_secs_f64()))
                .unwrap_or("never".into())
        ));
        report.check(
            recovered.is_some_and(|d| d < Duration::from_secs(15)),
            format!("outage {k}: dues serves again within 15s of PostgreSQL's restart, by itself"),
        );
        recoveries.push(recovered);
    }
    std::thread::sleep(Duration::from_millis(1500));
    stop.store(true, Ordering::Relaxed);
    let log = load.finish();
    let (reads, read_tally) = reader.join().unwrap();
    report.check(
        serve.0.try_wait().map(|s| s.is_none()).unwrap_or(false),
        format!("the same dues serve process (pid {serve_pid}) ran throughout: no restart"),
    );
    report.say(format!(
        "payments: {} attempts ({})",
        log.attempts.total(),
        log.attempts
    ));
    report.say(format!("reads: {} ({read_tally})", reads.len()));

    // while down: 503 and only 503, promptly
    let all: Vec<&Event> = log.events.iter().chain(reads.iter()).collect();
    let margin = Duration::from_millis(300);
    let during: Vec<&&Event> = all
        .iter()
        .filter(|e| {
            windows
                .iter()
                .any(|(a, b)| e.at >= *a + margin && e.at + e.took <= *b)
        })
        .collect();
    let not_503: Vec<String> = during
        .iter()
        .filter(|e| !e.what.starts_with("503"))
        .map(|e| format!("{:.2}s {}", e.at.as_secs_f64(), e.what))
        .collect();
    let slowest = during.iter().map(|e| e.took).max().unwrap_or_default();
    report.check(
        !during.is_empty() && not_503.is_empty(),
        format!(
            "while PostgreSQL was down, every answer was 503 ({} answers, {} others{})",
            during.len(),
            not_503.len(),
            not_503
                .iter()
                .take(5)
                .map(|u| format!("; {u}"))
                .collect::<String>()
        ),
    );
    report.check(
        slowest < Duration::from_secs(3),
        format!(
            "503s came promptly: slowest {:.0} ms",
            slowest.as_secs_f64() * 1000.0
        ),
    );
    let bad: Vec<String> = all
        .iter()
        .filter(|e| !(e.what.starts_with("200") || e.what.starts_with("503")))
        .map(|e| format!("{:.2}s {}", e.at.as_secs_f64(), e.what))
        .collect();
    report.check(
        bad.is_empty(),
        format!(
            "no answer but 200 and 503 at any time, no dropped connection ({} others{})",
            bad.len(),
            bad.iter()
                .take(5)
                .map(|u| format!("; {u}"))
                .collect::<String>()
        ),
    );
    report.say(format!(
        "{} payments acknowledged, {} acknowledged only on a retry as a replay",
        log.acked.len(),
        log.replayed_on_retry
    ));
    check_payments(&mut report, &url, &addr, &staff, &members, &log);
    drop(serve);
    report.finish();
}

// ---------------------------------------------------------------------------
// Hostile input

/// A digest of every row of every table of the application's schemas: equal
/// digests, unchanged data.
pub fn fingerprint(url: &str) -> BTreeMap<String, String> {
    let tables: Vec<String> = query(
        url,
        "select format('%I.%I', schemaname, tablename) from pg_tables \
          where schemaname not in ('pg_catalog', 'information_schema') order by 1",
    )
    .into_iter()
    .filter_map(|r| r[0].clone())
    .collect();
    let sql = tables
        .iter()
        .map(|t| {
            format!(
                "select '{}', count(*)::text || ' ' || coalesce(sum(hashtext(x::text)::bigint), 0)::text from {t} x",
                t.replace('\'', "''")
            )
        })
        .collect::<Vec<_>>()
        .join(" union all ");
    query(url, &sql)
        .into_iter()
        .map(|r| (r[0].clone().unwrap(), r[1].clone().unwrap()))
        .collect()
}

/// The tables whose digest differs.
pub fn changed(a: &BTreeMap<String, String>, b: &BTreeMap<String, String>) -> Vec<String> {
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .cloned()
        .collect()
}

/// Sends `first` at once (may be empty), then `slow` one byte a second,
/// until the server closes the connection or `limit` passes. Returns how long
/// after the first slow byte the server closed it (None: it never did) and
/// the status of what the server answered before closing, if anything.
pub fn dribble(
    addr: &str,
    first: &[u8],
    slow: &[u8],
    limit: Duration,
) -> (Option<Duration>, Option<u16>) {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_nodelay(true).unwrap();
    if !first.is_empty() {
        s.write_all(first).unwrap();
        // the whole first answer (keep-alive: Content-Length tells its end)
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut reader = BufReader::new(s.try_clone().unwrap());
        let mut length = 0;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return (Some(Duration::ZERO), None);
            }
            if line.to_ascii_lowercase().starts_with("content-length:") {
                length = line[15..].trim().parse().unwrap_or(0);
            }
            if line == "\r\n" {
                break;
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
    }
    dribble_stream(s, slow, limit)
}

/// [`dribble`] on a connection already open.
pub fn dribble_stream(
    mut s: TcpStream,
    slow: &[u8],
    limit: Duration,
) -> (Option<Duration>, Option<u16>) {
    let mut answer = Vec::new();
    let started = Instant::now();
    s.set_read_timeout(Some(Duration::from_secs(1))).unwrap();
    let mut i = 0;
    while started.elapsed() < limit {
        if i < slow.len() {
            if s.write_all(&slow[i..i + 1]).is_err() {
                break;
            }
            i += 1;
        }
        let mut buf = [0u8; 4096];
        match s.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => answer.extend_from_slice(&buf[..n]),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(_) => break,
        }
    }
    let closed = (started.elapsed() < limit).then(|| started.elapsed());
    let status = (!answer.is_empty()).then(|| parse_reply(&answer).status);
    (closed, status)
}

/// Open file descriptors of a process.
pub fn open_files(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|d| d.count())
        .unwrap_or(0)
}

/// One connection kept open for many queries (the fingerprint of every
/// request of a generated run).
pub struct Db {
    rt: tokio::runtime::Runtime,
    client: tokio_postgres::Client,
}

impl Db {
    pub fn connect(url: &str) -> Db {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let client = rt.block_on(async {
            let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls)
                .await
                .unwrap_or_else(|e| panic!("connect {url}: {e}"));
            tokio::spawn(async move {
                let _ = conn.await;
            });
            client
        });
        Db { rt, client }
    }

    pub fn query(&self, sql: &str) -> Vec<Vec<Option<String>>> {
        self.rt.block_on(async {
            self.client
                .simple_query(sql)
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"))
                .into_iter()
                .filter_map(|m| match m {
                    tokio_postgres::SimpleQueryMessage::Row(r) => {
                        Some((0..r.len()).map(|i| r.get(i).map(str::to_string)).collect())
                    }
                    _ => None,
                })
                .collect()
        })
    }

    /// Like [`fingerprint`], on this connection.
    pub fn fingerprint(&self) -> BTreeMap<String, String> {
        let tables: Vec<String> = self
            .query(
                "select format('%I.%I', schemaname, tablename) from pg_tables \
                  where schemaname not in ('pg_catalog', 'information_schema') order by 1",
            )
            .into_iter()
            .filter_map(|r| r[0].clone())
            .collect();
        let sql = tables
            .iter()
            .map(|t| {
                format!(
                    "select '{}', count(*)::text || ' ' || coalesce(sum(hashtext(x::text)::bigint), 0)::text from {t} x",
                    t.replace('\'', "''")
                )
            })
            .collect::<Vec<_>>()
            .join(" union all ");
        self.query(&sql)
            .into_iter()
            .map(|r| (r[0].clone().unwrap(), r[1].clone().unwrap()))
            .collect()
    }
}

/// Raises this process's soft limit of open files to its hard limit (a
/// thousand client sockets do not fit in the common default of 1 024).
pub fn raise_own_open_files_limit() -> u64 {
    use nix::sys::resource::{getrlimit, setrlimit, Resource, RLIM_INFINITY};
    let Ok((soft, hard)) = getrlimit(Resource::RLIMIT_NOFILE) else {
        return 0;
    };
    let want = if hard == RLIM_INFINITY {
        soft.max(1 << 20)
    } else {
        hard
    };
    if soft < want && setrlimit(Resource::RLIMIT_NOFILE, want, hard).is_ok() {
        return want;
    }
    soft
}
