//! `GET /metrics`: requests by function and status, a latency histogram and
//! the pool's connections, in Prometheus' text format.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 13] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Default)]
struct Counts {
    requests: BTreeMap<(String, u16), u64>,
    buckets: [u64; BUCKETS.len()],
    sum: f64,
    count: u64,
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
        *c.requests
            .entry((function.to_string(), status))
            .or_insert(0) += 1;
        let secs = took.as_secs_f64();
        for (i, le) in BUCKETS.iter().enumerate() {
            if secs <= *le {
                c.buckets[i] += 1;
            }
        }
        c.sum += secs;
        c.count += 1;
    }

    pub fn render(&self, pool: deadpool_postgres::Status) -> String {
        let mut out = String::new();
        let Ok(c) = self.counts.lock() else {
            return out;
        };
        let _ = writeln!(
            out,
            "# HELP dues_http_requests_total HTTP requests by api function and status."
        );
        let _ = writeln!(out, "# TYPE dues_http_requests_total counter");
        for ((f, status), n) in &c.requests {
            let _ = writeln!(
                out,
                "dues_http_requests_total{{function=\"{}\",status=\"{status}\"}} {n}",
                escape(f)
            );
        }
        let _ = writeln!(
            out,
            "# HELP dues_http_request_duration_seconds Time from request to response."
        );
        let _ = writeln!(out, "# TYPE dues_http_request_duration_seconds histogram");
        for (i, le) in BUCKETS.iter().enumerate() {
            let _ = writeln!(
                out,
                "dues_http_request_duration_seconds_bucket{{le=\"{le}\"}} {}",
                c.buckets[i]
            );
        }
        let _ = writeln!(
            out,
            "dues_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {}",
            c.count
        );
        let _ = writeln!(out, "dues_http_request_duration_seconds_sum {}", c.sum);
        let _ = writeln!(out, "dues_http_request_duration_seconds_count {}", c.count);
        let _ = writeln!(
            out,
            "# HELP dues_pool_connections Database connections of the pool."
        );
        let _ = writeln!(out, "# TYPE dues_pool_connections gauge");
        let _ = writeln!(
            out,
            "dues_pool_connections{{state=\"in_use\"}} {}",
            pool.size.saturating_sub(pool.available)
        );
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
            "# HELP dues_pool_waiting Requests waiting for a database connection."
        );
        let _ = writeln!(out, "# TYPE dues_pool_waiting gauge");
        let _ = writeln!(out, "dues_pool_waiting {}", pool.waiting);
        out
    }
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
    fn counts_and_buckets() {
        let m = Metrics::default();
        m.record("member_balance", 200, Duration::from_millis(3));
        m.record("member_balance", 200, Duration::from_millis(30));
        m.record("(health)", 503, Duration::from_millis(1));
        let text = m.render(deadpool_postgres::Status {
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
        assert!(text.contains("dues_pool_connections{state=\"in_use\"} 2"));
    }
}
