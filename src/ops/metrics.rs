//! Counters the daemon keeps for `/metrics`, held and rendered by `prometheus-client` (the
//! Prometheus project's own crate) in the OpenMetrics text format.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds (seconds) of the handler latency histogram's buckets.
const BUCKETS: [f64; 10] = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5];

/// The platforms counted; each has its series from the start (at 0), others are not counted.
const PLATFORMS: [&str; 3] = ["local", "slack", "discord"];

/// The content type of `render`'s text.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PlatformLabel {
    platform: &'static str,
}

/// What the daemon counts; counters only go up, the gauges are set when scraped.
#[derive(Debug)]
pub struct Metrics {
    /// Behind a lock only because a scrape sets the gauges and then encodes: two scrapes at once
    /// must not mix their gauge values.
    registry: Mutex<Registry>,
    events: Family<PlatformLabel, Counter>,
    event_errors: Counter,
    sent: Counter,
    failed: Counter,
    retried: Counter,
    rate_limited: Counter,
    outbox_pending: Gauge,
    outbox_failed: Gauge,
    latency: Histogram,
}

/// What the daemon knows only when scraped (read from the database and the listeners).
#[derive(Debug, Clone, Default)]
pub struct Gauges {
    pub outbox_pending: i64,
    pub outbox_failed: i64,
}

impl Default for Metrics {
    fn default() -> Self {
        let m = Metrics {
            registry: Mutex::new(Registry::default()),
            events: Family::default(),
            event_errors: Counter::default(),
            sent: Counter::default(),
            failed: Counter::default(),
            retried: Counter::default(),
            rate_limited: Counter::default(),
            outbox_pending: Gauge::default(),
            outbox_failed: Gauge::default(),
            latency: Histogram::new(BUCKETS),
        };
        for platform in PLATFORMS {
            let _ = m.events.get_or_create(&PlatformLabel { platform });
        }
        {
            let mut r = m.lock();
            // Counters are registered without `_total`: the encoder appends it to their samples.
            r.register(
                "nibble_events_handled",
                "Incoming platform events handled",
                m.events.clone(),
            );
            for (name, help, counter) in [
                (
                    "nibble_event_errors",
                    "Events whose handling failed",
                    &m.event_errors,
                ),
                (
                    "nibble_deliveries_sent",
                    "Outbox messages sent to a platform",
                    &m.sent,
                ),
                (
                    "nibble_deliveries_failed",
                    "Outbox messages given up on",
                    &m.failed,
                ),
                (
                    "nibble_deliveries_retried",
                    "Sends deferred for a retry (rate limit or transient error)",
                    &m.retried,
                ),
                (
                    "nibble_rate_limited",
                    "429 answers from a platform",
                    &m.rate_limited,
                ),
            ] {
                r.register(name, help, counter.clone());
            }
            r.register(
                "nibble_outbox_pending",
                "Outbox messages waiting to be sent",
                m.outbox_pending.clone(),
            );
            r.register(
                "nibble_outbox_failed",
                "Outbox messages that failed for good",
                m.outbox_failed.clone(),
            );
            r.register(
                "nibble_handler_latency_seconds",
                "Time to handle one incoming event",
                m.latency.clone(),
            );
        }
        m
    }
}

impl Metrics {
    fn lock(&self) -> std::sync::MutexGuard<'_, Registry> {
        self.registry.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// One incoming event handled (or refused with an error) in `took`.
    pub fn event(&self, platform: &str, took: Duration, ok: bool) {
        if let Some(platform) = PLATFORMS.iter().find(|p| **p == platform) {
            self.events.get_or_create(&PlatformLabel { platform }).inc();
        }
        if !ok {
            self.event_errors.inc();
        }
        self.latency.observe(took.as_secs_f64());
    }

    /// One dispatcher pass's outcome.
    pub fn deliveries(&self, sent: usize, failed: usize, retried: usize) {
        self.sent.inc_by(sent as u64);
        self.failed.inc_by(failed as u64);
        self.retried.inc_by(retried as u64);
    }

    /// A platform answered 429.
    pub fn rate_limited(&self) {
        self.rate_limited.inc();
    }

    /// Every metric with the scraped gauges, as OpenMetrics text (`CONTENT_TYPE`).
    pub fn render(&self, gauges: &Gauges) -> String {
        let registry = self.lock();
        self.outbox_pending.set(gauges.outbox_pending);
        self.outbox_failed.set(gauges.outbox_failed);
        let mut out = String::new();
        if let Err(e) = prometheus_client::encoding::text::encode(&mut out, &registry) {
            // Writing to a String does not fail; should the encoder, say so in the scrape.
            out = format!("# encoding the metrics failed: {e}\n");
        }
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

    #[test]
    fn every_platform_has_its_series_from_the_start_and_the_text_is_complete_openmetrics() {
        let m = Metrics::default();
        m.event("irc", Duration::from_millis(1), true);
        let text = m.render(&Gauges::default());
        for platform in PLATFORMS {
            let line = format!("nibble_events_handled_total{{platform=\"{platform}\"}} 0");
            assert!(
                text.lines().any(|l| l == line),
                "missing `{line}` in\n{text}"
            );
        }
        assert!(!text.contains("irc"), "{text}");
        assert!(
            text.contains("# TYPE nibble_events_handled counter\n"),
            "{text}"
        );
        assert!(
            text.contains("# HELP nibble_outbox_pending Outbox messages waiting to be sent.\n")
        );
        assert!(text.ends_with("# EOF\n"), "{text}");
        println!("{text}");
    }
}
