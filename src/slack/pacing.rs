//! Slack's documented rate limits as slack-morphism's rate control: Web API tiers per method per
//! workspace (Tier 1 1+/min … Tier 4 100+/min, at their documented minimum) and chat.postMessage's
//! one message per second *per channel*. slack-morphism's own chat.postMessage limit is one per
//! second for the whole workspace, which would make a 10,000-learner DM fan-out take three hours
//! longer than Slack requires; nibble keys it by channel instead, and the outbox's per-workspace
//! bucket (`messages_per_second`) caps the total.
//!
//! `scale` runs the same limits faster (tests against a fake whose limits are scaled alike); it is
//! 1 in production and cannot be set from a configuration file.

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

/// chat.postMessage's limit for one channel: one message per second.
pub fn post_message(channel: &str, scale: f64) -> SlackApiMethodRateControlConfig {
    SlackApiMethodRateControlConfig::new().with_special_rate_limit(
        SlackApiRateControlSpecialLimit::new(
            format!("chat.postMessage:{channel}").into(),
            scaled(1, Duration::from_secs(1), scale),
        ),
    )
}

/// conversations.open (Tier 3): 50 a minute with a burst of 50, for nibble's own queue.
pub fn dm_opens(scale: f64) -> crate::chat::Rate {
    crate::chat::Rate {
        per_second: 50.0 / 60.0 * scale.max(1.0),
        burst: 50.0,
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

    #[test]
    fn each_channel_has_its_own_posting_limit() {
        let a = post_message("D1", 1.0).special_rate_limit.expect("limit");
        let b = post_message("D2", 1.0).special_rate_limit.expect("limit");
        assert_ne!(a.key, b.key);
        assert_eq!((a.limit.value, a.limit.per), (1, Duration::from_secs(1)));
    }
}
