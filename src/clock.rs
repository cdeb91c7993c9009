//! Injected time: the system clock for the daemon, a manual clock for tests, the demo and benchmarks.

use chrono::{DateTime, Duration, Utc};
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use tokio::sync::Notify;

/// A wait that a clock ends.
pub type Sleep<'a> = Pin<Box<dyn Future<Output = ()> + Send + 'a>>;

/// Where "now" comes from. Everything that reads time takes one of these, so schedules, streaks and
/// reviews can be tested without sleeping.
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> DateTime<Utc>;

    /// Waits until this clock has moved on by `by`: real time for the system clock, until told to for
    /// the manual clock (so a retry's backoff can be stepped through in tests without sleeping).
    fn sleep(&self, by: std::time::Duration) -> Sleep<'_> {
        Box::pin(tokio::time::sleep(by))
    }
}

/// The real wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that only moves when told to.
#[derive(Debug)]
pub struct ManualClock {
    now: Mutex<DateTime<Utc>>,
    /// Wakes sleepers whenever the time is moved.
    moved: Notify,
}

impl ManualClock {
    pub fn new(start: DateTime<Utc>) -> Self {
        Self {
            now: Mutex::new(start),
            moved: Notify::new(),
        }
    }

    pub fn set(&self, to: DateTime<Utc>) {
        *self.now.lock().unwrap_or_else(|e| e.into_inner()) = to;
        self.moved.notify_waiters();
    }

    pub fn advance(&self, by: Duration) {
        *self.now.lock().unwrap_or_else(|e| e.into_inner()) += by;
        self.moved.notify_waiters();
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.now.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn sleep(&self, by: std::time::Duration) -> Sleep<'_> {
        let until = self.now() + Duration::from_std(by).unwrap_or(Duration::MAX);
        Box::pin(async move {
            loop {
                // Registered before the check, so a move between the two is not missed.
                let moved = self.moved.notified();
                tokio::pin!(moved);
                moved.as_mut().enable();
                if self.now() >= until {
                    return;
                }
                moved.await;
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_moves_only_when_told() {
        let start = DateTime::parse_from_rfc3339("2026-01-05T09:00:00Z")
            .map(|d| d.with_timezone(&Utc))
            .unwrap_or_default();
        let clock = ManualClock::new(start);
        assert_eq!(clock.now(), start);
        clock.advance(Duration::hours(25));
        assert_eq!(clock.now(), start + Duration::hours(25));
    }

    #[tokio::test]
    async fn a_manual_sleep_ends_only_when_the_clock_reaches_it() {
        let clock = ManualClock::new(Utc::now());
        let mut sleep = clock.sleep(std::time::Duration::from_secs(2));
        clock.advance(Duration::seconds(1));
        let early = tokio::time::timeout(std::time::Duration::ZERO, &mut sleep).await;
        assert!(early.is_err(), "one second of two has passed");
        clock.advance(Duration::seconds(1));
        tokio::time::timeout(std::time::Duration::from_secs(5), sleep)
            .await
            .expect("woken by the clock");
    }
}
