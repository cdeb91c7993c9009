//! A store that fails at run time (issue 19, item 8): `/healthz` answers 503 naming the failing loop
//! and the error, the scheduler backs off (1 s doubling to 60 s, on the injected clock) instead of
//! retrying four times a second, and everything is healthy again once the store is.

use crate::support::lessons_dir;
use chrono::{Duration, TimeZone, Utc};
use nibble::chat::ChatPlatform;
use nibble::clock::ManualClock;
use nibble::config::Config;
use nibble::daemon::{Adapters, Daemon};
use nibble::local::LocalPlatform;
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn healthz(addr: std::net::SocketAddr) -> (u16, serde_json::Value) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .expect("write");
    let mut raw = String::new();
    stream.read_to_string(&mut raw).await.expect("read");
    let status = raw
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = raw.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("");
    (status, serde_json::from_str(body).expect("JSON health"))
}

/// Waits (with a deadline) until the scheduler has failed `n` times in a row; more fails the test.
async fn scheduler_failures(daemon: &Daemon, n: u32) {
    let health = daemon.loop_health().clone();
    crate::support::eventually(&format!("{n} scheduler failures"), || {
        let got = health.failures("scheduler");
        assert!(got <= n, "{got} failures where the backoff allows {n}");
        async move { got == n }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_store_fails_healthz_and_the_scheduler_backs_off_over_a_simulated_minute() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = Config::default();
    config.database.url = dir.path().join("h.db").display().to_string();
    config.lessons.dir = lessons_dir();
    config.ops.listen = "127.0.0.1:0".into();
    let start = Utc
        .with_ymd_and_hms(2026, 3, 2, 10, 0, 0)
        .single()
        .expect("time");
    let clock = Arc::new(ManualClock::new(start));
    let platforms: Vec<Arc<dyn ChatPlatform>> = vec![Arc::new(LocalPlatform::new())];
    let mut daemon = Daemon::start(&config, platforms, clock.clone())
        .await
        .expect("start");
    daemon
        .connect(&config, &Adapters::default())
        .await
        .expect("connect");
    let addr = daemon.ops_address().expect("ops served");
    let (status, body) = healthz(addr).await;
    assert_eq!(status, 200, "{body}");

    // The table every tick reads disappears (the probe's `SELECT 1` still works).
    sqlx::query("ALTER TABLE campaigns RENAME TO campaigns_away")
        .execute(daemon.store().pool())
        .await
        .expect("rename");
    daemon.engine().schedule_changed().notify_one();
    scheduler_failures(&daemon, 1).await;
    let (status, body) = healthz(addr).await;
    assert_eq!(status, 503, "{body}");
    let reason = body["database"].as_str().unwrap_or_default();
    assert!(
        reason.contains("scheduler") && reason.contains("no such table: campaigns"),
        "{body}"
    );
    assert_eq!(body["failing"]["scheduler"]["failures"], 1, "{body}");

    // A simulated minute, one second at a time, with a schedule change nudging the scheduler every
    // second: it retries at 1, 3, 7, 15 and 31 s only (polling would have tried 240 times).
    let retries = [1, 3, 7, 15, 31];
    for second in 1..=60 {
        clock.advance(Duration::seconds(1));
        daemon.engine().schedule_changed().notify_one();
        let expected = 1 + retries.iter().filter(|r| **r <= second).count() as u32;
        scheduler_failures(&daemon, expected).await;
    }
    let (_, body) = healthz(addr).await;
    assert_eq!(body["failing"]["scheduler"]["failures"], 6, "{body}");
    let retry_at = body["failing"]["scheduler"]["retry_at"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(retry_at.starts_with("2026-03-02T10:01:03"), "{body}");

    // The store is back: the next retry succeeds and health is green again.
    sqlx::query("ALTER TABLE campaigns_away RENAME TO campaigns")
        .execute(daemon.store().pool())
        .await
        .expect("rename back");
    clock.advance(Duration::seconds(3));
    let health = daemon.loop_health().clone();
    crate::support::eventually("the scheduler's recovery", || {
        let healthy = health.failing().is_empty();
        async move { healthy }
    })
    .await;
    let (status, body) = healthz(addr).await;
    assert_eq!(status, 200, "{body}");
    daemon.shutdown().await;
}

/// The demo's "recognition fold failed … closed pool" at exit: the engine's writer, folding on its own
/// after answers, ran past the store's close. `stop` waits for it; nothing fails afterwards.
#[tokio::test]
async fn the_engine_stops_before_its_store_closes() {
    let app = crate::support::spawn_app().await;
    let learner = crate::support::user("U-FOLD");
    let tenant = crate::support::TENANT;
    app.push(
        tenant,
        nibble::engine::Recipient::Member(learner.clone()),
        "spot-phishing",
    )
    .await;
    let cards = crate::support::cards(&app.deliver().await);
    assert!(!cards.is_empty());
    for card in cards.iter().filter(|c| !c.multi) {
        app.click(tenant, &learner, &card.choices[0].payload, &[])
            .await;
    }
    // Answers leave a fold pending: the writer would fold them 20 ms after going idle.
    app.engine.stop().await;
    app.store.close().await;
    let refused = app.engine.fold_now().await;
    assert!(refused.is_err(), "a stopped engine refuses work");
    assert!(
        app.engine.loop_health().failing().is_empty(),
        "{:?}",
        app.engine.loop_health().failing()
    );
}
