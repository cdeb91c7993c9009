//! Fan-out benchmark: one campaign lesson to N first-time DM learners through the fake Slack, with
//! Slack's documented limits (conversations.open in Tier 3, chat.postMessage about 1/s per channel)
//! and nibble's production pacing, both run `--scale` times faster than Slack's clock. Prints how
//! long the fan-out takes in Slack's time, the ratio of that to the least the limits allow,
//! 429s, duplicates, lost messages and the scheduler's CPU time per delivery.
//!
//! `cargo bench --bench fanout [-- --learners 10000 --scale 600]`

#![recursion_limit = "256"]

#[path = "../tests/support/mod.rs"]
mod support;

use nibble::chat::{Dispatcher, DispatcherConfig, Event, EventKind, Platform, UserRef};
use nibble::clock::SystemClock;
use nibble::config::Config;
use nibble::content::load_catalog;
use nibble::daemon::Adapters;
use nibble::engine::{CatalogHandle, Engine};
use nibble::store::{Durability, Store};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::fake_slack::{APP_TOKEN, BOT_TOKEN, FakeSlack, Manifest, TEAM};

fn arg(name: &str, default: f64) -> f64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn command(n: u64, args: &str) -> Event {
    Event {
        key: format!("bench-{n}"),
        platform: Platform::Slack,
        tenant: TEAM.into(),
        channel: "C-LEADS".into(),
        is_dm: false,
        user: UserRef {
            id: "ULEAD".into(),
            name: "Lead".into(),
            time_zone: None,
            is_lead: true,
            is_moderator: false,
        },
        kind: EventKind::Command {
            name: "nibble".into(),
            args: args.into(),
        },
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let learners = arg("--learners", 10_000.0) as usize;
    let scale = arg("--scale", 600.0);

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
    let store = Store::open(&config.database.url, Durability::Normal)
        .await
        .expect("store");
    let catalog = load_catalog(&support::lessons_dir()).expect("lessons");
    store
        .sync_catalog(&catalog, chrono::Utc::now())
        .await
        .expect("sync");
    let clock = Arc::new(SystemClock);
    let dispatcher = Arc::new(Dispatcher::new(
        store.clone(),
        adapters.platforms(),
        clock.clone(),
        DispatcherConfig::default(),
    ));
    let engine = Engine::start(
        store.clone(),
        CatalogHandle::new(catalog.clone()),
        clock,
        config.engine_settings(),
        dispatcher.waker(),
    );

    let members: Vec<String> = (0..learners).map(|i| format!("U{i:06}")).collect();
    let create = format!(
        "campaign create name=bench course=security-awareness dm members={} cron=\"0 9 1 1 *\" zone=UTC",
        members.join(",")
    );
    engine
        .handle(command(0, "quiet-hours off"))
        .await
        .expect("quiet hours");
    let started = Instant::now();
    engine.handle(command(1, &create)).await.expect("create");
    let enrol = started.elapsed();
    engine
        .handle(command(2, "campaign send-next bench"))
        .await
        .expect("send-next");

    // The scheduler alone: fire every recipient's slot (deliveries and outbox rows, in transactions).
    let cpu_before = nibble::bench::cpu_time().unwrap_or_default();
    let tick_started = Instant::now();
    let report = engine.run_due().await.expect("tick");
    let tick_wall = tick_started.elapsed();
    let scheduler_cpu = nibble::bench::cpu_time()
        .unwrap_or_default()
        .saturating_sub(cpu_before);
    let total = store.outbox_counts().await.expect("counts").pending as usize;

    // Then the dispatcher sends everything at the platform's pace.
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let sender = tokio::spawn(dispatcher.clone().run(stopped));
    let least = least_time(learners, total, pace);
    let deadline = Instant::now() + least.div_f64(scale).mul_f64(3.0) + Duration::from_secs(60);
    while fake.post_count() < total && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await; // anything extra would show up as a duplicate
    let _ = stop.send(true);
    let _ = sender.await;

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
    println!("| measure | value |\n|---|---|");
    println!("| lessons queued by the scheduler | {} |", report.lessons);
    println!("| messages (lesson parts + quiz cards) | {total} |");
    println!(
        "| enrolment of {learners} members (one command) | {:.2} s |",
        enrol.as_secs_f64()
    );
    println!(
        "| scheduler: wall time to queue them | {:.2} s |",
        tick_wall.as_secs_f64()
    );
    println!(
        "| scheduler: CPU time per delivery | {:.0} µs |",
        scheduler_cpu.as_secs_f64() * 1e6 / report.lessons.max(1) as f64
    );
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
    println!(
        "| conversations.open calls | {} |",
        fake.call_times("conversations.open").len()
    );
    println!("| duplicates | {duplicates} |");
    println!("| lost | {lost} |");
    store.close().await;
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
