//! duesbench: the load generator and the report of dues' benchmarks (see
//! bench/run). Not part of dues; built only by bench/run.
//!
//! duesbench load --url URL --connections N --duration S --script FILE [--members LO-HI] [--tag T] [--var k=v]… [--iterations N]
//!     HTTP/1.1 keep-alive load, one connection per client, on one thread.
//!     Prints one JSON line: iterations, requests, errors, throughput, p50, p99.
//! duesbench pgbench --stdout FILE --logs DIR
//!     pgbench's own tps and the p50/p99 of its per-transaction log (-l).
//! duesbench startup --url URL -- CMD ARG…
//!     Starts CMD, polls URL until it answers 200, prints the time, stops CMD.
//! duesbench verify-server --listen ADDR
//!     Answers VERIFIED to every request (a stand-in for PayPal's IPN check).
//! duesbench report --results FILE
//!     The markdown table and the ratios against the targets.
//!
//! A script is JSON: {"steps": [{"method", "path", "body", "content_type",
//! "extract": {"name": "/json/pointer"}}, …]}. In path and body, {m} is a
//! random member id in --members, {n} a number unique in the run (with the
//! tag: "{tag}-{n}" makes unique strings), {name} a value extracted by an
//! earlier step of the same iteration or given with --var. One iteration runs
//! every step in order; its latency is the whole sequence.

use serde_json::{json, Value};
use std::collections::HashMap;
use std::io::Write;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(cmd) = args.first() else {
        usage();
    };
    let rest = &args[1..];
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let code = match cmd.as_str() {
        "load" => rt.block_on(load(rest)),
        "pgbench" => pgbench(rest),
        "startup" => rt.block_on(startup(rest)),
        "verify-server" => tokio::task::LocalSet::new().block_on(&rt, verify_server(rest)),
        "report" => report(rest),
        _ => usage(),
    };
    std::process::exit(code);
}

fn usage() -> ! {
    eprintln!("usage: duesbench (load|pgbench|startup|verify-server|report) …; see the top of bench/duesbench/src/main.rs");
    std::process::exit(2);
}

fn opt<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
}

fn opts<'a>(args: &'a [String], name: &str) -> Vec<&'a str> {
    args.windows(2)
        .filter(|w| w[0] == name)
        .map(|w| w[1].as_str())
        .collect()
}

fn need<'a>(args: &'a [String], name: &str) -> &'a str {
    opt(args, name).unwrap_or_else(|| {
        eprintln!("duesbench: {name} is required");
        std::process::exit(2)
    })
}

/// host:port out of http://host:port[/…]
fn authority(url: &str) -> String {
    url.trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap_or("")
        .to_string()
}

// ---------------------------------------------------------------- HTTP client

struct Conn {
    addr: String,
    stream: Option<TcpStream>,
    buf: Vec<u8>,
}

struct Response {
    status: u16,
    body: Vec<u8>,
}

impl Conn {
    fn new(addr: &str) -> Conn {
        Conn {
            addr: addr.to_string(),
            stream: None,
            buf: Vec::with_capacity(16 * 1024),
        }
    }

    async fn request(&mut self, raw: &[u8]) -> std::io::Result<Response> {
        // one retry on a connection the server closed between requests
        for attempt in 0..2 {
            if self.stream.is_none() {
                let s = TcpStream::connect(&self.addr).await?;
                s.set_nodelay(true)?;
                self.stream = Some(s);
                self.buf.clear();
            }
            match self.exchange(raw).await {
                Ok((r, keep)) => {
                    if !keep {
                        self.stream = None;
                    }
                    return Ok(r);
                }
                Err(e) => {
                    self.stream = None;
                    if attempt == 1 {
                        return Err(e);
                    }
                }
            }
        }
        unreachable!()
    }

