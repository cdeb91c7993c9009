//! Discord's REST rules through serenity's production rate limiter: per-author nonces, channel
//! buckets and the global limit paced without a 429, 429s waited out, refusals named.

use crate::discord::{CHANNEL, DiscordApp, discord_config, push, wait_ready};
use crate::support::fake_discord::{FakeDiscord, Fault, GUILD, Limits, TOKEN};
use nibble::chat::{ChatPlatform, Destination, Message, Outgoing, Platform, SendError};
use nibble::clock::SystemClock;
use nibble::config::Config;
use nibble::daemon::{Adapters, Daemon};
use nibble::engine::Recipient;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

const MESSAGES: &str = "POST /channels/{channel_id}/messages";

async fn app_with(fake: FakeDiscord, tune: impl FnOnce(&mut Config)) -> DiscordApp {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = Config::default();
    config.database.url = dir.path().join("discord.db").display().to_string();
    config.lessons.dir = crate::support::lessons_dir();
    discord_config(&mut config, &fake);
    tune(&mut config);
    let env = HashMap::from([("NIBBLE_DISCORD_TOKEN".to_string(), TOKEN.to_string())]);
    let adapters = Adapters::from_config(&config, &env).expect("adapters");
    let mut daemon = Daemon::start(&config, adapters.platforms(), Arc::new(SystemClock))
        .await
        .expect("daemon");
    daemon.connect(&config, &adapters).await.expect("gateway");
    wait_ready(&fake).await;
    DiscordApp {
        fake,
        daemon,
        adapters,
        _dir: dir,
    }
}

fn dm(user: &str) -> String {
    format!("7{}", &user[1..])
}

fn outgoing(destination: Destination, text: &str, key: &str) -> Outgoing {
    Outgoing {
        tenant: GUILD.into(),
        destination,
        message: Message::text(text),
        dedupe_key: key.into(),
        dm_channel: None,
    }
}

#[tokio::test]
async fn a_group_gets_one_dm_each_and_a_retried_send_posts_nothing_twice() {
    let app = app_with(FakeDiscord::start().await, |_| {}).await;
    let platform = app.adapters.discord.clone().expect("discord");
    let members = [
        "830000000000000201",
        "830000000000000202",
        "830000000000000203",
    ];
    let group = Destination::Group {
        users: members.iter().map(|m| m.to_string()).collect(),
    };
    let intro = outgoing(group.clone(), "Meet your partners", "intro-1");
    platform.send(&intro).await.expect("sent");
    for m in members {
        assert_eq!(app.fake.messages(&dm(m)).len(), 1, "one DM for {m}");
    }
    let nonces: HashSet<String> = app
        .fake
        .requests(MESSAGES)
        .iter()
        .filter_map(|b| b["nonce"].as_str().map(str::to_string))
        .collect();
    assert_eq!(nonces.len(), 3, "a nonce per DM");
    assert!(nonces.iter().all(|n| n.len() <= 25));

    // The third DM fails once: the retry re-sends all three, and only the third is new.
    let third = format!("POST /channels/{}/messages", dm(members[2]));
    app.fake.inject(&third, Fault::ServerError, 1);
    let check_in = outgoing(group, "Did you meet?", "check-in-1");
    let failed = platform.send(&check_in).await;
    assert!(matches!(failed, Err(SendError::Transient(_))), "{failed:?}");
    platform.send(&check_in).await.expect("the retry");
    platform.send(&check_in).await.expect("a second retry");
    for m in members {
        assert_eq!(app.fake.messages(&dm(m)).len(), 2, "each DM once for {m}");
    }
    app.fake.assert_valid();
    app.daemon.shutdown().await;
}

#[tokio::test]
async fn a_burst_to_one_channel_keeps_to_its_bucket_without_a_429() {
    // Discord's 5 messages per 5 s per channel, twenty times faster: 5 per 250 ms.
    let fake = FakeDiscord::start_with(Limits::discord().scaled(0.05)).await;
    let app = app_with(fake, |_| {}).await;
    let platform = app.adapters.discord.clone().expect("discord");
    let n = 30;
    let started = Instant::now();
    // In order, one at a time: how the outbox sends one destination's messages.
    for i in 0..n {
        let out = outgoing(
            Destination::Channel {
                channel: CHANNEL.into(),
            },
            &format!("message {i}"),
            &format!("burst-{i}"),
        );
        platform.send(&out).await.expect("sent");
    }
    let took = started.elapsed();
    let posted = app.fake.messages(CHANNEL);
    let texts: HashSet<&str> = posted
        .iter()
        .filter_map(|m| m["content"].as_str())
        .collect();
    assert_eq!(
        (posted.len(), texts.len()),
        (n, n),
        "none lost, none doubled"
    );
    assert_eq!(app.fake.throttled(), [], "serenity waited for the bucket");
    // Six windows of five: at least five full windows waited, and not much more.
    let window = Duration::from_millis(250);
    let least = window * 5;
    assert!(took >= least, "faster than the limit allows: {took:?}");
    let ratio = least.as_secs_f64() / took.as_secs_f64();
    assert!(
        ratio >= 0.7,
        "only {ratio:.2} of the allowed rate ({took:?})"
    );
    app.daemon.shutdown().await;
}

