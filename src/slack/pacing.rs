//! Slack's documented rate limits: Web API tiers per method per workspace (Tier 1 1+/min … Tier 4
//! 100+/min, at their documented minimum) through slack-morphism's rate control, and the two limits a
//! fan-out meets, kept exactly by nibble: conversations.open's Tier 3 as a queue (`dm_opens`) and
//! chat.postMessage's one message per second *per channel* (`ChannelSpacing`). slack-morphism's own
//! chat.postMessage limit is one per second for the whole workspace, which would make a DM fan-out
//! crawl, and its counters let concurrent waiters drift; the outbox's per-workspace bucket
//! (`messages_per_second`) caps the total.
//!
//! `scale` runs the same limits faster, for tests against a fake whose limits are scaled alike; it
//! is 1 in production, and the configuration accepts another value only with a loopback `api_url`.

use slack_morphism::prelude::*;
use std::collections::HashMap;
use std::time::Duration;

/// Calls a tier allows per minute, as Slack documents them.
const TIERS: [(SlackApiMethodRateTier, usize); 4] = [
    (SlackApiMethodRateTier::Tier1, 1),
    (SlackApiMethodRateTier::Tier2, 20),
    (SlackApiMethodRateTier::Tier3, 50),
    (SlackApiMethodRateTier::Tier4, 100),
];

/// `value` calls per `per`, `scale` times faster. slack-morphism spaces calls in whole
/// milliseconds, so the spacing is rounded up: never faster than the limit.
fn scaled(value: usize, per: Duration, scale: f64) -> SlackApiRateControlLimit {
    let spacing_ms = (per.as_secs_f64() * 1000.0 / scale.max(1.0) / value as f64).ceil();
    let per = Duration::from_millis((spacing_ms.max(1.0) as u64) * value as u64);
    SlackApiRateControlLimit::new(value, per)
}

/// The rate control for the client: each tier's calls per minute, per workspace.
pub fn rate_control(scale: f64) -> SlackApiRateControlConfig {
    let tiers: HashMap<_, _> = TIERS
        .into_iter()
        .map(|(tier, n)| (tier, scaled(n, Duration::from_secs(60), scale)))
        .collect();
    SlackApiRateControlConfig::new().with_tiers_limits(tiers)
}

/// chat.postMessage's limit, one message per second per channel, kept exactly: each channel's next
/// free moment (slack-morphism's counters let two calls through close together now and then, and
/// a 429 pauses the whole workspace for a whole `Retry-After`).
pub struct ChannelSpacing {
    gap: Duration,
    next: std::sync::Mutex<HashMap<String, tokio::time::Instant>>,
}

impl ChannelSpacing {
    pub fn new(scale: f64) -> Self {
        Self {
            gap: Duration::from_secs(1).div_f64(scale.max(1.0)),
            next: std::sync::Mutex::default(),
        }
    }

    /// Waits for the channel's next free moment and takes it.
    pub async fn wait(&self, channel: &str) {
        let slot = {
            let mut next = self.next.lock().unwrap_or_else(|e| e.into_inner());
            let now = tokio::time::Instant::now();
            if next.len() > 10_000 {
                // Channels whose moment has passed need no entry (a fan-out touches many DMs).
                next.retain(|_, at| *at > now);
            }
            let slot = next.get(channel).copied().unwrap_or(now).max(now);
            next.insert(channel.to_string(), slot + self.gap);
            slot
        };
        tokio::time::sleep_until(slot).await;
    }
}

/// conversations.open (Tier 3) for nibble's own queue: 2% under 50 a minute, with a burst of 48,
/// so that network jitter never makes Slack see a call early (a 429 costs a whole Retry-After).
pub fn dm_opens(scale: f64) -> crate::chat::Rate {
    crate::chat::Rate {
        per_second: 49.0 / 60.0 * scale.max(1.0),
        burst: 48.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiers_are_slacks_documented_minimum_per_minute() {
        let config = rate_control(1.0);
        let tier3 = &config.tiers_limits[&SlackApiMethodRateTier::Tier3];
        assert_eq!((tier3.value, tier3.per), (50, Duration::from_secs(60)));
        let fast = rate_control(60.0);
        let tier3 = &fast.tiers_limits[&SlackApiMethodRateTier::Tier3];
        assert_eq!((tier3.value, tier3.per), (50, Duration::from_secs(1)));
    }

    #[tokio::test(start_paused = true)]
    async fn each_channel_has_its_own_second() {
        let spacing = ChannelSpacing::new(1.0);
        let start = tokio::time::Instant::now();
        spacing.wait("D1").await;
        spacing.wait("D2").await;
        assert_eq!(
            start.elapsed(),
            Duration::ZERO,
            "other channels do not wait"
        );
        spacing.wait("D1").await;
        spacing.wait("D1").await;
        assert_eq!(
            start.elapsed(),
            Duration::from_secs(2),
            "one a second per channel"
        );
    }
}
