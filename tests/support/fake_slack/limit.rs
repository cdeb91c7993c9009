//! Slack's documented rate limits, per app per workspace: Web API tiers per method (Tier 1 1+/min,
//! Tier 2 20+/min, Tier 3 50+/min, Tier 4 100+/min, bursts tolerated) and chat.postMessage's special
//! limit of about one message per second per channel. A call beyond them gets HTTP 429 with
//! `Retry-After` in whole seconds, as Slack answers. Time can be scaled (a test's second stands for
//! `scale` seconds of Slack's) so that hours of pacing run in a test's seconds.

use super::{FakeSlack, State};
use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// A test's default time scale: one real second stands for a minute of Slack's.
pub const TEST_TIME_SCALE: f64 = 60.0;

/// The tier of a Web API method, per Slack's method reference.
pub fn tier(method: &str) -> Option<u32> {
    Some(match method {
        "apps.connections.open" => 1,
        "conversations.open"
        | "conversations.history"
        | "conversations.replies"
        | "chat.update" => 3,
        "users.info"
        | "conversations.members"
        | "chat.postEphemeral"
        | "auth.test"
        | "views.publish"
        | "files.getUploadURLExternal"
        | "files.completeUploadExternal" => 4,
        _ => return None,
    })
}

/// Calls per minute a tier allows (Slack's documented minimum) and the burst it tolerates.
fn tier_limit(tier: u32) -> (f64, f64) {
    match tier {
        // Socket Mode allows 10 connections, each opened with one call: a burst of 10.
        1 => (1.0, 10.0),
        2 => (20.0, 20.0),
        3 => (50.0, 50.0),
        _ => (100.0, 100.0),
    }
}

/// A token bucket in Slack's own time.
#[derive(Debug, Clone, Copy)]
struct Bucket {
    per_second: f64,
    capacity: f64,
    tokens: f64,
    at: Instant,
}

#[derive(Debug, Default)]
pub(crate) struct Limits {
    scale: f64,
    buckets: HashMap<String, Bucket>,
}

impl Limits {
    pub fn new(scale: f64) -> Self {
        Self {
            scale,
            buckets: HashMap::new(),
        }
    }

    /// Takes a token from `key`'s bucket; `Err(wait)` (real time) when the call must be refused.
    fn take(&mut self, key: String, per_second: f64, capacity: f64) -> Result<(), Duration> {
        let scale = self.scale.max(1.0);
        let now = Instant::now();
        let b = self.buckets.entry(key).or_insert(Bucket {
            per_second,
            capacity,
            tokens: capacity,
            at: now,
        });
        let elapsed = now.duration_since(b.at).as_secs_f64() * scale;
        b.tokens = (b.tokens + elapsed * b.per_second).min(b.capacity);
        b.at = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            Ok(())
        } else {
            let slack_secs = (1.0 - b.tokens) / b.per_second;
            Err(Duration::from_secs_f64(slack_secs / scale))
        }
    }
}

/// Admits a call or gives the real-time wait before it may be retried.
pub(crate) fn admit(state: &State, method: &str, channel: &str) -> Result<(), Duration> {
    let mut limits = state.limits.lock().expect("lock");
    if method == "chat.postMessage" {
        // About one per second per channel; "short bursts >1 allowed": a burst of two.
        return limits
            .take(format!("post:{channel}"), 1.0, 2.0)
            .inspect_err(|_| {
                state.rate_limited.fetch_add(1, Ordering::SeqCst);
            });
    }
    let Some(tier) = tier(method) else {
        return Ok(());
    };
    let (per_minute, burst) = tier_limit(tier);
    limits
        .take(format!("tier:{method}"), per_minute / 60.0, burst)
        .inspect_err(|_| {
            state.rate_limited.fetch_add(1, Ordering::SeqCst);
        })
}

impl FakeSlack {
    /// Calls refused with 429 by the limits.
    pub fn rate_limited(&self) -> usize {
        self.state.rate_limited.load(Ordering::SeqCst)
    }

    /// The time scale the limits run at (a real second stands for this many of Slack's).
    pub fn time_scale(&self) -> f64 {
        self.state.scale
    }

    /// Every posted message's delivery key (its `nibble_delivery` metadata), with its channel.
    pub fn delivery_keys(&self) -> Vec<(String, String)> {
        let history = self.state.history.lock().expect("lock");
        history
            .iter()
            .flat_map(|(channel, messages)| {
                messages.iter().filter_map(move |m| {
                    let key = m["metadata"]["event_payload"]["delivery"].as_str()?;
                    Some((channel.clone(), key.to_string()))
                })
            })
            .collect()
    }

    /// How many messages were posted, all channels together.
    pub fn post_count(&self) -> usize {
        self.state
            .history
            .lock()
            .expect("lock")
            .values()
            .map(Vec::len)
            .sum()
    }

    /// When each call of `method` arrived (accepted or refused), in order.
    pub fn call_times(&self, method: &str) -> Vec<Instant> {
        let requests = self.state.requests.lock().expect("lock");
        requests
            .iter()
            .filter(|r| r.method == method)
            .map(|r| r.at)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    // The benchmark also compiles this module (cfg(test)) but runs no #[test] in it.
    #[allow(unused_imports)]
    use super::*;

    #[test]
    fn a_tier_allows_its_burst_then_its_rate() {
        let mut limits = Limits::new(60.0);
        for _ in 0..50 {
            assert!(limits.take("t3".into(), 50.0 / 60.0, 50.0).is_ok());
        }
        let wait = limits
            .take("t3".into(), 50.0 / 60.0, 50.0)
            .expect_err("the 51st call in a minute is refused");
        // 1.2 s of Slack's time is 20 ms at a scale of 60.
        assert!(wait <= Duration::from_millis(21), "{wait:?}");
    }
}