#[tokio::test]
async fn a_dm_fan_out_stays_under_the_global_limit_with_nothing_lost() {
    // The real global window (1 s) at 25 requests/s (the start-up calls share it); nibble paces its
    // outbox at 18/s.
    let mut limits = Limits::discord();
    limits.global_per_second = 25;
    let fake = FakeDiscord::start_with(limits).await;
    let learners: Vec<String> = (0..12).map(|i| format!("8300000000000003{i:02}")).collect();
    let app = app_with(fake, |c| c.discord.max_requests_per_second = 18).await;
    let route = "POST /users/@me/channels";
    let before = app.fake.requests(route).len() + app.fake.requests(MESSAGES).len();
    let started = Instant::now();
    let platform = app.adapters.discord.clone().expect("discord");
    let sends = learners.iter().map(|l| {
        let platform = platform.clone();
        async move {
            let out = outgoing(
                Destination::Member { user: l.clone() },
                "Lesson 1",
                &format!("lesson-{l}"),
            );
            platform.send(&out).await
        }
    });
    for r in futures_util::future::join_all(sends).await {
        r.expect("sent");
    }
    let took = started.elapsed();
    let requests = app.fake.requests(route).len() + app.fake.requests(MESSAGES).len() - before;
    assert_eq!(
        requests, 24,
        "a DM channel and a post per learner, no retries"
    );
    for l in &learners {
        assert_eq!(app.fake.messages(&dm(l)).len(), 1, "{l}");
    }
    assert_eq!(app.fake.throttled(), [], "never over the global limit");
    // 24 requests at 18/s need at least 23 gaps of 1/18 s.
    assert!(
        took >= Duration::from_millis(23 * 1000 / 18 - 10),
        "{took:?}"
    );
    app.daemon.shutdown().await;
}

#[tokio::test]
async fn a_429_is_waited_out_for_its_retry_after_never_hammered() {
    let app = app_with(FakeDiscord::start().await, |_| {}).await;
    app.fake.inject(MESSAGES, Fault::RateLimited(0.4), 1);
    let platform = app.adapters.discord.clone().expect("discord");
    let out = outgoing(
        Destination::Channel {
            channel: CHANNEL.into(),
        },
        "after the limit",
        "limited-1",
    );
    platform.send(&out).await.expect("sent after waiting");
    let tries = app.fake.timed_requests(MESSAGES);
    assert_eq!(tries.len(), 2, "one refusal, one retry");
    // Retry-After is in whole seconds: 0.4 s rounds up to 1 s.
    let gap = tries[1].at - tries[0].at;
    assert!(gap >= Duration::from_millis(990), "retried after {gap:?}");
    assert_eq!(app.fake.messages(CHANNEL).len(), 1);
    app.daemon.shutdown().await;
}

#[tokio::test]
async fn missing_access_and_unknown_channel_fail_for_good_naming_the_channel() {
    let app = app_with(FakeDiscord::start().await, |_| {}).await;
    let platform = app.adapters.discord.clone().expect("discord");
    let gone = "811000000000000404";
    app.fake.inject_always(
        &format!("POST /channels/{gone}/messages"),
        Fault::UnknownChannel,
    );
    let out = outgoing(
        Destination::Channel {
            channel: gone.into(),
        },
        "hello",
        "gone-1",
    );
    let e = platform.send(&out).await;
    assert!(
        matches!(&e, Err(SendError::Permanent(t)) if t.contains(gone) && t.contains("Unknown Channel")),
        "{e:?}"
    );
    // Through the outbox: one attempt per message, failed for good with the fix in the error.
    app.fake.inject_always(
        &format!("POST /channels/{CHANNEL}/messages"),
        Fault::MissingAccess,
    );
    let n = push(
        &app.daemon,
        Platform::Discord,
        GUILD,
        Recipient::Channel(CHANNEL.into()),
        "sbi-model",
    )
    .await;
    let store = app.daemon.store().clone();
    crate::support::eventually("every row failed", || {
        let store = store.clone();
        async move {
            store
                .outbox_counts()
                .await
                .is_ok_and(|c| c.failed == n as i64)
        }
    })
    .await;
    assert_eq!(app.fake.requests(MESSAGES).len(), n + 1, "never retried");
    use sqlx::Connection;
    let url = format!("sqlite://{}", app._dir.path().join("discord.db").display());
    let mut db = sqlx::SqliteConnection::connect(&url).await.expect("db");
    let errors: Vec<String> =
        sqlx::query_scalar("SELECT last_error FROM outbox WHERE state = 'failed'")
            .fetch_all(&mut db)
            .await
            .expect("errors");
    assert!(
        errors
            .iter()
            .all(|e| e.contains(CHANNEL) && e.contains("View Channel")),
        "{errors:?}"
    );
    app.daemon.shutdown().await;
}
