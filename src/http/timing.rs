//! The stages of a call, timed (PostgREST's `withTiming`): sent back as
//! `Server-Timing` and counted in the stage histograms of `/metrics`.

use std::time::{Duration, Instant};

/// Laps since the request began.
pub struct Timing {
    last: Instant,
    pub stages: Vec<(&'static str, Duration)>,
}

impl Timing {
    pub fn start() -> Timing {
        Timing {
            last: Instant::now(),
            stages: Vec::with_capacity(6),
        }
    }

    /// Ends `stage` now; the next one starts.
    pub fn lap(&mut self, stage: &'static str) {
        let now = Instant::now();
        self.stages.push((stage, now - self.last));
        self.last = now;
    }

    /// A stage timed elsewhere (in the task that holds the connection); the next starts now.
    pub fn add(&mut self, stage: &'static str, took: Duration) {
        self.stages.push((stage, took));
        self.last = Instant::now();
    }

    /// `request;dur=0.412, plan;dur=0.020, …` (milliseconds).
    pub fn header(&self) -> String {
        use std::fmt::Write;
        let mut out = String::with_capacity(16 * self.stages.len());
        for (i, (stage, took)) in self.stages.iter().enumerate() {
            let us = took.as_micros();
            let sep = if i == 0 { "" } else { ", " };
            let _ = write!(out, "{sep}{stage};dur={}.{:03}", us / 1000, us % 1000);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_names_each_stage_in_milliseconds() {
        let mut t = Timing::start();
        t.lap("request");
        t.add("db", Duration::from_micros(1500));
        let h = t.header();
        assert!(h.starts_with("request;dur="), "{h}");
        assert!(h.ends_with(", db;dur=1.500"), "{h}");
    }
}
