//! What `GET /metrics` shows, in Prometheus' text format: requests by
//! function and status, a latency histogram, one histogram per stage of a
//! call (request, caller, plan, pool, db, render) and the pool's connections.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 16] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
    5.0, 10.0,
];

#[derive(Default, Clone)]
struct Histogram {
    buckets: [u64; BUCKETS.len()],
    sum: f64,
    count: u64,
}

impl Histogram {
    fn observe(&mut self, took: Duration) {
        let secs = took.as_secs_f64();
        for (i, le) in BUCKETS.iter().enumerate() {
            if secs <= *le {
                self.buckets[i] += 1;
            }
        }
        self.sum += secs;
        self.count += 1;
    }

    fn render(&self, out: &mut String, name: &str, labels: &str) {
        let sep = if labels.is_empty() { "" } else { "," };
        for (i, le) in BUCKETS.iter().enumerate() {
            let _ = writeln!(
                out,
                "{name}_bucket{{{labels}{sep}le=\"{le}\"}} {}",
                self.buckets[i]
            );
        }
        let _ = writeln!(
            out,
            "{name}_bucket{{{labels}{sep}le=\"+Inf\"}} {}",
            self.count
        );
        let braces = |s: &str| {
            if s.is_empty() {
                String::new()
            } else {
                format!("{{{s}}}")
            }
        };
        let _ = writeln!(out, "{name}_sum{} {}", braces(labels), self.sum);
        let _ = writeln!(out, "{name}_count{} {}", braces(labels), self.count);
    }
}

#[derive(Default)]
struct Counts {
    requests: BTreeMap<String, BTreeMap<u16, u64>>,
    latency: Histogram,
    stages: BTreeMap<&'static str, Histogram>,
}

#[derive(Default)]
pub struct Metrics {
    counts: Mutex<Counts>,
}

impl Metrics {
    /// Counts one request; `function` is the api function or `(endpoint)`.
    pub fn record(&self, function: &str, status: u16, took: Duration) {
        let Ok(mut c) = self.counts.lock() else {
            return;
        };
        match c
            .requests
            .get_mut(function)
            .and_then(|s| s.get_mut(&status))
        {
            Some(n) => *n += 1,
            None => {
                *c.requests
                    .entry(function.to_string())
                    .or_default()
                    .entry(status)
                    .or_default() += 1
            }
        }
        c.latency.observe(took);
    }

    /// Times the stages of one call.
    pub fn record_stages(&self, stages: &[(&'static str, Duration)]) {
        let Ok(mut c) = self.counts.lock() else {
            return;
        };
        for (stage, took) in stages {
            c.stages.entry(stage).or_default().observe(*took);
        }
    }

    pub fn render(&self, pool: deadpool::managed::Status) -> String {
        let mut out = String::new();
        let Ok(c) = self.counts.lock() else {
            return out;
        };
        let mut help = |name: &str, kind: &str, text: &str| {
            let _ = writeln!(out, "# HELP {name} {text}\n# TYPE {name} {kind}");
        };
        help(
            "dues_http_requests_total",
            "counter",
            "HTTP requests by api function and status.",
        );
        for (f, statuses) in &c.requests {
            for (status, n) in statuses {
                let _ = writeln!(
                    out,
                    "dues_http_requests_total{{function=\"{}\",status=\"{status}\"}} {n}",
                    escape(f)
                );
            }
        }
        let latency = "dues_http_request_duration_seconds";
        let _ = writeln!(
            out,
            "# HELP {latency} Time from request to response.\n# TYPE {latency} histogram"
        );
        c.latency.render(&mut out, latency, "");
        let stage = "dues_http_stage_duration_seconds";
        let _ = writeln!(
            out,
            "# HELP {stage} Time of each stage of a call to /rpc (as in its Server-Timing header).\n# TYPE {stage} histogram"
        );
        for (name, h) in &c.stages {
            h.render(&mut out, stage, &format!("stage=\"{name}\""));
        }
        render_pool(&mut out, pool);
        out
    }
}

fn render_pool(out: &mut String, pool: deadpool::managed::Status) {
    let _ = writeln!(
        out,
        "# HELP dues_pool_connections Database connections of the pool.\n# TYPE dues_pool_connections gauge"
    );
    let in_use = pool.size.saturating_sub(pool.available);
    let _ = writeln!(out, "dues_pool_connections{{state=\"in_use\"}} {in_use}");
    let _ = writeln!(
        out,
        "dues_pool_connections{{state=\"idle\"}} {}",
        pool.available
    );
    let _ = writeln!(
        out,
        "dues_pool_connections{{state=\"max\"}} {}",
        pool.max_size
    );
    let _ = writeln!(
        out,
        "# HELP dues_pool_waiting Requests waiting for a database connection.\n# TYPE dues_pool_waiting gauge"
    );
    let _ = writeln!(out, "dues_pool_waiting {}", pool.waiting);
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_buckets_and_stages() {
        let m = Metrics::default();
        m.record("member_balance", 200, Duration::from_millis(3));
        m.record("member_balance", 200, Duration::from_millis(30));
        m.record("(health)", 503, Duration::from_millis(1));
        m.record_stages(&[
            ("plan", Duration::from_micros(20)),
            ("db", Duration::from_millis(2)),
        ]);
        let text = m.render(deadpool::managed::Status {
            max_size: 8,
            size: 3,
            available: 1,
            waiting: 0,
        });
        assert!(
            text.contains("dues_http_requests_total{function=\"member_balance\",status=\"200\"} 2")
        );
        assert!(text.contains("dues_http_request_duration_seconds_bucket{le=\"0.005\"} 2"));
        assert!(text.contains("dues_http_request_duration_seconds_count 3"));
        assert!(text
            .contains("dues_http_stage_duration_seconds_bucket{stage=\"plan\",le=\"0.0001\"} 1"));
        assert!(text.contains("dues_http_stage_duration_seconds_count{stage=\"db\"} 1"));
        assert!(text.contains("dues_pool_connections{state=\"in_use\"} 2"));
    }
}
