//! The background loops' health (read by `/healthz`) and the backoff they retry with when the store
//! or a remote fails: 1 s doubling to 60 s, reset on success, logged once per backoff step.

use crate::clock::Clock;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use std::fmt::Display;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The first wait after a failure.
pub const FIRST_RETRY: Duration = Duration::from_secs(1);
/// The longest wait between two attempts.
pub const MAX_RETRY: Duration = Duration::from_secs(60);

/// Exponential backoff with a cap; reset on success.
#[derive(Debug, Clone)]
pub struct Backoff {
    first: Duration,
    cap: Duration,
    failures: u32,
}

impl Default for Backoff {
    fn default() -> Self {
        Self::new(FIRST_RETRY, MAX_RETRY)
    }
}

impl Backoff {
    pub fn new(first: Duration, cap: Duration) -> Self {
        Self {
            first,
            cap,
            failures: 0,
        }
    }

    /// Failures since the last success.
    pub fn failures(&self) -> u32 {
        self.failures
    }

    /// Records a failure; returns how long to wait before the next attempt.
    pub fn failed(&mut self) -> Duration {
        self.failures = self.failures.saturating_add(1);
        let doublings = (self.failures - 1).min(20);
        self.first.saturating_mul(1 << doublings).min(self.cap)
    }

    /// Records a success; returns how many failures it ends.
    pub fn succeeded(&mut self) -> u32 {
        std::mem::take(&mut self.failures)
    }
}

/// A loop that is failing now.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LoopFailure {
    /// Failed attempts in a row.
    pub failures: u32,
    /// The latest error.
    pub error: String,
    /// When the first failure of this run happened.
    pub since: DateTime<Utc>,
    /// When the next attempt is due.
    pub retry_at: DateTime<Utc>,
    /// Whether the failure is the database's (it fails `/healthz`; a remote's, such as an LRS, does not).
    pub store: bool,
}

/// The failing loops, by name (a loop that recovers is removed).
#[derive(Debug, Default)]
pub struct LoopHealth {
    failing: Mutex<BTreeMap<&'static str, LoopFailure>>,
}

impl LoopHealth {
    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<&'static str, LoopFailure>> {
        self.failing.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Every loop failing now, by name.
    pub fn failing(&self) -> BTreeMap<&'static str, LoopFailure> {
        self.lock().clone()
    }

    /// One loop's failures in a row (0 when it is healthy).
    pub fn failures(&self, name: &str) -> u32 {
        self.lock().get(name).map(|f| f.failures).unwrap_or(0)
    }

    /// Why the store is failing, if a loop found it so: "loop: error" for each.
    pub fn store_failure(&self) -> Option<String> {
        let reasons: Vec<String> = self
            .lock()
            .iter()
            .filter(|(_, f)| f.store)
            .map(|(name, f)| format!("{name}: {}", f.error))
            .collect();
        (!reasons.is_empty()).then(|| reasons.join("; "))
    }

    fn record(&self, name: &'static str, failure: LoopFailure) {
        let mut failing = self.lock();
        let since = failing.get(name).map(|f| f.since).unwrap_or(failure.since);
        failing.insert(name, LoopFailure { since, ..failure });
    }

    fn clear(&self, name: &str) {
        self.lock().remove(name);
    }
}

/// One loop's retry state: backs off after failures, logs the first failure and then once per backoff
/// step (never once per tick), and keeps the health board up to date.
pub struct Retry {
    name: &'static str,
    backoff: Backoff,
    health: Arc<LoopHealth>,
    clock: Arc<dyn Clock>,
}

impl Retry {
    pub fn new(name: &'static str, health: Arc<LoopHealth>, clock: Arc<dyn Clock>) -> Self {
        Self {
            name,
            backoff: Backoff::default(),
            health,
            clock,
        }
    }

    /// Whether the last attempt failed.
    pub fn is_failing(&self) -> bool {
        self.backoff.failures() > 0
    }

    /// A failed attempt: logged, recorded; returns the wait before the next attempt. `store` says
    /// whether it is the database that failed.
    pub fn failed(&mut self, error: &dyn Display, store: bool) -> Duration {
        let wait = self.backoff.failed();
        let failures = self.backoff.failures();
        let task = self.name;
        if failures == 1 {
            tracing::error!(task, error = %error, retry_in = ?wait, "background task failed: retrying with backoff");
        } else {
            tracing::warn!(task, error = %error, failures, retry_in = ?wait, "background task still failing");
        }
        let now = self.clock.now();
        self.health.record(
            task,
            LoopFailure {
                failures,
                error: error.to_string(),
                since: now,
                retry_at: now + chrono::Duration::from_std(wait).unwrap_or_default(),
                store,
            },
        );
        wait
    }

    /// A successful attempt: the backoff starts over.
    pub fn succeeded(&mut self) {
        let failures = self.backoff.succeeded();
        if failures > 0 {
            tracing::info!(task = self.name, failures, "background task recovered");
            self.health.clear(self.name);
        }
    }

    /// Waits `by` on the loop's clock (stepped by hand in tests).
    pub async fn wait(&self, by: Duration) {
        self.clock.sleep(by).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;

    #[test]
    fn backoff_doubles_to_its_cap_and_starts_over_after_a_success() {
        let mut b = Backoff::default();
        let waits: Vec<u64> = (0..9).map(|_| b.failed().as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 60, 60, 60]);
        assert_eq!(b.succeeded(), 9);
        assert_eq!(b.failed(), FIRST_RETRY);
    }

    #[test]
    fn a_failing_loop_is_on_the_board_until_it_recovers() {
        let health = Arc::new(LoopHealth::default());
        let clock = Arc::new(ManualClock::new(Utc::now()));
        let mut retry = Retry::new("scheduler", health.clone(), clock);
        retry.failed(&"no such table: campaigns", true);
        retry.failed(&"no such table: campaigns", true);
        assert_eq!(health.failures("scheduler"), 2);
        let reason = health.store_failure().unwrap_or_default();
        assert!(reason.contains("scheduler: no such table"), "{reason}");
        retry.succeeded();
        assert!(health.failing().is_empty());
        assert_eq!(health.store_failure(), None);
    }

    #[test]
    fn a_remote_failure_is_not_the_stores() {
        let health = Arc::new(LoopHealth::default());
        let clock = Arc::new(ManualClock::new(Utc::now()));
        Retry::new("xapi", health.clone(), clock).failed(&"LRS unreachable", false);
        assert_eq!(health.failures("xapi"), 1);
        assert_eq!(health.store_failure(), None);
    }

    /// Over a simulated minute of a store that keeps failing, a loop tries 6 times (at 0, 1, 3, 7, 15
    /// and 31 s), where polling every 250 ms would have tried 240 times.
    #[test]
    fn a_minute_of_failures_costs_a_handful_of_attempts() {
        let mut b = Backoff::default();
        let (mut at, mut attempts) = (Duration::ZERO, 0);
        while at <= Duration::from_secs(60) {
            attempts += 1;
            at += b.failed();
        }
        assert_eq!(attempts, 6);
    }
}