    async fn exchange(&mut self, raw: &[u8]) -> std::io::Result<(Response, bool)> {
        let stream = self.stream.as_mut().unwrap();
        stream.write_all(raw).await?;
        let eof = || std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "connection closed");
        // headers
        let head_end = loop {
            if let Some(i) = find(&self.buf, b"\r\n\r\n") {
                break i + 4;
            }
            if stream.read_buf(&mut self.buf).await? == 0 {
                return Err(eof());
            }
        };
        let head = String::from_utf8_lossy(&self.buf[..head_end]).to_string();
        let mut lines = head.split("\r\n");
        let status: u16 = lines
            .next()
            .and_then(|l| l.split(' ').nth(1))
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let (mut length, mut chunked, mut keep) = (None, false, true);
        for l in lines {
            if let Some((k, v)) = l.split_once(':') {
                let (k, v) = (k.trim().to_ascii_lowercase(), v.trim().to_ascii_lowercase());
                match k.as_str() {
                    "content-length" => length = v.parse::<usize>().ok(),
                    "transfer-encoding" => chunked = v.contains("chunked"),
                    "connection" => keep = !v.contains("close"),
                    _ => {}
                }
            }
        }
        self.buf.drain(..head_end);
        let body = if chunked {
            let mut body = Vec::new();
            loop {
                let line_end = loop {
                    if let Some(i) = find(&self.buf, b"\r\n") {
                        break i;
                    }
                    if stream.read_buf(&mut self.buf).await? == 0 {
                        return Err(eof());
                    }
                };
                let size_text = String::from_utf8_lossy(&self.buf[..line_end]).to_string();
                let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
                    .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidData, "bad chunk"))?;
                while self.buf.len() < line_end + 2 + size + 2 {
                    if stream.read_buf(&mut self.buf).await? == 0 {
                        return Err(eof());
                    }
                }
                body.extend_from_slice(&self.buf[line_end + 2..line_end + 2 + size]);
                self.buf.drain(..line_end + 2 + size + 2);
                if size == 0 {
                    break body;
                }
            }
        } else if let Some(n) = length {
            while self.buf.len() < n {
                if stream.read_buf(&mut self.buf).await? == 0 {
                    return Err(eof());
                }
            }
            self.buf.drain(..n).collect()
        } else if status == 204 || status == 304 {
            Vec::new()
        } else {
            // read to the end
            while stream.read_buf(&mut self.buf).await? != 0 {}
            keep = false;
            std::mem::take(&mut self.buf)
        };
        Ok((Response { status, body }, keep))
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

// ---------------------------------------------------------------- load

struct Step {
    method: String,
    path: String,
    body: Option<String>,
    content_type: String,
    extract: Vec<(String, String)>,
    graphql: bool,
}

struct Plan {
    addr: String,
    headers: String,
    steps: Vec<Step>,
    members: (u64, u64),
    tag: String,
    vars: HashMap<String, String>,
    /// Stop after this many iterations in all (0: run for the duration).
    limit: u64,
}

#[derive(Default)]
struct Tally {
    iterations: u64,
    requests: u64,
    errors: u64,
    latencies_us: Vec<u32>,
    /// Per step of the script: the latency of each successful request.
    step_us: Vec<Vec<u32>>,
    statuses: HashMap<u16, u64>,
    samples: Vec<String>,
}

