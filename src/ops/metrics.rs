//! Counters the daemon keeps for `/metrics`, rendered in Prometheus' text exposition format.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Upper bounds (seconds) of the handler latency histogram's buckets.
const BUCKETS: [f64; 10] = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5];

#[derive(Debug, Default)]
pub struct Metrics {
    events: [AtomicU64; 3],
    event_errors: AtomicU64,
    sent: AtomicU64,
    failed: AtomicU64,
    retried: AtomicU64,
    rate_limited: AtomicU64,
    latency_buckets: [AtomicU64; BUCKETS.len()],
    latency_count: AtomicU64,
    latency_sum_micros: AtomicU64,
}

/// What the daemon knows only when scraped (read from the database and the listeners).
#[derive(Debug, Clone, Default)]
pub struct Gauges {
    pub outbox_pending: i64,
    pub outbox_failed: i64,
}

const PLATFORMS: [&str; 3] = ["local", "slack", "discord"];

fn bump(counter: &AtomicU64, by: u64) {
    counter.fetch_add(by, Ordering::Relaxed);
}

impl Metrics {
    /// One incoming event handled (or refused with an error) in `took`.
    pub fn event(&self, platform: &str, took: Duration, ok: bool) {
        if let Some(i) = PLATFORMS.iter().position(|p| *p == platform) {
            bump(&self.events[i], 1);
        }
        if !ok {
            bump(&self.event_errors, 1);
        }
        let secs = took.as_secs_f64();
        for (bound, bucket) in BUCKETS.iter().zip(&self.latency_buckets) {
            if secs <= *bound {
                bump(bucket, 1);
            }
        }
        bump(&self.latency_count, 1);
        bump(&self.latency_sum_micros, took.as_micros() as u64);
    }

    /// One dispatcher pass's outcome.
    pub fn deliveries(&self, sent: usize, failed: usize, retried: usize) {
        bump(&self.sent, sent as u64);
        bump(&self.failed, failed as u64);
        bump(&self.retried, retried as u64);
    }

    /// A platform answered 429.
    pub fn rate_limited(&self) {
        bump(&self.rate_limited, 1);
    }

    pub fn render(&self, gauges: &Gauges) -> String {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        let mut out = String::new();
        let mut metric = |name: &str, kind: &str, help: &str| {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
        };
        metric(
            "nibble_events_handled_total",
            "counter",
            "Incoming platform events handled.",
        );
        let mut lines = String::new();
        for (p, c) in PLATFORMS.iter().zip(&self.events) {
            let _ = writeln!(
                lines,
                "nibble_events_handled_total{{platform=\"{p}\"}} {}",
                get(c)
            );
        }
        out.push_str(&lines);
        let simple: [(&str, &str, &str, u64); 5] = [
            (
                "nibble_event_errors_total",
                "counter",
                "Events whose handling failed.",
                get(&self.event_errors),
            ),
            (
                "nibble_deliveries_sent_total",
                "counter",
                "Outbox messages sent to a platform.",
                get(&self.sent),
            ),
            (
                "nibble_deliveries_failed_total",
                "counter",
                "Outbox messages given up on.",
                get(&self.failed),
            ),
            (
                "nibble_deliveries_retried_total",
                "counter",
                "Sends deferred for a retry (rate limit or transient error).",
                get(&self.retried),
            ),
            (
                "nibble_rate_limited_total",
                "counter",
                "429 answers from a platform.",
                get(&self.rate_limited),
            ),
        ];
        for (name, kind, help, value) in simple {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}"
            );
        }
        for (name, help, value) in [
            (
                "nibble_outbox_pending",
                "Outbox messages waiting to be sent.",
                gauges.outbox_pending,
            ),
            (
                "nibble_outbox_failed",
                "Outbox messages that failed for good.",
                gauges.outbox_failed,
            ),
        ] {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}"
            );
        }
        let name = "nibble_handler_latency_seconds";
        let _ = writeln!(
            out,
            "# HELP {name} Time to handle one incoming event.\n# TYPE {name} histogram"
        );
        for (bound, bucket) in BUCKETS.iter().zip(&self.latency_buckets) {
            let _ = writeln!(out, "{name}_bucket{{le=\"{bound}\"}} {}", get(bucket));
        }
        let count = get(&self.latency_count);
        let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {count}");
        let _ = writeln!(
            out,
            "{name}_sum {}",
            get(&self.latency_sum_micros) as f64 / 1e6
        );
        let _ = writeln!(out, "{name}_count {count}");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_prometheus_text_with_cumulative_buckets() {
        let m = Metrics::default();
        m.event("slack", Duration::from_millis(3), true);
        m.event("slack", Duration::from_millis(300), false);
        m.event("discord", Duration::from_millis(20), true);
        m.deliveries(5, 1, 2);
        m.rate_limited();
        let text = m.render(&Gauges {
            outbox_pending: 7,
            outbox_failed: 1,
        });
        for line in [
            "nibble_events_handled_total{platform=\"slack\"} 2",
            "nibble_events_handled_total{platform=\"discord\"} 1",
            "nibble_event_errors_total 1",
            "nibble_deliveries_sent_total 5",
            "nibble_rate_limited_total 1",
            "nibble_outbox_pending 7",
            "nibble_handler_latency_seconds_bucket{le=\"0.005\"} 1",
            "nibble_handler_latency_seconds_bucket{le=\"0.025\"} 2",
            "nibble_handler_latency_seconds_bucket{le=\"+Inf\"} 3",
            "nibble_handler_latency_seconds_count 3",
        ] {
            assert!(
                text.lines().any(|l| l == line),
                "missing `{line}` in\n{text}"
            );
        }
    }
}
