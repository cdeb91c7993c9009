//! The Discord run, in real time: Discord's documented limits in the fake (50 requests/s per bot,
//! per-route buckets, about 5 messages per 5 s per channel) and nibble's production path
//! (serenity's rate limiter and nibble's global pacer, `max_requests_per_second`).

use crate::rig::Rig;
use crate::support::fake_discord::{FakeDiscord, GUILD, Limits, TOKEN};
use nibble::chat::Platform;
use nibble::config::Config;
use nibble::daemon::Adapters;
use std::collections::{HashMap, HashSet};
use std::time::Duration;

const GLOBAL_PER_SECOND: f64 = 50.0;

pub async fn run(learners: usize) {
    let fake = FakeDiscord::start_with(Limits::discord()).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = Config::default();
    config.database.url = dir.path().join("fanout.db").display().to_string();
    config.discord.enabled = true;
    config.discord.api_address = Some(fake.api_address());
    config.discord.ca_file = Some(fake.ca_file());
    let pace = config.discord.max_requests_per_second;
    let env = HashMap::from([("NIBBLE_DISCORD_TOKEN".to_string(), TOKEN.to_string())]);
    let adapters = Adapters::from_config(&config, &env).expect("adapters");
    let rig = Rig::start(&config, &adapters).await;
    // Discord user ids; the fake opens each one's DM as channel `7` + the id's tail.
    let members: Vec<String> = (0..learners).map(|i| format!("83{:016}", i + 1)).collect();
    let dms: Vec<String> = members.iter().map(|m| format!("7{}", &m[1..])).collect();
    let queued = rig.queue_fan_out(Platform::Discord, GUILD, &members).await;
    let total = queued.messages;
    // Every first DM is two requests at least (open the DM, then post), all under the global limit.
    let requests = learners + total;
    let least = Duration::from_secs_f64(requests as f64 / GLOBAL_PER_SECOND);
    let posted = || dms.iter().map(|c| fake.messages(c).len()).sum::<usize>();
    rig.send_all(least.mul_f64(3.0) + Duration::from_secs(60), || {
        posted() >= total
    })
    .await;

    let posts = fake.timed_requests("POST /channels/{channel_id}/messages");
    let opens = fake.timed_requests("POST /users/@me/channels");
    let all: Vec<_> = posts.iter().chain(opens.iter()).map(|r| r.at).collect();
    let span = match (all.iter().min(), all.iter().max()) {
        (Some(a), Some(b)) => b.duration_since(*a),
        _ => Duration::ZERO,
    };
    let messages: Vec<serde_json::Value> = dms.iter().flat_map(|c| fake.messages(c)).collect();
    let nonces: HashSet<String> = messages
        .iter()
        .filter_map(|m| m["nonce"].as_str().map(str::to_string))
        .collect();
    let duplicates = messages.len().saturating_sub(nonces.len());
    let lost = total.saturating_sub(nonces.len());

    println!("Fan-out of one lesson to {learners} first-time DM learners through the fake Discord");
    println!("(Discord's documented limits and nibble's production path, in real time)\n");
    queued.print(learners);
    println!(
        "| sending time (first to last request) | {:.1} min |",
        span.as_secs_f64() / 60.0
    );
    println!(
        "| requests (DM opens + posts) | {} + {} |",
        opens.len(),
        posts.len()
    );
    println!(
        "| least time the limits allow ({requests} requests at {GLOBAL_PER_SECOND:.0}/s) | {:.1} min |",
        least.as_secs_f64() / 60.0
    );
    println!(
        "| ratio (least / achieved) | {:.3} |",
        least.as_secs_f64() / span.as_secs_f64().max(1e-9)
    );
    println!("| nibble's pacer (max_requests_per_second) | {pace}/s |");
    println!("| 429 answers | {} |", fake.throttled().len());
    println!("| duplicates | {duplicates} |");
    println!("| lost | {lost} |");
    rig.store.close().await;
}
