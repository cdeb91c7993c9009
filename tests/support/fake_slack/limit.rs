//! An emulated workspace-wide rate limit on chat.postMessage (Slack publishes none, but enforces one):
//! a token bucket; a post beyond it gets HTTP 429 with `Retry-After`, as Slack answers.

use super::{FakeSlack, State};
use std::sync::atomic::Ordering;
use std::time::Instant;

/// (messages per second, tokens left, when counted).
pub(crate) type Bucket = Option<(f64, f64, Instant)>;

/// Takes a token for a post; false when the post must be refused with a 429.
pub(crate) fn admit(state: &State) -> bool {
    let mut bucket = state.limit.lock().expect("lock");
    let Some((rate, tokens, at)) = *bucket else {
        return true;
    };
    let now = Instant::now();
    let tokens = (tokens + now.duration_since(at).as_secs_f64() * rate).min(rate.max(1.0));
    if tokens >= 1.0 {
        *bucket = Some((rate, tokens - 1.0, now));
        true
    } else {
        *bucket = Some((rate, tokens, now));
        state.rate_limited.fetch_add(1, Ordering::SeqCst);
        false
    }
}

impl FakeSlack {
    /// From now on, accept at most `per_second` chat.postMessage calls per second (a second's burst).
    pub fn emulate_rate_limit(&self, per_second: f64) {
        *self.state.limit.lock().expect("lock") = Some((per_second, per_second, Instant::now()));
    }

    /// Posts refused with 429 by the emulated limit.
    pub fn rate_limited(&self) -> usize {
        self.state.rate_limited.load(Ordering::SeqCst)
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

    /// When each chat.postMessage arrived (accepted or refused), in order.
    pub fn post_times(&self) -> Vec<Instant> {
        let requests = self.state.requests.lock().expect("lock");
        requests
            .iter()
            .filter(|r| r.method == "chat.postMessage")
            .map(|r| r.at)
            .collect()
    }
}
