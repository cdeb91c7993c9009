//! The Slack run: Slack's documented limits (conversations.open in Tier 3, chat.postMessage about
//! 1/s per channel) and nibble's production pacing, both on a clock `scale` times faster; times are
//! reported in Slack's own time.

use crate::rig::Rig;
use crate::support::fake_slack::{APP_TOKEN, BOT_TOKEN, FakeSlack, Manifest, TEAM};
use nibble::chat::Platform;
use nibble::config::Config;
use nibble::daemon::Adapters;
use std::collections::{HashMap, HashSet};
use std::time::Duration;

pub async fn run(learners: usize, scale: f64) {
    let fake = FakeSlack::start_with(Manifest::project(), scale).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = Config::default();
    config.database.url = dir.path().join("fanout.db").display().to_string();
    config.slack.enabled = true;
    config.slack.api_url = fake.api_url();
    // Production pacing (the defaults), on the fake's clock.
    config.slack.pacing_scale = scale;
    let pace = config.slack.messages_per_second;
    let env = HashMap::from([
        ("NIBBLE_SLACK_BOT_TOKEN".to_string(), BOT_TOKEN.to_string()),
        ("NIBBLE_SLACK_APP_TOKEN".to_string(), APP_TOKEN.to_string()),
    ]);
    let adapters = Adapters::from_config(&config, &env).expect("adapters");
    // auth.test names the workspace, so that the method tiers apply as in the daemon.
    adapters
        .slack
        .as_ref()
        .expect("slack")
        .preflight()
        .await
        .expect("preflight");
    let rig = Rig::start(&config, &adapters).await;
    let members: Vec<String> = (0..learners).map(|i| format!("U{i:06}")).collect();
    let queued = rig.queue_fan_out(Platform::Slack, TEAM, &members).await;
    let total = queued.messages;
    let least = least_time(learners, total, pace);
    rig.send_all(
        least.div_f64(scale).mul_f64(3.0) + Duration::from_secs(60),
        || fake.post_count() >= total,
    )
    .await;

    let posts = fake.call_times("chat.postMessage");
    let keys = fake.delivery_keys();
    let unique: HashSet<&String> = keys.iter().map(|(_, k)| k).collect();
    let delivered = keys.len();
    let duplicates = delivered - unique.len();
    let lost = total.saturating_sub(unique.len());
    let span = match (posts.first(), posts.last()) {
        (Some(a), Some(b)) => b.duration_since(*a),
        _ => Duration::ZERO,
    };
    // In Slack's own time: the fake's clock runs `scale` times faster.
    let slack_span = span.mul_f64(scale);
    let minutes = |d: Duration| d.as_secs_f64() / 60.0;

    println!("Fan-out of one lesson to {learners} first-time DM learners through the fake Slack");
    println!(
        "(Slack's documented limits and nibble's production pacing, both run {scale:.0}x faster)\n"
    );
    queued.print(learners);
    println!(
        "| sending time on real Slack (first to last post) | {:.1} min |",
        minutes(slack_span)
    );
    println!(
        "| least time Slack's limits allow | {:.1} min |",
        minutes(least)
    );
    println!(
        "| ratio (least / achieved) | {:.3} |",
        least.as_secs_f64() / slack_span.as_secs_f64().max(1e-9)
    );
    println!("| 429 answers | {} |", fake.rate_limited());
    let opens = fake.call_times("conversations.open");
    let open_span = match (opens.first(), opens.last()) {
        (Some(a), Some(b)) => b.duration_since(*a).mul_f64(scale),
        _ => Duration::ZERO,
    };
    println!(
        "| conversations.open calls (first to last, Slack time) | {} ({:.1} min) |",
        opens.len(),
        minutes(open_span)
    );
    println!("| duplicates | {duplicates} |");
    println!("| lost | {lost} |");
    rig.store.close().await;
}

/// The least time Slack's limits allow for the fan-out: every first DM needs conversations.open
/// (Tier 3: a burst of 50, then 50 a minute), and the workspace's messages leave at nibble's
/// configured `messages_per_second` (Slack publishes no workspace-wide figure; each DM channel's
/// one message per second is not binding when many DMs are open at once).
fn least_time(learners: usize, messages: usize, per_second: f64) -> Duration {
    let opens = learners.saturating_sub(50) as f64 * 60.0 / 50.0;
    let posts = messages as f64 / per_second;
    Duration::from_secs_f64(opens.max(posts))
}