fn fill(template: &str, vars: &HashMap<String, String>) -> String {
    if !template.contains('{') {
        return template.to_string();
    }
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        match after.find('}') {
            Some(j) if vars.contains_key(&after[..j]) => {
                out.push_str(&vars[&after[..j]]);
                rest = &after[j + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545F4914F6CDD1D)
    }
}

async fn client(plan: Rc<Plan>, id: u64, deadline: Instant, counter: Rc<AtomicU64>) -> Tally {
    let mut conn = Conn::new(&plan.addr);
    let mut rng = Rng(0x9E3779B97F4A7C15 ^ (id + 1).wrapping_mul(0xD1B54A32D192ED03));
    let mut t = Tally {
        step_us: vec![Vec::new(); plan.steps.len()],
        ..Tally::default()
    };
    let (lo, hi) = plan.members;
    while Instant::now() < deadline {
        let mut vars = plan.vars.clone();
        let n = counter.fetch_add(1, Ordering::Relaxed);
        if plan.limit > 0 && n > plan.limit {
            break;
        }
        vars.insert("n".into(), n.to_string());
        vars.insert("tag".into(), plan.tag.clone());
        vars.insert("m".into(), (lo + rng.next() % (hi - lo + 1)).to_string());
        let started = Instant::now();
        let mut ok = true;
        for (index, step) in plan.steps.iter().enumerate() {
            let path = fill(&step.path, &vars);
            let body = step.body.as_ref().map(|b| fill(b, &vars));
            let mut raw = format!("{} {} HTTP/1.1\r\nHost: {}\r\n{}", step.method, path, plan.addr, plan.headers);
            if let Some(b) = &body {
                raw.push_str(&format!(
                    "Content-Type: {}\r\nContent-Length: {}\r\n\r\n{}",
                    step.content_type,
                    b.len(),
                    b
                ));
            } else {
                raw.push_str("\r\n");
            }
            t.requests += 1;
            let sent = Instant::now();
            let r = match conn.request(raw.as_bytes()).await {
                Ok(r) => r,
                Err(e) => {
                    if t.samples.len() < 3 {
                        t.samples.push(format!("{} {}: {e}", step.method, path));
                    }
                    *t.statuses.entry(0).or_default() += 1;
                    ok = false;
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    break;
                }
            };
            *t.statuses.entry(r.status).or_default() += 1;
            let mut good = (200..300).contains(&r.status);
            if good {
                t.step_us[index].push(sent.elapsed().as_micros().min(u32::MAX as u128) as u32);
            }
            let parsed: Option<Value> = if (good && (step.graphql || !step.extract.is_empty())) || !good {
                serde_json::from_slice(&r.body).ok()
            } else {
                None
            };
            if good && step.graphql {
                good = parsed.as_ref().map(|v| v.get("errors").is_none()).unwrap_or(false);
            }
            if good {
                for (name, pointer) in &step.extract {
                    match parsed.as_ref().and_then(|v| v.pointer(pointer)) {
                        Some(Value::String(s)) => {
                            vars.insert(name.clone(), s.clone());
                        }
                        Some(v) if !v.is_null() => {
                            vars.insert(name.clone(), v.to_string());
                        }
                        _ => good = false,
                    }
                }
            }
            if !good {
                if t.samples.len() < 3 {
                    t.samples.push(format!(
                        "{} {} -> {}: {}",
                        step.method,
                        path,
                        r.status,
                        String::from_utf8_lossy(&r.body).chars().take(300).collect::<String>()
                    ));
                }
                ok = false;
                break;
            }
        }
        if ok {
            t.iterations += 1;
            t.latencies_us.push(started.elapsed().as_micros().min(u32::MAX as u128) as u32);
        } else {
            t.errors += 1;
        }
    }
    t
}

fn percentile(sorted: &[u32], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[i.clamp(1, sorted.len()) - 1] as f64 / 1000.0
}

async fn load(args: &[String]) -> i32 {
    let url = need(args, "--url");
    let connections: u64 = need(args, "--connections").parse().expect("--connections");
    let duration: f64 = need(args, "--duration").parse().expect("--duration");
    let script: Value = serde_json::from_str(
        &std::fs::read_to_string(need(args, "--script")).expect("--script: cannot read"),
    )
    .expect("--script: not JSON");
    let members = opt(args, "--members").unwrap_or("1-1");
    let (lo, hi) = members.split_once('-').expect("--members LO-HI");
    let mut headers = String::new();
    for h in opts(args, "--header") {
        headers.push_str(h);
        headers.push_str("\r\n");
    }
    let vars = opts(args, "--var")
        .iter()
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let steps = script["steps"]
        .as_array()
        .expect("script: steps")
        .iter()
        .map(|s| Step {
            method: s["method"].as_str().unwrap_or("GET").to_string(),
            path: s["path"].as_str().expect("step: path").to_string(),
            body: s.get("body").map(|b| match b {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            }),
            content_type: s["content_type"].as_str().unwrap_or("application/json").to_string(),
            extract: s
                .get("extract")
                .and_then(Value::as_object)
                .map(|o| {
                    o.iter()
                        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
                        .collect()
                })
                .unwrap_or_default(),
            graphql: s["graphql"].as_bool().unwrap_or(false),
        })
        .collect();
    let plan = Rc::new(Plan {
        addr: authority(url),
        headers,
        steps,
        members: (lo.parse().expect("members"), hi.parse().expect("members")),
        tag: opt(args, "--tag").unwrap_or("run").to_string(),
        vars,
        limit: opt(args, "--iterations").map(|v| v.parse().expect("--iterations")).unwrap_or(0),
    });
    let counter = Rc::new(AtomicU64::new(1));
    let started = Instant::now();
    let deadline = started + Duration::from_secs_f64(duration);
    let local = tokio::task::LocalSet::new();
    let tallies = local
        .run_until(async {
            let handles: Vec<_> = (0..connections)
                .map(|i| tokio::task::spawn_local(client(plan.clone(), i, deadline, counter.clone())))
                .collect();
            let mut out = Vec::new();
            for h in handles {
                out.push(h.await.expect("client task"));
            }
            out
        })
        .await;
    let elapsed = started.elapsed().as_secs_f64();
    let mut all = Tally {
        step_us: vec![Vec::new(); plan.steps.len()],
        ..Tally::default()
    };
    for t in tallies {
        for (i, v) in t.step_us.into_iter().enumerate() {
            all.step_us[i].extend(v);
        }
        all.iterations += t.iterations;
        all.requests += t.requests;
        all.errors += t.errors;
        all.latencies_us.extend(t.latencies_us);
        for (k, v) in t.statuses {
            *all.statuses.entry(k).or_default() += v;
        }
        for s in t.samples {
            if all.samples.len() < 5 {
                all.samples.push(s);
            }
        }
    }
    all.latencies_us.sort_unstable();
    // p99 of each step's requests, in the script's order (for a script of one step, the iteration's p99)
    let step_p99: Vec<f64> = all
        .step_us
        .iter_mut()
        .map(|v| {
            v.sort_unstable();
            percentile(v, 99.0)
        })
        .collect();
    for s in &all.samples {
        eprintln!("duesbench: error sample: {s}");
    }
    let statuses: serde_json::Map<String, Value> = all
        .statuses
        .iter()
        .map(|(k, v)| (k.to_string(), json!(v)))
        .collect();
    let out = json!({
        "connections": connections,
        "seconds": (elapsed * 100.0).round() / 100.0,
        "iterations": all.iterations,
        "requests": all.requests,
        "errors": all.errors,
        "statuses": statuses,
        "throughput": all.iterations as f64 / elapsed,
        "p50_ms": percentile(&all.latencies_us, 50.0),
        "p99_ms": percentile(&all.latencies_us, 99.0),
        "step_p99_ms": step_p99,
    });
    println!("{out}");
    0
}

// ---------------------------------------------------------------- pgbench

fn pgbench(args: &[String]) -> i32 {
    let stdout = std::fs::read_to_string(need(args, "--stdout")).expect("--stdout: cannot read");
    let tps = stdout
        .lines()
        .find(|l| l.starts_with("tps = "))
        .and_then(|l| l.trim_start_matches("tps = ").split(' ').next())
        .and_then(|v| v.parse::<f64>().ok());
    let count = |prefix: &str| {
        stdout
            .lines()
            .find(|l| l.starts_with(prefix))
            .and_then(|l| l.trim_start_matches(prefix).split_whitespace().next())
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    let processed = count("number of transactions actually processed: ");
    let failed = count("number of failed transactions: ");
    let mut lat: Vec<u32> = Vec::new();
    let dir = need(args, "--logs");
    for entry in std::fs::read_dir(dir).expect("--logs: cannot read") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        for line in text.lines() {
            // client_id transaction_no time script_no time_epoch time_us …
            if let Some(us) = line.split_whitespace().nth(2).and_then(|v| v.parse::<u64>().ok()) {
                lat.push(us.min(u32::MAX as u64) as u32);
            }
        }
    }
    lat.sort_unstable();
    let out = json!({
        "iterations": processed,
        "errors": failed,
        "throughput": tps,
        "p50_ms": percentile(&lat, 50.0),
        "p99_ms": percentile(&lat, 99.0),
    });
    println!("{out}");
    if tps.is_none() {
        eprintln!("duesbench: no tps line in pgbench's output");
        return 1;
    }
    0
}

// ---------------------------------------------------------------- startup

async fn startup(args: &[String]) -> i32 {
    let url = need(args, "--url");
    let Some(sep) = args.iter().position(|a| a == "--") else {
        usage()
    };
    let cmd = &args[sep + 1..];
    let addr = authority(url);
    let path = format!("/{}", url.trim_start_matches("http://").splitn(2, '/').nth(1).unwrap_or(""));
    let raw = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n\r\n");
    let log = opt(args, "--log").unwrap_or("/dev/null");
    let log = std::fs::File::create(log).expect("--log");
    let started = Instant::now();
    let mut child = tokio::process::Command::new(&cmd[0])
        .args(&cmd[1..])
        .stdout(log.try_clone().expect("log"))
        .stderr(log)
        .spawn()
        .expect("cannot start the command");
    let mut result = None;
    while started.elapsed() < Duration::from_secs(60) {
        let mut conn = Conn::new(&addr);
        if let Ok(r) = conn.request(raw.as_bytes()).await {
            if r.status == 200 {
                result = Some(started.elapsed());
                break;
            }
        }
        if let Ok(Some(_)) = child.try_wait() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    if let Some(pid) = child.id() {
        let _ = std::process::Command::new("kill").arg(pid.to_string()).status();
    }
    let _ = tokio::time::timeout(Duration::from_secs(30), child.wait()).await;
    match result {
        Some(d) => {
            println!("{}", json!({"startup_ms": d.as_secs_f64() * 1000.0}));
            0
        }
        None => {
            eprintln!("duesbench: {url} never answered 200");
            1
        }
    }
}

// ---------------------------------------------------------------- verify-server

async fn verify_server(args: &[String]) -> i32 {
    let listen = need(args, "--listen");
    let listener = tokio::net::TcpListener::bind(listen).await.expect("cannot listen");
    println!("verify-server on {listen}");
    let _ = std::io::stdout().flush();
    loop {
        let Ok((mut s, _)) = listener.accept().await else { continue };
        tokio::task::spawn_local(async move {
            let mut buf = Vec::new();
            loop {
                // read one request (headers, then Content-Length bytes), answer, keep the connection
                let head_end = loop {
                    if let Some(i) = find(&buf, b"\r\n\r\n") {
                        break i + 4;
                    }
                    match s.read_buf(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(_) => {}
                    }
                };
                let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
                let n = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .and_then(|v| v.trim().parse::<usize>().ok())
                    .unwrap_or(0);
                while buf.len() < head_end + n {
                    match s.read_buf(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(_) => {}
                    }
                }
                buf.drain(..head_end + n);
                let reply = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 8\r\n\r\nVERIFIED";
                if s.write_all(reply).await.is_err() {
                    return;
                }
            }
        });
    }
}

// ---------------------------------------------------------------- report

fn report(args: &[String]) -> i32 {
    let text = std::fs::read_to_string(need(args, "--results")).expect("--results: cannot read");
    let rows: Vec<Value> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    print!("{}", render(&rows));
    0
}

fn f(v: &Value) -> Option<f64> {
    v.as_f64().filter(|x| x.is_finite())
}

fn num(v: Option<f64>, digits: usize) -> String {
    match v {
        Some(x) => format!("{x:.digits$}"),
        None => "–".into(),
    }
}

/// Results are JSON lines: {"kind":"cell","workload","system","connections",…load fields}
/// or {"kind":"metric","name","value","unit","note"}.
fn render(rows: &[Value]) -> String {
    let mut out = String::new();
    let cells: Vec<&Value> = rows.iter().filter(|r| r["kind"] == "cell").collect();
    let mut workloads: Vec<String> = Vec::new();
    for c in &cells {
        let w = c["workload"].as_str().unwrap_or("").to_string();
        if !workloads.contains(&w) {
            workloads.push(w);
        }
    }
    let find = |w: &str, sys: &str, conns: u64| -> Option<&Value> {
        cells
            .iter()
            .rev()
            .find(|c| c["workload"] == w && c["system"] == sys && c["connections"].as_u64() == Some(conns))
            .copied()
    };
    let thr = |c: Option<&Value>| c.and_then(|c| f(&c["throughput"]));
    let p99 = |c: Option<&Value>| c.and_then(|c| f(&c["p99_ms"]));
    out.push_str("| workload | clients | system | throughput /s | p50 ms | p99 ms | errors | ÷ pgbench (throughput) | ÷ PostGraphile (throughput) | p99 ÷ pgbench p99 |\n");
    out.push_str("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    // (workload, clients, system, vs pgbench, vs peer, p99 vs pgbench)
    let mut ratios: Vec<(String, u64, String, Option<f64>, Option<f64>, Option<f64>)> = Vec::new();
    for w in &workloads {
        let mut conns: Vec<u64> = cells
            .iter()
            .filter(|c| c["workload"] == w.as_str())
            .filter_map(|c| c["connections"].as_u64())
            .collect();
        conns.sort_unstable();
        conns.dedup();
        for n in conns {
            let pg = find(w, "pgbench", n);
            let peer = find(w, "postgraphile", n);
            let mut systems: Vec<String> = Vec::new();
            for c in cells.iter().filter(|c| c["workload"] == w.as_str() && c["connections"].as_u64() == Some(n)) {
                let s = c["system"].as_str().unwrap_or("").to_string();
                if !systems.contains(&s) {
                    systems.push(s);
                }
            }
            systems.sort_by_key(|s| match s.as_str() {
                "pgbench" => 2,
                "postgraphile" => 3,
                _ if s.starts_with("dues") => 1,
                _ => 4,
            });
            for sys in systems {
                let c = find(w, &sys, n);
                let Some(row) = c else { continue };
                let ours = sys.starts_with("dues");
                let (r_pg, r_peer, r_p99) = if ours {
                    (
                        thr(c).zip(thr(pg)).map(|(a, b)| a / b),
                        thr(c).zip(thr(peer)).map(|(a, b)| a / b),
                        p99(c).zip(p99(pg)).map(|(a, b)| a / b),
                    )
                } else {
                    (None, None, None)
                };
                let label = match row["label"].as_str() {
                    Some(l) => format!("{sys} ({l})"),
                    None => sys.clone(),
                };
                out.push_str(&format!(
                    "| {w} | {n} | {label} | {} | {} | {} | {} | {} | {} | {} |\n",
                    num(thr(c), 0),
                    num(f(&row["p50_ms"]), 2),
                    num(p99(c), 2),
                    row["errors"].as_u64().unwrap_or(0),
                    if ours { num(r_pg, 2) } else { String::new() },
                    if ours { num(r_peer, 2) } else { String::new() },
                    if ours { num(r_p99, 2) } else { String::new() },
                ));
                if ours {
                    ratios.push((w.clone(), n, label, r_pg, r_peer, r_p99));
                }
            }
        }
    }
    out.push_str("\n### Ratios against the targets\n\n");
    out.push_str("| workload | clients | system | target | measured | met |\n| --- | ---: | --- | --- | ---: | --- |\n");
    let verdict = |v: Option<f64>, ok: &dyn Fn(f64) -> bool| match v {
        Some(x) if ok(x) => "yes".to_string(),
        Some(_) => "**no**".to_string(),
        None => "–".to_string(),
    };
    let mut met = (0, 0);
    let mut count = |v: &Option<f64>, ok: bool| {
        if v.is_some() {
            met.1 += 1;
            if ok {
                met.0 += 1;
            }
        }
    };
    for (w, n, sys, r_pg, r_peer, r_p99) in &ratios {
        // a read (member_balance) is held to pgbench at every client count: ≥ 0.9 × at 32, ≥ 0.8 × elsewhere, p99 ≤ 1.5 ×;
        // a write to ≥ 0.8 × at 32 clients and p99 ≤ 2 ×
        let read = w == "member_balance";
        let min = match (read, *n == 32) {
            (true, true) => Some(0.9),
            (true, false) => Some(0.8),
            (false, true) => Some(0.8),
            (false, false) => None,
        };
        if let Some(min) = min {
            count(r_pg, r_pg.is_some_and(|x| x >= min));
            out.push_str(&format!("| {w} | {n} | {sys} | throughput ≥ {min} × pgbench | {} | {} |\n", num(*r_pg, 2), verdict(*r_pg, &|x| x >= min)));
        }
        let p99_max = if read { 1.5 } else { 2.0 };
        if r_peer.is_some() {
            count(r_peer, r_peer.is_some_and(|x| x >= 3.0));
            out.push_str(&format!("| {w} | {n} | {sys} | throughput ≥ 3 × PostGraphile | {} | {} |\n", num(*r_peer, 2), verdict(*r_peer, &|x| x >= 3.0)));
        }
        count(r_p99, r_p99.is_some_and(|x| x <= p99_max));
        out.push_str(&format!("| {w} | {n} | {sys} | p99 ≤ {p99_max} × pgbench | {} | {} |\n", num(*r_p99, 2), verdict(*r_p99, &|x| x <= p99_max)));
    }
    // against the limit of a write: plain_write (pgbench -M prepared, one posting-sized insert and one per-member
    // update in a PL/pgSQL function) at the same number of clients, in calls per second (a flow iteration is five)
    let per_call = |c: &Value| f(&c["throughput"]).map(|t| t * c["steps"].as_f64().unwrap_or(1.0));
    let mut limit_rows = String::new();
    // plain_payment and payment_writes are limits too (a payment's five rows on plain tables, then on dues' own
    // tables with no rule): shown against plain_write with no target, and each payment's calls against
    // payment_writes, so the table says what the tables cost and what the rules do
    const LIMITS: [&str; 2] = ["plain_payment", "payment_writes"];
    for w in workloads
        .iter()
        .filter(|w| matches!(w.as_str(), "plain_payment" | "payment_writes" | "register_payment" | "flow"))
    {
        let limit_workload = LIMITS.contains(&w.as_str());
        let mut conns: Vec<u64> = cells
            .iter()
            .filter(|c| c["workload"] == w.as_str())
            .filter_map(|c| c["connections"].as_u64())
            .collect();
        conns.sort_unstable();
        conns.dedup();
        for n in conns {
            let Some(limit) = find("plain_write", "pgbench", n).and_then(per_call) else { continue };
            for sys in ["dues", "dues-big", "pgbench"] {
                let Some(c) = find(w, sys, n) else { continue };
                let Some(calls) = per_call(c) else { continue };
                let ratio = calls / limit;
                let writes_ratio = if limit_workload {
                    None
                } else {
                    find("payment_writes", "pgbench", n).and_then(per_call).map(|writes| calls / writes)
                };
                let label = match c["label"].as_str() {
                    Some(l) => format!("{sys} ({l})"),
                    None => sys.to_string(),
                };
                let (min, p99_max) = match sys {
                    "pgbench" => (0.7, None),
                    _ => (0.5, Some(50.0)),
                };
                let (target, verdict_thr) = if n == 32 && !limit_workload {
                    count(&Some(ratio), ratio >= min);
                    (format!("≥ {min} × plain_write"), verdict(Some(ratio), &|x| x >= min))
                } else {
                    (String::new(), String::new())
                };
                // the p99 of a call: of the iteration for a script of one step, of its slowest step otherwise (the
                // load generator times each request; pgbench's are not compared to this target)
                let steps_p99 = c["step_p99_ms"].as_array().and_then(|v| v.iter().filter_map(|x| x.as_f64()).reduce(f64::max));
                let call_p99 = if c["steps"].as_f64().unwrap_or(1.0) == 1.0 { p99(Some(c)) } else { steps_p99 };
                let (p99_target, p99_verdict) = match (p99_max, n == 32 && !limit_workload) {
                    (Some(max), true) => {
                        count(&call_p99, call_p99.is_some_and(|x| x <= max));
                        (format!("p99 of a call (slowest step) ≤ {max} ms: {}", num(call_p99, 2)), verdict(call_p99, &|x| x <= max))
                    }
                    _ => (String::new(), String::new()),
                };
                limit_rows.push_str(&format!(
                    "| {w} | {n} | {label} | {} | {} | {} | {} | {target} | {verdict_thr} | {} | {p99_target} | {p99_verdict} |\n",
                    num(Some(calls), 0),
                    num(Some(limit), 0),
                    num(Some(ratio), 2),
                    num(writes_ratio, 2),
                    num(p99(Some(c)), 2),
                ));
            }
        }
    }
    if !limit_rows.is_empty() {
        out.push_str("\n### Against the limit of a plain write (plain_write)\n\n");
        out.push_str("| workload | clients | system | calls /s | plain_write /s | ÷ plain_write | ÷ payment_writes | target | met | p99 ms (per iteration) | p99 target | met |\n");
        out.push_str("| --- | ---: | --- | ---: | ---: | ---: | ---: | --- | --- | ---: | --- | --- |\n");
        out.push_str(&limit_rows);
    }
    out.push_str(&format!("\n{} of {} ratio targets met.\n", met.0, met.1));
    let metrics: Vec<&Value> = rows.iter().filter(|r| r["kind"] == "metric").collect();
    if !metrics.is_empty() {
        out.push_str("\n### Other measurements\n\n| measurement | value | target | met | note |\n| --- | ---: | --- | --- | --- |\n");
        for m in metrics {
            let value = f(&m["value"]);
            let target = m["target"].as_str().unwrap_or("");
            let met = match (value, f(&m["max"])) {
                (Some(v), Some(max)) => if v <= max { "yes" } else { "**no**" },
                _ => "",
            };
            out.push_str(&format!(
                "| {} | {}{} {} | {} | {} | {} |\n",
                m["name"].as_str().unwrap_or(""),
                m["prefix"].as_str().unwrap_or(""),
                num(value, m["digits"].as_u64().unwrap_or(1) as usize),
                m["unit"].as_str().unwrap_or(""),
                target,
                met,
                m["note"].as_str().unwrap_or("")
            ));
        }
    }
    out
}
