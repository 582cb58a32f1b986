//! A rate limit per client address: a token bucket that holds `per`
//! requests and refills `per` every `window`.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Addresses remembered before full buckets are forgotten.
const ADDRESSES_KEPT: usize = 10_000;

pub struct Limiter {
    per: u32,
    window: Duration,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
}

struct Bucket {
    tokens: f64,
    at: Instant,
}

impl Limiter {
    /// At most `per` requests per `window` and address; 0: no limit.
    pub fn new(per: u32, window: Duration) -> Limiter {
        Limiter {
            per,
            window,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one request from `who`'s bucket; Err is the seconds to wait.
    pub fn admit(&self, who: IpAddr) -> Result<(), u64> {
        self.admit_at(who, Instant::now())
    }

    fn admit_at(&self, who: IpAddr, now: Instant) -> Result<(), u64> {
        if self.per == 0 {
            return Ok(());
        }
        let Ok(mut buckets) = self.buckets.lock() else {
            return Ok(());
        };
        let (per, rate) = (self.per as f64, self.per as f64 / self.window.as_secs_f64());
        if buckets.len() >= ADDRESSES_KEPT && !buckets.contains_key(&who) {
            buckets.retain(|_, b| b.tokens + rate * now.duration_since(b.at).as_secs_f64() < per);
        }
        let b = buckets.entry(who).or_insert(Bucket {
            tokens: per,
            at: now,
        });
        b.tokens = (b.tokens + rate * now.duration_since(b.at).as_secs_f64()).min(per);
        b.at = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - b.tokens) / rate).ceil().max(1.0) as u64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_empties_and_refills_per_address() {
        let l = Limiter::new(3, Duration::from_secs(60));
        let (a, b): (IpAddr, IpAddr) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        let t = Instant::now();
        for _ in 0..3 {
            assert_eq!(l.admit_at(a, t), Ok(()));
        }
        assert_eq!(l.admit_at(a, t), Err(20), "one request every 20 s");
        assert_eq!(l.admit_at(b, t), Ok(()), "another address has its own");
        assert_eq!(l.admit_at(a, t + Duration::from_secs(20)), Ok(()));
        assert!(Limiter::new(0, Duration::from_secs(60))
            .admit_at(a, t)
            .is_ok());
    }
}
