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

/// One hostile request: what it is, its bytes, the statuses it may get.
struct Case {
    what: String,
    bytes: Vec<u8>,
    expect: &'static [u16],
}

fn case(what: impl Into<String>, bytes: Vec<u8>, expect: &'static [u16]) -> Case {
    Case {
        what: what.into(),
        bytes,
        expect,
    }
}

/// A POST to /rpc/{name} with raw body bytes.
fn post_bytes(addr: &str, path: &str, token: &str, body: &[u8]) -> Vec<u8> {
    let mut req = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    req.extend_from_slice(body);
    req
}

#[test]
fn hostile_input_is_refused_and_changes_nothing() {
    let mut report = suites::Report::new("hostile input");
    let s = common::Server::start("hostile");
    let a = s.addr.clone();
    let staff = s.token(&["--staff"]);
    let members = suites::make_members(&a, &staff, 2, "target");
    let (ann, bob) = (members[0], members[1]);
    let ann_token = s.token(&["--member", &ann.to_string()]);
    let _ = bob;
    let class = common::post(
        &a,
        "class_create",
        Some(&staff),
        r#"{"title":"Pottery","rule":"single_payment","params":{"price":"25.00"}}"#,
    );
    assert_eq!(class.status, 200, "{}", class.body);
    let before = suites::fingerprint(&s.db.url);

    let p = |path: &str, body: &str| post_bytes(&a, path, &staff, body.as_bytes());
    let pb = |path: &str, body: &[u8]| post_bytes(&a, path, &staff, body);
    let g = |path: &str| common::request_bytes(&a, "GET", path, Some(&staff), None, &[]);
    const E400: &[u16] = &[400];
    const E404: &[u16] = &[404];
    const E4XX: &[u16] = &[400, 404, 405, 409, 413, 414, 415, 422, 431];
    let pay = |amount: &str| format!(r#"{{"member_id":{ann},"amount":{amount},"method":"cash"}}"#);
    let cases = vec![
        // SQL in function names
        case(
            "function name with a statement after it",
            p("/rpc/member_create;drop%20table%20dues.member", "{}"),
            E404,
        ),
        case(
            "function name closing the identifier",
            p(
                "/rpc/member_create%22()%3Bdrop%20table%20dues.member%3B--",
                "{}",
            ),
            E404,
        ),
        case(
            "quoted function name with pg_sleep",
            p("/rpc/%27%3Bselect%20pg_sleep(20)%3B--", "{}"),
            E404,
        ),
        case(
            "schema-qualified api function",
            p(
                "/rpc/api.member_create",
                r#"{"name":"x","email":"q@example.org"}"#,
            ),
            E404,
        ),
        case(
            "schema-qualified private function",
            p("/rpc/dues.member_lock", r#"{"member_id":1}"#),
            E404,
        ),
        case(
            "a PostgreSQL function",
            p("/rpc/pg_sleep", r#"{"seconds":20}"#),
            E404,
        ),
        case(
            "pg_catalog function",
            p("/rpc/pg_catalog.pg_terminate_backend", r#"{"pid":1}"#),
            E404,
        ),
        case(
            "function name with a NUL",
            p("/rpc/member_create%00", "{}"),
            E404,
        ),
        case("empty function name", p("/rpc/", "{}"), E404),
        case(
            "dot segments",
            p(
                "/rpc/../rpc/member_create",
                r#"{"name":"x","email":"dots@example.org"}"#,
            ),
            E404,
        ),
        case(
            "GET of a function name with SQL",
            g("/rpc/member_balance%28%29%20union%20select%201--?member_id=1"),
            E404,
        ),
        // SQL in argument names
        case(
            "argument name with a statement",
            p(
                "/rpc/member_create",
                r#"{"name":"x","email":"a1@example.org","x\") => 1; drop table dues.member; --":1}"#,
            ),
            E400,
        ),
        case(
            "argument name with quotes",
            p(
                "/rpc/member_create",
                r#"{"name' => null, 'email":"x","name":"x","email":"a2@example.org"}"#,
            ),
            E400,
        ),
        case(
            "query argument name with SQL",
            g(&format!(
                "/rpc/member_balance?member_id={ann}&member_id%27%29%3Bdrop%20table%20x%3B--=1"
            )),
            E400,
        ),
        case(
            "argument given twice in a query",
            g(&format!("/rpc/member_balance?member_id={ann}&member_id=2")),
            E400,
        ),
        // huge and deeply nested JSON
        case(
            "a body over the 1 MiB limit",
            p(
                "/rpc/member_create",
                &format!(
                    r#"{{"name":"{}","email":"big@example.org"}}"#,
                    "x".repeat(1 << 20)
                ),
            ),
            &[413],
        ),
        case(
            "a Content-Length of 10 GB",
            {
                format!("POST /rpc/member_create HTTP/1.1\r\nHost: {a}\r\nConnection: close\r\nAuthorization: Bearer {staff}\r\nContent-Type: application/json\r\nContent-Length: 10000000000\r\n\r\n{{}}").into_bytes()
            },
            &[413],
        ),
        case(
            "a chunked body over the limit",
            {
                let mut r = format!("POST /rpc/member_create HTTP/1.1\r\nHost: {a}\r\nConnection: close\r\nAuthorization: Bearer {staff}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n").into_bytes();
                for _ in 0..20 {
                    r.extend_from_slice(
                        format!("{:x}\r\n{}\r\n", 65536, " ".repeat(65536)).as_bytes(),
                    );
                }
                r.extend_from_slice(b"0\r\n\r\n");
                r
            },
            &[413],
        ),
        case(
            "40 000 unknown arguments",
            p(
                "/rpc/member_create",
                &format!(
                    "{{{}}}",
                    (0..40_000)
                        .map(|i| format!("\"k{i}\":{i}"))
                        .collect::<Vec<_>>()
                        .join(",")
                ),
            ),
            E400,
        ),
        case(
            "100 000 nested arrays",
            p("/rpc/member_create", &"[".repeat(100_000)),
            E400,
        ),
        case(
            "100 000 nested objects in an argument",
            p(
                "/rpc/class_create",
                &format!(
                    r#"{{"title":"t","rule":"free","params":{}1{}}}"#,
                    r#"{"a":"#.repeat(100_000),
                    "}".repeat(100_000)
                ),
            ),
            E400,
        ),
        case(
            "100 nested objects in a jsonb argument",
            p(
                "/rpc/class_create",
                &format!(
                    r#"{{"title":"t","rule":"free","params":{{"deep":{}1{}}}}}"#,
                    r#"{"a":"#.repeat(100),
                    "}".repeat(100)
                ),
            ),
            E4XX,
        ),
        case(
            "an array of 100 000 numbers as a bigint",
            p(
                "/rpc/member_balance",
                &format!(r#"{{"member_id":[{}]}}"#, vec!["1"; 100_000].join(",")),
            ),
            E400,
        ),
        case(
            "a 64 KiB query string",
            g(&format!(
                "/rpc/member_balance?member_id={ann}&x={}",
                "a".repeat(65536)
            )),
            E4XX,
        ),
        case(
            "a 600 KiB header",
            common::request_bytes(
                &a,
                "GET",
                "/health",
                None,
                None,
                &[("X-Big", &"b".repeat(600_000))],
            ),
            &[431, 400],
        ),
        // invalid UTF-8
        case(
            "invalid UTF-8 in a JSON string",
            pb(
                "/rpc/member_create",
                b"{\"name\":\"\xff\xfe\",\"email\":\"u1@example.org\"}",
            ),
            E400,
        ),
        case(
            "overlong UTF-8 in a JSON string",
            pb(
                "/rpc/member_create",
                b"{\"name\":\"\xc0\xaf\",\"email\":\"u2@example.org\"}",
            ),
            E400,
        ),
        case(
            "UTF-8 encoded surrogate",
            pb(
                "/rpc/member_create",
                b"{\"name\":\"\xed\xa0\x80\",\"email\":\"u3@example.org\"}",
            ),
            E400,
        ),
        case(
            "a lone surrogate escape",
            p(
                "/rpc/member_create",
                r#"{"name":"\ud800","email":"u4@example.org"}"#,
            ),
            E400,
        ),
        case(
            "a NUL escape",
            p(
                "/rpc/member_create",
                r#"{"name":"a\u0000b","email":"u5@example.org"}"#,
            ),
            E400,
        ),
        case(
            "invalid UTF-8 in a query value",
            g("/rpc/member_balance?member_id=%ff%fe"),
            E400,
        ),
        case(
            "invalid UTF-8 in a query name",
            g("/rpc/member_balance?%ff=1"),
            E400,
        ),
        case(
            "invalid UTF-8 in the path",
            b"GET /rpc/\xff\xfe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".to_vec(),
            &[400, 404],
        ),
        case(
            "invalid UTF-8 in Idempotency-Key",
            {
                let mut r = format!("POST /rpc/register_payment HTTP/1.1\r\nHost: {a}\r\nConnection: close\r\nAuthorization: Bearer {staff}\r\nContent-Type: application/json\r\nIdempotency-Key: ").into_bytes();
                let body = pay("10");
                r.extend_from_slice(b"\xff\xfe");
                r.extend_from_slice(
                    format!("\r\nContent-Length: {}\r\n\r\n{body}", body.len()).as_bytes(),
                );
                r
            },
            E400,
        ),
        case(
            "invalid UTF-8 in the token",
            {
                let body = pay("10");
                let mut r = format!("POST /rpc/register_payment HTTP/1.1\r\nHost: {a}\r\nConnection: close\r\nAuthorization: Bearer ").into_bytes();
                r.extend_from_slice(b"\xff\xfe");
                r.extend_from_slice(
                    format!(
                        "\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
                        body.len()
                    )
                    .as_bytes(),
                );
                r
            },
            &[401],
        ),
        case(
            "a body in Latin-1",
            {
                let mut r = format!("POST /rpc/member_create HTTP/1.1\r\nHost: {a}\r\nConnection: close\r\nAuthorization: Bearer {staff}\r\nContent-Type: application/json; charset=latin1\r\n").into_bytes();
                let body = b"{\"name\":\"Jos\xe9\",\"email\":\"u6@example.org\"}";
                r.extend_from_slice(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes());
                r.extend_from_slice(body);
                r
            },
            E400,
        ),
        // numbers out of range
        case(
            "bigint + 1",
            p(
                "/rpc/member_balance",
                r#"{"member_id":9223372036854775808}"#,
            ),
            E400,
        ),
        case(
            "bigint - 1 below its minimum",
            p(
                "/rpc/member_balance",
                r#"{"member_id":-9223372036854775809}"#,
            ),
            E400,
        ),
        case(
            "1e400 as a bigint",
            p("/rpc/member_balance", r#"{"member_id":1e400}"#),
            E400,
        ),
        case(
            "a fraction as a bigint",
            p("/rpc/member_balance", r#"{"member_id":1.5}"#),
            E400,
        ),
        case(
            "a boolean as a bigint",
            p("/rpc/member_balance", r#"{"member_id":true}"#),
            E400,
        ),
        case(
            "an object as a bigint",
            p("/rpc/member_balance", r#"{"member_id":{"id":1}}"#),
            E400,
        ),
        case(
            "a negative id",
            p("/rpc/member_balance", r#"{"member_id":-1}"#),
            &[404],
        ),
        case(
            "amount 1e400",
            p("/rpc/register_payment", &pay("1e400")),
            E4XX,
        ),
        case(
            "amount 1e-400",
            p("/rpc/register_payment", &pay("1e-400")),
            E4XX,
        ),
        case(
            "amount 1e131071",
            p("/rpc/register_payment", &pay("1e131071")),
            E4XX,
        ),
        case(
            "amount 1e1000000",
            p("/rpc/register_payment", &pay("1e1000000")),
            E4XX,
        ),
        case(
            "amount of 20 000 digits",
            p("/rpc/register_payment", &pay(&"9".repeat(20_000))),
            E4XX,
        ),
        case(
            "amount NaN",
            p("/rpc/register_payment", &pay("\"NaN\"")),
            E4XX,
        ),
        case(
            "amount Infinity",
            p("/rpc/register_payment", &pay("\"Infinity\"")),
            E4XX,
        ),
        case(
            "amount -Infinity",
            p("/rpc/register_payment", &pay("\"-Infinity\"")),
            E4XX,
        ),
        case(
            "amount 0.001",
            p("/rpc/register_payment", &pay("0.001")),
            E4XX,
        ),
        case("amount -0", p("/rpc/register_payment", &pay("-0")), E4XX),
        case(
            "amount 1e12 (13 integer digits)",
            p("/rpc/register_payment", &pay("1e12")),
            E4XX,
        ),
        case(
            "an infinite date",
            g(&format!(
                "/rpc/member_balance?member_id={ann}&on_date=infinity"
            )),
            E4XX,
        ),
        // tokens and methods
        case(
            // a function the caller may not call is, to it, one that does not exist
            "a member registering money",
            post_bytes(
                &a,
                "/rpc/register_payment",
                &ann_token,
                pay("10").as_bytes(),
            ),
            &[404],
        ),
        case(
            "an unknown token",
            post_bytes(
                &a,
                "/rpc/register_payment",
                "dues_forged",
                pay("10").as_bytes(),
            ),
            &[401],
        ),
        case(
            "TRACE",
            common::request_bytes(&a, "TRACE", "/rpc/member_create", Some(&staff), None, &[]),
            &[405],
        ),
    ];
    let mut tally = suites::Tally::default();
    let mut wrong = Vec::new();
    let mut slowest = (std::time::Duration::ZERO, String::new());
    for c in &cases {
        let t0 = std::time::Instant::now();
        let r = common::try_raw(&a, &c.bytes, std::time::Duration::from_secs(30));
        let took = t0.elapsed();
        if took > slowest.0 {
            slowest = (took, c.what.clone());
        }
        match r {
            Ok(r) => {
                tally.add(suites::outcome(&r));
                // hyper itself refuses what it cannot parse (400, 414, 431) with an empty body
                let json_ok = matches!(r.status, 400 | 414 | 431) && r.body.is_empty()
                    || serde_json::from_str::<serde_json::Value>(&r.body)
                        .map(|v| v["code"].is_string())
                        .unwrap_or(false);
                if !c.expect.contains(&r.status) || !json_ok {
                    wrong.push(format!(
                        "{}: {} {}",
                        c.what,
                        r.status,
                        r.body.chars().take(300).collect::<String>()
                    ));
                }
            }
            Err(e) => {
                tally.add("no answer");
                wrong.push(format!("{}: no answer: {e}", c.what));
            }
        }
    }
    report.say(format!(
        "{} hand-written hostile requests: {tally}",
        cases.len()
    ));
    report.say(format!(
        "slowest: {:.0} ms ({})",
        slowest.0.as_secs_f64() * 1000.0,
        slowest.1
    ));
    report.check(
        wrong.is_empty(),
        format!(
            "each is refused with its 4xx and an error body ({} not{})",
            wrong.len(),
            wrong
                .iter()
                .map(|w| format!("\n    {w}"))
                .collect::<String>()
        ),
    );
    let after = suites::fingerprint(&s.db.url);
    let diff = suites::changed(&before, &after);
    report.check(
        diff.is_empty(),
        format!(
            "no data changed ({} tables digested; changed: {diff:?})",
            after.len()
        ),
    );

    // SQL in values is data: stored and returned as sent
    let name = r#"Robert'); drop table dues.member; -- "\\ $$ ; select pg_sleep(20)"#;
    let body = serde_json::json!({"name": name, "email": "bobby@example.org"}).to_string();
    let r = common::post(&a, "member_create", Some(&staff), &body);
    report.check(
        r.status == 200 && r.json()["name"] == serde_json::json!(name),
        format!(
            "SQL in a value is stored as text: {} {}",
            r.status,
            r.body.chars().take(200).collect::<String>()
        ),
    );
    let big = common::post(
        &a,
        "member_create",
        Some(&staff),
        &serde_json::json!({"name": "n".repeat(900_000), "email": "long@example.org"}).to_string(),
    );
    report.check(
        big.status == 200 || (400..500).contains(&big.status),
        format!(
            "a 900 KB name is stored or refused, not a fault: {}",
            big.status
        ),
    );
    let h = common::get(&a, "/health", None);
    report.check(h.status == 200, "the server still answers /health");
    report.finish();
}

#[test]
fn idle_connections_and_slow_clients_are_bounded() {
    use std::time::{Duration, Instant};
    let mut report = suites::Report::new("idle and slow clients");
    let own = suites::raise_own_open_files_limit();
    assert!(
        own >= 1100,
        "this test needs 1 100 open files; the hard limit allows {own}"
    );
    let db = common::FreshDb::migrated("idle");
    let log = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("serve-{}.log", db.name));
    // the usual default soft limit of open files, whatever this shell has
    let (child, addr) =
        common::spawn_serve(&db.url, &[], &log, Some("ulimit -Sn 1024 2>/dev/null;"));
    let serve = suites::Reap(child);
    let pid = serve.0.id();
    let limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).unwrap_or_default();
    let nofile = limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .unwrap_or("")
        .to_string();
    report.say(format!(
        "dues serve pid {pid} on {addr}, started with `ulimit -Sn 1024`; now: {}",
        nofile.split_whitespace().collect::<Vec<_>>().join(" ")
    ));
    let baseline = suites::open_files(pid);
    let soft: u64 = nofile
        .split_whitespace()
        .nth(3)
        .and_then(|v| v.parse().ok())
        .unwrap_or(u64::MAX);
    report.check(
        soft >= 1100,
        format!("dues serve raised its soft limit of open files above 1 024: {soft}"),
    );

    // slow clients, side by side with the idle ones
    let slow_headers = {
        let addr = addr.clone();
        std::thread::spawn(move || {
            let slow = format!(
                "GET /health HTTP/1.1\r\nHost: {addr}\r\nX-Slow: {}\r\n\r\n",
                "a".repeat(100)
            );
            suites::dribble(&addr, b"", slow.as_bytes(), Duration::from_secs(25))
        })
    };
    let slow_second = {
        let addr = addr.clone();
        std::thread::spawn(move || {
            let first = format!("GET /health HTTP/1.1\r\nHost: {addr}\r\n\r\n");
            let slow = format!(
                "GET /health HTTP/1.1\r\nHost: {addr}\r\nX-Slow: {}\r\n\r\n",
                "a".repeat(100)
            );
            suites::dribble(
                &addr,
                first.as_bytes(),
                slow.as_bytes(),
                Duration::from_secs(25),
            )
        })
    };
    let slow_body = {
        let addr = addr.clone();
        std::thread::spawn(move || {
            let head = format!("POST /rpc/rule_list HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n");
            let mut s = std::net::TcpStream::connect(&addr).unwrap();
            std::io::Write::write_all(&mut s, head.as_bytes()).unwrap();
            drop(s.try_clone());
            let t = Instant::now();
            let (closed, status) = suites::dribble_stream(s, &[b' '; 200], Duration::from_secs(40));
            (closed.map(|_| t.elapsed()), status)
        })
    };

    // 1 000 idle connections: half send nothing, half half a request line
    let t0 = Instant::now();
    let mut idle = Vec::new();
    let mut refused = 0;
    for i in 0..1000 {
        match std::net::TcpStream::connect(&addr) {
            Ok(mut s) => {
                if i % 2 == 1 {
                    let _ = std::io::Write::write_all(&mut s, b"GET /health HT");
                }
                idle.push(s);
            }
            Err(_) => refused += 1,
        }
    }
    std::thread::sleep(Duration::from_millis(300));
    let t_last = Instant::now();
    let held = suites::open_files(pid);
    report.say(format!("opened {} idle connections in {:.2}s ({refused} refused); dues serve holds {held} files (baseline {baseline})", idle.len(), t0.elapsed().as_secs_f64()));
    report.check(
        refused == 0 && idle.len() == 1000,
        "1 000 idle connections accepted",
    );
    for (what, path) in [
        ("GET /health", "/health"),
        ("GET /rpc/rule_list (a database call)", "/rpc/rule_list"),
    ] {
        let t = Instant::now();
        let r = common::try_raw(
            &addr,
            &common::request_bytes(&addr, "GET", path, None, None, &[]),
            Duration::from_secs(10),
        );
        let took = t.elapsed();
        report.check(
            matches!(&r, Ok(r) if r.status == 200) && took < Duration::from_secs(2),
            format!(
                "with 1 000 idle connections open, {what} answers 200 in {:.0} ms ({:?})",
                took.as_secs_f64() * 1000.0,
                r.map(|r| r.status)
            ),
        );
    }

    // the header timeout (10 s) closes the idle connections: watched until
    // all are closed (their timers start when the server accepts them)
    std::thread::sleep(Duration::from_secs(10).saturating_sub(t_last.elapsed()));
    let mut open: Vec<usize> = (0..idle.len()).collect();
    while !open.is_empty() && t_last.elapsed() < Duration::from_secs(20) {
        open.retain(|&i| {
            let s = &mut idle[i];
            s.set_read_timeout(Some(Duration::from_millis(5))).unwrap();
            let mut buf = [0u8; 1024];
            loop {
                match std::io::Read::read(s, &mut buf) {
                    Ok(0) => return false,
                    Ok(_) => continue,
                    Err(e)
                        if matches!(
                            e.kind(),
                            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                        ) =>
                    {
                        return true
                    }
                    Err(_) => return false,
                }
            }
        });
        if !open.is_empty() {
            std::thread::sleep(Duration::from_millis(250));
        }
    }
    report.check(
        open.is_empty(),
        format!(
            "{:.1}s after the last one opened, the server has closed {} of {} idle connections",
            t_last.elapsed().as_secs_f64(),
            idle.len() - open.len(),
            idle.len()
        ),
    );
    drop(idle);

    let (headers_closed, headers_status) = slow_headers.join().unwrap();
    report.check(
        headers_closed.is_some_and(|d| d < Duration::from_secs(12)),
        format!("a client sending its headers one byte a second is cut off after {:?} (answer {headers_status:?})", headers_closed.map(|d| format!("{:.1}s", d.as_secs_f64()))),
    );
    let (second_closed, second_status) = slow_second.join().unwrap();
    report.check(
        second_closed.is_some_and(|d| d < Duration::from_secs(12)),
        format!("on a keep-alive connection, a second request sent one byte a second is cut off after {:?} (answer {second_status:?})", second_closed.map(|d| format!("{:.1}s", d.as_secs_f64()))),
    );
    let (body_closed, body_status) = slow_body.join().unwrap();
    report.check(
        body_closed.is_some_and(|d| d < Duration::from_secs(35)) && body_status == Some(400),
        format!(
            "a body sent one byte a second is refused after {:?} (answer {body_status:?})",
            body_closed.map(|d| format!("{:.1}s", d.as_secs_f64()))
        ),
    );
    std::thread::sleep(Duration::from_millis(300));
    let after = suites::open_files(pid);
    report.check(
        after <= baseline + 10,
        format!("dues serve is back to {after} open files (baseline {baseline})"),
    );
    let r = common::get(&addr, "/health", None);
    report.check(r.status == 200, "and still answers");
    drop(serve);
    report.finish();
}

/// `text` with the number `n` (not part of a longer number) replaced by `<id>`.
fn mask_number(text: &str, n: i64) -> String {
    let needle = n.to_string();
    let bytes = text.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    while i < text.len() {
        let at = text[i..].starts_with(&needle)
            && (i == 0 || !bytes[i - 1].is_ascii_digit())
            && bytes
                .get(i + needle.len())
                .is_none_or(|b| !b.is_ascii_digit());
        if at {
            out.push_str("<id>");
            i += needle.len();
        } else {
            let c = text[i..].chars().next().unwrap();
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// A plausible value for an argument of this JSON schema.
fn filler(schema: &serde_json::Value) -> serde_json::Value {
    use serde_json::json;
    let ty = match &schema["type"] {
        serde_json::Value::Array(a) => a[0].as_str().unwrap_or("string").to_string(),
        v => v.as_str().unwrap_or("string").to_string(),
    };
    match (ty.as_str(), schema["format"].as_str()) {
        ("integer", _) => json!(1),
        ("number", _) => json!("1.00"),
        ("boolean", _) => json!(false),
        ("object", _) => json!({}),
        ("array", _) => json!([]),
        (_, Some("date")) => json!("2026-01-01"),
        (_, Some("date-time")) => json!("2026-01-01T00:00:00Z"),
        _ => json!("x"),
    }
}

/// Ids of the site's catalogue, not of a member's data: any member may name any class.
const CATALOGUE_IDS: &[&str] = &["class_id"];

/// Whether an argument names a record by id.
fn is_id_argument(name: &str) -> bool {
    name == "id" || name.ends_with("_id")
}

/// A record of Bob's of every kind a member names by id, made with a staff token: its argument name → id.
fn bobs_records(
    s: &common::Server,
    staff: &str,
    bob: i64,
    order: i64,
    payment: i64,
) -> std::collections::BTreeMap<&'static str, i64> {
    let a = &s.addr;
    let call = |name: &str, body: String| -> serde_json::Value {
        let r = common::post(a, name, Some(staff), &body);
        assert_eq!(r.status, 200, "{name} {body}: {}", r.body);
        r.json()
    };
    let id = |v: &serde_json::Value, key: &str| {
        v[key].as_i64().unwrap_or_else(|| panic!("{key} in {v}"))
    };
    // the site's organization is the broker: nothing to register
    let hosting = call(
        "class_create",
        r#"{"title":"Hosting","rule":"recurring","params":{"period":"month","amount":"10.00","renewal":"auto_renew"}}"#.into(),
    );
    let hosting = id(&hosting, "id");
    let sub = call(
        "recurring_subscription_start",
        format!(r#"{{"member_id":{bob},"class_id":{hosting}}}"#),
    );
    call(
        "charge_add",
        format!(
            r#"{{"member_id":{bob},"class_id":{hosting},"amount":"5.00","description":"badge"}}"#
        ),
    );
    let out = s.dues(&["jobs", "run", "collect"]);
    assert!(out.status.success(), "collect: {}", common::text(&out));
    let invoices = common::get(
        a,
        &format!("/rpc/invoice_list?member_id={bob}"),
        Some(staff),
    )
    .json();
    let contact = call(
        "contact_add",
        format!(r#"{{"member_id":{bob},"role":"other","name":"Bob at work"}}"#),
    );
    let service_order = call(
        "service_order_create",
        format!(r#"{{"member_id":{bob},"name":"site"}}"#),
    );
    let bobco = call(
        "member_create",
        r#"{"name":"Bobco","email":"bobco@example.org","kind":"organization"}"#.into(),
    );
    call(
        "role_grant",
        format!(
            r#"{{"member_id":{bob},"role":"manager","organization_id":{}}}"#,
            id(&bobco, "id")
        ),
    );
    let shelf = call(
        "storage_slot_type_create",
        r#"{"name":"shelf","title":"Shelf","default_term":"3 months"}"#.into(),
    );
    let slot = call(
        "storage_slot_create",
        format!(r#"{{"type_id":{},"label":"A-1"}}"#, id(&shelf, "id")),
    );
    call(
        "storage_assign",
        format!(r#"{{"slot_id":{},"member_id":{bob}}}"#, id(&slot, "id")),
    );
    let session = call(
        "class_session_create",
        format!(r#"{{"class_id":{hosting},"starts_at":"2031-03-04T18:00:00Z"}}"#),
    );
    std::collections::BTreeMap::from([
        ("member_id", bob),
        ("order_id", order),
        ("payment_id", payment),
        ("invoice_id", id(&invoices[0], "id")),
        ("class_subscription_id", id(&sub, "class_subscription_id")),
        ("contact_id", id(&contact, "id")),
        ("service_order_id", id(&service_order, "id")),
        ("organization_id", id(&bobco, "id")),
        ("slot_id", id(&slot, "id")),
        ("class_session_id", id(&session, "id")),
    ])
}

#[test]
fn another_members_data_is_refused_without_revealing_whether_it_exists() {
    let mut report = suites::Report::new("another member's data");
    let s = common::Server::start("others");
    let a = s.addr.clone();
    let staff = s.token(&["--staff"]);
    let m = suites::make_members(&a, &staff, 2, "neighbour");
    let (ann, bob) = (m[0], m[1]);
    let class = common::post(
        &a,
        "class_create",
        Some(&staff),
        r#"{"title":"Pottery","rule":"single_payment","params":{"price":"25.00"}}"#,
    )
    .json()["id"]
        .clone();
    let order = common::post(
        &a,
        "class_subscription_request",
        Some(&staff),
        &format!(r#"{{"member_id":{bob},"class_id":{class}}}"#),
    )
    .json()["id"]
        .as_i64()
        .unwrap();
    let pay = common::post(
        &a,
        "register_payment",
        Some(&staff),
        &format!(r#"{{"member_id":{bob},"amount":"40.00"}}"#),
    );
    assert_eq!(pay.status, 200, "{}", pay.body);
    let payment = pay.json()["id"].as_i64().unwrap();
    // a record of Bob's of every kind a member names by id
    let records = bobs_records(&s, &staff, bob, order, payment);
    let ann_token = s.token(&["--member", &ann.to_string()]);
    let before = suites::fingerprint(&s.db.url);

    // every function a member may call, for every id it takes: Bob's record
    // (existing) and a record that does not exist, with Ann's token
    let doc = common::get(&a, "/openapi.json", Some(&ann_token)).json();
    let missing: i64 = 987_654_321;
    let mut tried = Vec::new();
    let mut leaks = Vec::new();
    let mut allowed = Vec::new();
    let mut untried = Vec::new();
    for (path, ops) in doc["paths"].as_object().unwrap() {
        let Some(op) = ops.get("post") else { continue };
        let schema = &op["requestBody"]["content"]["application/json"]["schema"];
        let props = schema["properties"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        let required: Vec<String> = schema["required"]
            .as_array()
            .map(|r| {
                r.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        for target in props.keys().filter(|k| is_id_argument(k)) {
            let target = target.as_str();
            if CATALOGUE_IDS.contains(&target) {
                continue;
            }
            let Some(&real) = records.get(target) else {
                untried.push(format!("{path} {target}"));
                continue;
            };
            let body_for = |id: i64| {
                let mut body = serde_json::Map::new();
                for r in &required {
                    body.insert(r.clone(), filler(&props[r]));
                }
                body.insert(target.to_string(), serde_json::json!(id));
                serde_json::Value::Object(body).to_string()
            };
            let theirs = common::request(
                &a,
                "POST",
                path,
                Some(&ann_token),
                Some(&body_for(real)),
                &[],
            );
            let nobody = common::request(
                &a,
                "POST",
                path,
                Some(&ann_token),
                Some(&body_for(missing)),
                &[],
            );
            let norm = |r: &common::Reply, id: i64| mask_number(&r.body, id);
            tried.push(format!(
                "{path} {target}: {} / {}",
                theirs.status, nobody.status
            ));
            if theirs.status == 200 || theirs.status == 204 {
                allowed.push(format!(
                    "{path} with {target} of another member: {} {}",
                    theirs.status,
                    theirs.body.chars().take(120).collect::<String>()
                ));
            }
            if theirs.status != nobody.status || norm(&theirs, real) != norm(&nobody, missing) {
                leaks.push(format!(
                    "{path} {target}: theirs {} {} / none {} {}",
                    theirs.status,
                    theirs.body.chars().take(160).collect::<String>(),
                    nobody.status,
                    nobody.body.chars().take(160).collect::<String>()
                ));
            }
        }
    }
    report.say(format!(
        "{} calls with Ann's member token on Bob's records (every kind of id) and on missing ones: {}",
        2 * tried.len(),
        tried.join("; ")
    ));
    report.check(
        tried.len() >= 20,
        format!(
            "the member's OpenAPI document lists functions taking an id ({})",
            tried.len()
        ),
    );
    report.check(
        untried.is_empty(),
        format!(
            "every id argument a member can send was tried with a record of Bob's ({} without one: {})",
            untried.len(),
            untried.join(", ")
        ),
    );
    report.check(
        allowed.is_empty(),
        format!(
            "none acts on or shows another member's record ({}{})",
            allowed.len(),
            allowed
                .iter()
                .map(|l| format!("\n    {l}"))
                .collect::<String>()
        ),
    );
    report.check(
        leaks.is_empty(),
        format!(
            "each answers the same status and body (but for the id) whether the record exists or not ({} differ{})",
            leaks.len(),
            leaks.iter().map(|l| format!("\n    {l}")).collect::<String>()
        ),
    );
    for (what, r) in [
        (
            "GET member_balance of another member",
            common::get(
                &a,
                &format!("/rpc/member_balance?member_id={bob}"),
                Some(&ann_token),
            ),
        ),
        (
            "GET member_balance of nobody",
            common::get(
                &a,
                &format!("/rpc/member_balance?member_id={missing}"),
                Some(&ann_token),
            ),
        ),
    ] {
        report.check(
            r.status == 403 && !r.body.contains("not found"),
            format!("{what}: {} {}", r.status, r.body),
        );
    }
    let after = suites::fingerprint(&s.db.url);
    let diff = suites::changed(&before, &after);
    report.check(diff.is_empty(), format!("no data changed: {diff:?}"));
    report.finish();
}

/// A value for an argument of this JSON schema: mostly of its type (small
/// ids that exist, edge values), sometimes anything hostile.
fn generated(schema: &serde_json::Value, rng: &mut suites::Rng) -> serde_json::Value {
    use serde_json::json;
    let any = [
        json!(null),
        json!(""),
        json!(" "),
        json!(0),
        json!(-1),
        json!(1e300),
        json!("x".repeat(5000)),
        json!("Robert'); drop table dues.member; --"),
        json!("\u{202e}\u{0301}ü😀"),
        json!([]),
        json!({}),
        json!([1, "a", null]),
        json!({"a": {"b": [1, {"c": null}]}}),
        json!(true),
        json!("infinity"),
        json!("NaN"),
        json!("2026-02-30"),
        serde_json::from_str("123456789012345678901234567890").unwrap(),
        serde_json::from_str("1e-400").unwrap(),
    ];
    if rng.chance(30) {
        return any[rng.below(any.len())].clone();
    }
    let ty = match &schema["type"] {
        serde_json::Value::Array(a) => a[rng.below(a.len())]
            .as_str()
            .unwrap_or("string")
            .to_string(),
        v => v.as_str().unwrap_or("string").to_string(),
    };
    let pick = |rng: &mut suites::Rng, v: Vec<serde_json::Value>| v[rng.below(v.len())].clone();
    match (ty.as_str(), schema["format"].as_str()) {
        ("integer", _) => pick(
            rng,
            vec![
                json!(1),
                json!(2),
                json!(3),
                json!(1),
                json!(0),
                json!(-5),
                json!(2147483648_i64),
                json!(i64::MAX),
                serde_json::from_str("9223372036854775808").unwrap(),
            ],
        ),
        ("number", _) | (_, Some("decimal")) => pick(
            rng,
            vec![
                json!("10.00"),
                json!(25),
                json!("0.01"),
                json!(0),
                json!(-3),
                json!("1.005"),
                json!(1e12),
                serde_json::from_str("1e400").unwrap(),
                json!("Infinity"),
            ],
        ),
        ("boolean", _) => pick(rng, vec![json!(true), json!(false)]),
        ("object", _) => pick(
            rng,
            vec![
                json!({}),
                json!({"price": "10.00"}),
                json!({"months": 12, "price": "1"}),
                json!({"price": {"deep": [1]}}),
            ],
        ),
        ("array", _) => pick(
            rng,
            vec![json!([]), json!([1, 2]), json!(["a", "b"]), json!([null])],
        ),
        (_, Some("date")) => pick(
            rng,
            vec![
                json!("2026-01-01"),
                json!("2026-12-31"),
                json!("0001-01-01"),
                json!("9999-12-31"),
                json!("infinity"),
                json!("2026-13-01"),
            ],
        ),
        (_, Some("date-time")) => pick(
            rng,
            vec![
                json!("2026-01-01T00:00:00Z"),
                json!("1900-01-01T00:00:00+14:00"),
                json!("-infinity"),
                json!("yesterday"),
            ],
        ),
        _ => pick(
            rng,
            vec![
                json!("x"),
                json!("ann@example.org"),
                json!("USD"),
                json!("EUR"),
                json!("manual"),
                json!("bank_transfer"),
                json!("single_payment"),
                json!("free"),
                json!("members"),
                json!("a".repeat(300)),
            ],
        ),
    }
}

#[test]
fn generated_requests_never_fault_and_refusals_change_nothing() {
    let mut report = suites::Report::new("generated requests");
    let s = common::Server::start("generated");
    let a = s.addr.clone();
    let staff = s.token(&["--staff"]);
    let members = suites::make_members(&a, &staff, 3, "generated");
    let class = common::post(
        &a,
        "class_create",
        Some(&staff),
        r#"{"title":"Pottery","rule":"single_payment","params":{"price":"25.00"}}"#,
    );
    assert_eq!(class.status, 200, "{}", class.body);
    for m in &members {
        assert_eq!(
            common::post(
                &a,
                "class_subscription_request",
                Some(&staff),
                &format!(r#"{{"member_id":{m},"class_id":1}}"#)
            )
            .status,
            200
        );
        assert_eq!(
            common::post(
                &a,
                "register_payment",
                Some(&staff),
                &format!(r#"{{"member_id":{m},"amount":"10.00"}}"#)
            )
            .status,
            200
        );
    }
    let doc = common::get(&a, "/openapi.json", Some(&staff)).json();
    let per_operation: usize = std::env::var("DUES_GENERATED_PER_OPERATION")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(8);
    let db = suites::Db::connect(&s.db.url);
    // a refusal whose code names an on_failure function records what that function writes (a wrong sign-in code's try)
    let recorded: Vec<String> = common::query(
        &s.db.url,
        "select sqlstate::text from dues.error_code where on_failure is not null",
    )
    .into_iter()
    .filter_map(|r| r.into_iter().next().flatten())
    .collect();
    let mut rng = suites::Rng::new(20261122);
    let mut http = suites::Http::new(&a, std::time::Duration::from_secs(60));
    let mut tally = suites::Tally::default();
    let mut faults = Vec::new();
    let mut changed_on_4xx = Vec::new();
    let mut compared = 0;
    let mut before = db.fingerprint();
    let started = std::time::Instant::now();
    let mut sent = 0;
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            for _ in 0..per_operation {
                let (target, body) = if method == "post" {
                    let schema = &op["requestBody"]["content"]["application/json"]["schema"];
                    let props = schema["properties"]
                        .as_object()
                        .cloned()
                        .unwrap_or_default();
                    let required: Vec<&str> = schema["required"]
                        .as_array()
                        .map(|r| r.iter().filter_map(|v| v.as_str()).collect())
                        .unwrap_or_default();
                    let mut body = serde_json::Map::new();
                    for (name, p) in &props {
                        let keep = if required.contains(&name.as_str()) {
                            rng.chance(92)
                        } else {
                            rng.chance(40)
                        };
                        if keep {
                            body.insert(name.clone(), generated(p, &mut rng));
                        }
                    }
                    if rng.chance(8) {
                        body.insert(
                            ["colour", "id", "member_id\"", "' or 1=1 --"][rng.below(4)].into(),
                            serde_json::json!(1),
                        );
                    }
                    (
                        path.clone(),
                        Some(serde_json::Value::Object(body).to_string()),
                    )
                } else {
                    let mut q = form_pairs();
                    for p in op["parameters"].as_array().cloned().unwrap_or_default() {
                        if p["in"] != "query" || !(p["required"] == true || rng.chance(40)) {
                            continue;
                        }
                        let v = generated(&p["schema"], &mut rng);
                        let v = v
                            .as_str()
                            .map(str::to_string)
                            .unwrap_or_else(|| v.to_string());
                        q.push((p["name"].as_str().unwrap().to_string(), v));
                    }
                    (format!("{path}?{}", encode(&q)), None)
                };
                let key = format!("gen-{sent}");
                let extra: Vec<(&str, &str)> = if body.is_some() && rng.chance(20) {
                    vec![("Idempotency-Key", key.as_str())]
                } else {
                    vec![]
                };
                sent += 1;
                let r = http.send(
                    &method.to_uppercase(),
                    &target,
                    Some(&staff),
                    body.as_deref(),
                    &extra,
                );
                let r = match r {
                    Ok(r) => r,
                    Err(e) => {
                        tally.add("no answer");
                        faults.push(format!("{method} {target} {body:?}: no answer: {e}"));
                        continue;
                    }
                };
                tally.add(format!("{}xx", r.status / 100));
                if r.status >= 500 {
                    faults.push(format!(
                        "{method} {target} {}: {} {}",
                        body.as_deref()
                            .unwrap_or("")
                            .chars()
                            .take(300)
                            .collect::<String>(),
                        r.status,
                        r.body
                    ));
                }
                let after = db.fingerprint();
                let code = serde_json::from_str::<serde_json::Value>(&r.body)
                    .ok()
                    .and_then(|v| v["code"].as_str().map(str::to_string));
                let kept = code.is_some_and(|c| recorded.contains(&c));
                if (400..500).contains(&r.status) && !kept {
                    compared += 1;
                    let diff = suites::changed(&before, &after);
                    if !diff.is_empty() {
                        changed_on_4xx.push(format!(
                            "{method} {target} {}: {} {} changed {diff:?}",
                            body.as_deref().unwrap_or(""),
                            r.status,
                            r.body
                        ));
                    }
                }
                before = after;
            }
        }
    }
    report.say(format!(
        "{sent} generated requests ({per_operation} per operation) in {:.1}s: {tally}",
        started.elapsed().as_secs_f64()
    ));
    report.check(
        faults.is_empty(),
        format!(
            "no 5xx and no dropped request ({}{})",
            faults.len(),
            faults
                .iter()
                .take(5)
                .map(|f| format!("\n    {f}"))
                .collect::<String>()
        ),
    );
    report.check(
        changed_on_4xx.is_empty(),
        format!(
            "no table changed by any of the {compared} requests refused with a 4xx ({}{})",
            changed_on_4xx.len(),
            changed_on_4xx
                .iter()
                .take(5)
                .map(|f| format!("\n    {f}"))
                .collect::<String>()
        ),
    );
    report.check(
        common::get(&a, "/health", None).status == 200,
        "the server still answers /health",
    );
    report.finish();
}

fn form_pairs() -> Vec<(String, String)> {
    Vec::new()
}

/// `a=1&b=x y` percent-encoded.
fn encode(pairs: &[(String, String)]) -> String {
    let enc = |s: &str| {
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect::<String>()
    };
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

#[test]
fn a_client_that_goes_away_mid_call_leaves_no_transaction_open() {
    use std::io::Write;
    use std::time::Duration;
    let mut report = suites::Report::new("abandoned calls");
    let dir = common::scratch_dir("abandon");
    common::copy_stream(&dir);
    std::fs::write(
        dir.join("procs/api/slow_pay.sql"),
        "create function api.slow_pay(member_id bigint, seconds float8) returns text language plpgsql \
         security definer set search_path = '' as $$ begin \
           perform api.register_payment(slow_pay.member_id, 5); \
           perform pg_catalog.pg_sleep(seconds); return 'paid'; end $$;\n\
         grant execute on function api.slow_pay(bigint, float8) to dues_staff;\n",
    )
    .unwrap();
    // one connection in the pool: the next request gets the abandoned one's connection
    let s = common::Server::start_with("abandon", &["--pool-size", "1"], Some(&dir));
    let a = s.addr.clone();
    let staff = s.token(&["--staff"]);
    let m = suites::make_members(&a, &staff, 1, "abandoner")[0];
    let member = s.token(&["--member", &m.to_string()]);
    for (i, key) in [Some("abandoned-1"), None, Some("abandoned-2")]
        .iter()
        .enumerate()
    {
        let body = format!(r#"{{"member_id":{m},"seconds":0.8}}"#);
        let extra: Vec<(&str, &str)> = key.iter().map(|k| ("Idempotency-Key", *k)).collect();
        let bytes = common::request_bytes(
            &a,
            "POST",
            "/rpc/slow_pay",
            Some(&staff),
            Some(&body),
            &extra,
        );
        let mut c = std::net::TcpStream::connect(&a).unwrap();
        c.write_all(&bytes).unwrap();
        std::thread::sleep(Duration::from_millis(300));
        drop(c);
        report.say(format!(
            "call {} (key {key:?}): the client hung up 0.3 s into a 0.8 s call",
            i + 1
        ));
        std::thread::sleep(Duration::from_millis(1000));
        let open = common::query_value(
            &s.db.url,
            "select count(*) from pg_stat_activity where datname = current_database() \
              and state like 'idle in transaction%'",
        );
        report.check(
            open == "0",
            format!("no session left idle in a transaction ({open})"),
        );
        let r = common::get(
            &a,
            &format!("/rpc/member_balance?member_id={m}"),
            Some(&member),
        );
        report.check(
            r.status == 200,
            format!("the next caller (a member) is served on that connection, under its own role: {} {}", r.status, r.body),
        );
    }
    // the same request again
    let body = format!(r#"{{"member_id":{m},"seconds":0.8}}"#);
    for key in ["abandoned-1", "abandoned-2"] {
        let r = common::request(
            &a,
            "POST",
            "/rpc/slow_pay",
            Some(&staff),
            Some(&body),
            &[("Idempotency-Key", key)],
        );
        report.check(
            r.status == 200 && r.header("idempotency-replayed") == Some("true") && r.body == "\"paid\"",
            format!("a retry with the key of the abandoned call replays its answer: {} {} replayed={:?}", r.status, r.body, r.header("idempotency-replayed")),
        );
    }
    let payments = common::query_value(&s.db.url, "select count(*) from dues.payment");
    let unanswered = common::query_value(
        &s.db.url,
        "select count(*) from dues.idempotency where status is null",
    );
    report.check(
        payments == "3" && unanswered == "0",
        format!("each abandoned call ran to its end once: {payments} payments, {unanswered} keys without an answer"),
    );
    report.finish();
}

/// Holds advisory lock `key` on a connection of its own until the returned
/// sender is used or dropped.
fn hold_advisory_lock(url: &str, key: i64) -> std::sync::mpsc::Sender<()> {
    let (release, released) = std::sync::mpsc::channel::<()>();
    let (ready, is_ready) = std::sync::mpsc::channel();
    let url = url.to_string();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let (client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
                .await
                .unwrap();
            tokio::spawn(conn);
            client
                .execute("select pg_advisory_lock($1)", &[&key])
                .await
                .unwrap();
            ready.send(()).unwrap();
            let _ = tokio::task::spawn_blocking(move || released.recv()).await;
            let _ = client
                .execute("select pg_advisory_unlock($1)", &[&key])
                .await;
        });
    });
    is_ready.recv().unwrap();
    release
}

/// Waits (30 s at most) until `sql` on the database at `url` gives `want`.
fn wait_for_value(url: &str, sql: &str, want: &str) -> bool {
    let started = std::time::Instant::now();
    while started.elapsed() < Duration::from_secs(30) {
        if common::query_value(url, sql) == want {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

#[test]
fn a_request_refused_at_planning_takes_no_connection_while_the_pool_is_exhausted() {
    let mut report = suites::Report::new("exhausted pool");
    let dir = common::scratch_dir("exhausted");
    common::copy_stream(&dir);
    std::fs::write(
        dir.join("procs/api/wait_for_test.sql"),
        "create function api.wait_for_test() returns text language plpgsql security definer \
         set search_path = '' as $$ begin perform pg_catalog.pg_advisory_xact_lock(7777); return 'done'; end $$;\n\
         grant execute on function api.wait_for_test() to dues_staff;\n",
    )
    .unwrap();
    // a refusal that waited for a connection would get its 503 only after 30 s
    let flags = ["--pool-size", "2", "--pool-wait", "30"];
    let s = common::Server::start_with("exhausted", &flags, Some(&dir));
    let a = s.addr.clone();
    let staff = s.token(&["--staff"]);
    let warm = common::get(&a, "/rpc/rule_list", Some(&staff));
    report.check(warm.status == 200, "the staff token has called before");
    let release = hold_advisory_lock(&s.db.url, 7777);
    let long: Vec<_> = (0..2)
        .map(|_| {
            let (a, t) = (a.clone(), staff.clone());
            std::thread::spawn(move || common::post(&a, "wait_for_test", Some(&t), "{}"))
        })
        .collect();
    let waiting = "select count(*) from pg_locks where locktype = 'advisory' and objid = 7777 and not granted \
                   and database = (select oid from pg_database where datname = current_database())";
    report.check(
        wait_for_value(&s.db.url, waiting, "2"),
        "two long calls hold both pooled connections",
    );
    let unknown = common::post(&a, "no_such_function", Some(&staff), "{}");
    let missing = common::post(&a, "member_create", Some(&staff), r#"{"name":"x"}"#);
    let hidden = common::post(&a, "register_payment", None, "{}");
    let code = |r: &common::Reply| {
        (
            r.status,
            r.json()["code"].as_str().unwrap_or("").to_string(),
        )
    };
    report.check(
        code(&unknown) == (404, "DUH09".into()),
        format!("an unknown function: {} {}", unknown.status, unknown.body),
    );
    report.check(
        code(&missing) == (400, "DUH03".into()),
        format!("a missing argument: {} {}", missing.status, missing.body),
    );
    report.check(
        code(&hidden) == (404, "DUH09".into()),
        format!(
            "a function the caller may not call: {} {}",
            hidden.status, hidden.body
        ),
    );
    report.check(
        [&unknown, &missing, &hidden].iter().all(|r| {
            r.header("server-timing")
                .is_some_and(|t| t.contains("plan;dur="))
        }),
        "each answer says how long its stages took",
    );
    report.check(
        long.iter().all(|h| !h.is_finished()) && common::query_value(&s.db.url, waiting) == "2",
        "the pool was still held when the answers arrived",
    );
    drop(release);
    for h in long {
        let r = h.join().unwrap();
        report.check(
            r.status == 200 && r.body == "\"done\"",
            format!("a long call ends once released: {} {}", r.status, r.body),
        );
    }
    report.finish();
}

/// A PayPal-like IPN body for our receiver.
fn ipn_for_us(txn: &str) -> String {
    format!(
        "txn_type=web_accept&payment_status=Completed&txn_id={txn}&mc_gross=5.00&mc_currency=USD\
         &payer_email=nobody%40example.org&receiver_email=payments%40example.org"
    )
}

fn post_form(addr: &str, path: &str, body: &str) -> common::Reply {
    common::request(
        addr,
        "POST",
        path,
        None,
        Some(body),
        &[("Content-Type", "application/x-www-form-urlencoded")],
    )
}

#[test]
fn the_paypal_webhook_is_bounded_in_size_rate_and_what_it_keeps() {
    let mut report = suites::Report::new("paypal webhook bounds");
    let (url, seen) = common::http_receiver(|_| (200, "INVALID".into()));
    let s = common::Server::start_with("ipnbounds", &["--paypal-rate", "5"], None);
    let a = s.addr.clone();
    common::exec(
        &s.db.url,
        &format!("update dues.setting set value = '{url}' where name = 'paypal_verify_url'"),
    );
    let count = || common::query_value(&s.db.url, "select count(*) from dues.ipn_message");
    let big = format!("{}&pad={}", ipn_for_us("BIG"), "x".repeat(33 << 10));
    let r = post_form(&a, "/webhooks/paypal", &big);
    report.check(
        r.status == 413 && count() == "0",
        format!(
            "a 33 KiB body: {} and nothing stored ({} rows)",
            r.status,
            count()
        ),
    );
    let junk = post_form(&a, "/webhooks/paypal", "hello, this is no form");
    let again = post_form(
        &a,
        "/webhooks/paypal",
        "txn_id=X&receiver_email=thief%40example.org",
    );
    let state = common::query_value(
        &s.db.url,
        "select string_agg(state, ',') from dues.ipn_message",
    );
    report.check(
        junk.status == 200 && state == "rejected",
        format!(
            "a body that is no notification for us is kept once, as rejected: {} {state}",
            junk.status
        ),
    );
    report.check(
        again.status == 429
            && again.json()["code"] == "DUH21"
            && again.header("retry-after") == Some("60")
            && count() == "1",
        format!(
            "another within the minute from the same address: {} {}, {} rows",
            again.status,
            again.body,
            count()
        ),
    );
    for txn in ["OURS1", "OURS2"] {
        let r = post_form(&a, "/webhooks/paypal", &ipn_for_us(txn));
        report.check(
            r.status == 200,
            format!("a notification for us: {}", r.status),
        );
    }
    let limited = post_form(&a, "/webhooks/paypal", &ipn_for_us("OURS3"));
    report.check(
        limited.status == 429
            && limited.json()["code"] == "DUH20"
            && limited.header("retry-after").is_some(),
        format!(
            "the 6th request of the minute with --paypal-rate 5: {} {}",
            limited.status, limited.body
        ),
    );
    let out = s.dues(&["worker", "--once", "--smtp-url", "smtp://127.0.0.1:9"]);
    report.check(out.status.success(), "a worker round ran");
    let forwarded = seen.lock().unwrap().clone();
    report.check(
        forwarded.len() == 2
            && forwarded
                .iter()
                .all(|b| b.contains("receiver_email=payments")),
        format!("only the notifications for us went to the verification URL: {forwarded:?}"),
    );
    report.finish();
}

#[test]
fn idempotency_answers_are_kept_for_callers_with_a_token_changing_data_only() {
    let mut report = suites::Report::new("idempotency bounds");
    let mut s = common::Server::start("idembounds");
    let a = s.addr.clone();
    let staff = s.token(&["--staff"]);
    let m = suites::make_members(&a, &staff, 1, "idem")[0];
    let stored = |s: &common::Server| {
        common::query_value(&s.db.url, "select count(*) from dues.idempotency")
    };
    for i in 0..20 {
        let key = format!("anon-{i}");
        common::request(
            &a,
            "POST",
            "/rpc/rule_list",
            None,
            Some("{}"),
            &[("Idempotency-Key", &key)],
        );
    }
    let read = common::request(
        &a,
        "POST",
        "/rpc/member_balance",
        Some(&staff),
        Some(&format!(r#"{{"member_id":{m}}}"#)),
        &[("Idempotency-Key", "read-1")],
    );
    report.check(
        read.status == 200 && stored(&s) == "0",
        format!(
            "20 anonymous calls and a read with keys store nothing: {} rows",
            stored(&s)
        ),
    );
    let pay = |body: &str, key: &str| {
        common::request(
            &a,
            "POST",
            "/rpc/register_payment",
            Some(&staff),
            Some(body),
            &[("Idempotency-Key", key)],
        )
    };
    let first = pay(
        &format!(r#"{{"member_id":{m},"amount":"5.00","method":"cash"}}"#),
        "k1",
    );
    let same = pay(
        &format!("{{ \"method\" : \"cash\",\n  \"amount\":\"5.00\", \"member_id\": {m} }}"),
        "k1",
    );
    report.check(
        first.status == 200
            && same.status == 200
            && same.header("idempotency-replayed") == Some("true"),
        format!(
            "the same arguments written otherwise replay the answer: {} {}",
            same.status, same.body
        ),
    );
    common::exec(
        &s.db.url,
        "update dues.setting set value = '3' where name = 'idempotency_max_keys'",
    );
    let body = format!(r#"{{"member_id":{m},"amount":"1.00","method":"cash"}}"#);
    let (k2, k3, k4) = (pay(&body, "k2"), pay(&body, "k3"), pay(&body, "k4"));
    report.check(
        k2.status == 200 && k3.status == 200 && k4.status == 429 && k4.json()["code"] == "DU073",
        format!(
            "a 4th live key of a caller limited to 3: {} {}",
            k4.status, k4.body
        ),
    );
    let retry = pay(&body, "k2");
    report.check(
        retry.status == 200 && retry.header("idempotency-replayed") == Some("true"),
        "a retry with a key it holds still replays",
    );
    common::exec(
        &s.db.url,
        "update dues.idempotency set created_at = now() - interval '25 hours' where key = 'k1'",
    );
    s.restart(&[]);
    report.check(
        wait_for_value(
            &s.db.url,
            "select count(*) from dues.idempotency where key = 'k1'",
            "0",
        ),
        "dues serve itself removes an expired answer",
    );
    report.finish();
}

#[test]
fn a_function_the_caller_may_not_call_answers_as_one_that_does_not_exist() {
    let mut report = suites::Report::new("rights before arguments");
    let s = common::Server::start("rightsfirst");
    let a = s.addr.clone();
    let staff = s.token(&["--staff"]);
    let m = suites::make_members(&a, &staff, 1, "rights")[0];
    let member = s.token(&["--member", &m.to_string()]);
    let none = common::post(&a, "no_such_function", None, "{}");
    let masked = |r: &common::Reply, name: &str| r.body.replace(name, "<name>");
    let staff_doc = common::get(&a, "/openapi.json", Some(&staff)).json();
    let mut told = Vec::new();
    for (who, token) in [("anonymous", None), ("a member", Some(member.as_str()))] {
        let doc = common::get(&a, "/openapi.json", token).json();
        for path in staff_doc["paths"].as_object().unwrap().keys() {
            if doc["paths"].get(path).is_some() {
                continue;
            }
            let name = path.trim_start_matches("/rpc/");
            let r = common::post(&a, name, token, "{}");
            if r.status != 404 || masked(&r, name) != masked(&none, "no_such_function") {
                told.push(format!("{who}: {name}: {} {}", r.status, r.body));
            }
        }
    }
    report.check(
        told.is_empty(),
        format!("no function outside a caller's document answers otherwise than a missing one: {told:?}"),
    );
    report.finish();
}

#[test]
fn metrics_can_require_a_token() {
    let mut report = suites::Report::new("metrics token");
    let s =
        common::Server::start_with("metricstoken", &["--metrics-token", "s3cret-metrics"], None);
    let a = s.addr.clone();
    let open = common::get(&a, "/metrics", None);
    let wrong = common::get(&a, "/metrics", Some("guess"));
    let right = common::get(&a, "/metrics", Some("s3cret-metrics"));
    report.check(
        open.status == 401
            && open.json()["code"] == "DUH19"
            && open.header("www-authenticate") == Some("Bearer"),
        format!("without the token: {} {}", open.status, open.body),
    );
    report.check(
        wrong.status == 401,
        format!("with another: {}", wrong.status),
    );
    report.check(
        right.status == 200 && right.body.contains("dues_http_requests_total"),
        format!("with it: {}", right.status),
    );
    report.finish();
}
