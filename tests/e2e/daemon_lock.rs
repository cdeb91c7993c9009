//! One daemon per database (issue 19, item 10): a second daemon is refused, naming the first (host,
//! pid, since when); a clean stop releases the lock; a crashed daemon's lock expires after 30 s
//! without a heartbeat (at once when its process is gone from this host) and is taken over.

use crate::support::cli::{nibble_command, on_fake_discord};
use crate::support::fake_discord::FakeDiscord;
use crate::support::lessons_dir;
use chrono::{DateTime, Duration, TimeZone, Utc};
use nibble::chat::ChatPlatform;
use nibble::clock::ManualClock;
use nibble::config::Config;
use nibble::daemon::Daemon;
use nibble::daemon::lock::host_name;
use nibble::local::LocalPlatform;
use nibble::store::{Durability, LockHolder, Store};
use std::sync::Arc;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 10, 0, 0)
        .single()
        .expect("time")
}

fn config(dir: &std::path::Path) -> Config {
    let mut config = Config::default();
    config.database.url = dir.join("lock.db").display().to_string();
    config.lessons.dir = lessons_dir();
    config
}

async fn start(config: &Config, at: DateTime<Utc>) -> Result<Daemon, String> {
    let platforms: Vec<Arc<dyn ChatPlatform>> = vec![Arc::new(LocalPlatform::new())];
    Daemon::start(config, platforms, Arc::new(ManualClock::new(at)))
        .await
        .map_err(|e| e.to_string())
}

async fn holder(config: &Config) -> Option<LockHolder> {
    let store = Store::open(&config.database.url, Durability::Normal)
        .await
        .expect("open");
    let holder = store.daemon_lock().await.expect("read lock");
    store.close().await;
    holder
}

/// Records a lock as a daemon elsewhere (or a gone process here) would have left it.
async fn leave_lock(config: &Config, host: &str, pid: i64, heartbeat: DateTime<Utc>) {
    let store = Store::open(&config.database.url, Durability::Normal)
        .await
        .expect("open");
    let other = LockHolder {
        token: format!("{host}/{pid}/crashed"),
        host: host.into(),
        pid,
        started_at: heartbeat - Duration::hours(1),
        heartbeat_at: heartbeat,
    };
    store
        .take_daemon_lock(&other, heartbeat, Duration::seconds(30), |_| false)
        .await
        .expect("lock left");
    store.close().await;
}

#[tokio::test]
async fn a_second_daemon_is_refused_naming_the_first_until_it_stops() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = config(dir.path());
    let first = start(&config, t0()).await.expect("first start");
    let refused = start(&config, t0() + Duration::seconds(10))
        .await
        .err()
        .expect("the second daemon is refused");
    for part in [
        "another nibble daemon is running on this database".to_string(),
        format!("pid {}", std::process::id()),
        format!("host `{}`", host_name()),
        "running since 2026-03-02 10:00:00 UTC".to_string(),
    ] {
        assert!(refused.contains(&part), "`{part}` missing from: {refused}");
    }
    first.shutdown().await;
    assert_eq!(
        holder(&config).await,
        None,
        "a clean stop releases the lock"
    );
    let second = start(&config, t0() + Duration::seconds(10))
        .await
        .expect("starts once the first stopped");
    second.shutdown().await;
}

#[tokio::test]
async fn a_crashed_daemons_lock_expires_after_30_s_without_heartbeat() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = config(dir.path());
    leave_lock(&config, "other-host", 4242, t0()).await;
    let refused = start(&config, t0() + Duration::seconds(29))
        .await
        .err()
        .expect("still fresh");
    assert!(
        refused.contains("pid 4242 on host `other-host`"),
        "{refused}"
    );
    let daemon = start(&config, t0() + Duration::seconds(31))
        .await
        .expect("an expired lock is taken over");
    let now_held = holder(&config).await.expect("held");
    assert_eq!(now_held.pid, i64::from(std::process::id()));
    assert_eq!(now_held.host, host_name());
    daemon.shutdown().await;
}

#[tokio::test]
async fn a_lock_left_by_a_gone_process_of_this_host_is_taken_over_at_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = config(dir.path());
    let mut gone = std::process::Command::new("true").spawn().expect("spawn");
    let pid = i64::from(gone.id());
    gone.wait().expect("reaped");
    leave_lock(&config, &host_name(), pid, t0()).await;
    let daemon = start(&config, t0() + Duration::seconds(1))
        .await
        .expect("the lock of a process that no longer exists is taken over");
    daemon.shutdown().await;
}

#[tokio::test]
async fn the_heartbeat_keeps_a_running_daemons_lock_fresh() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = config(dir.path());
    let clock = Arc::new(ManualClock::new(t0()));
    let platforms: Vec<Arc<dyn ChatPlatform>> = vec![Arc::new(LocalPlatform::new())];
    let first = Daemon::start(&config, platforms, clock.clone())
        .await
        .expect("first");
    clock.advance(Duration::seconds(60));
    let store = first.store().clone();
    crate::support::eventually("the heartbeat at 60 s", || {
        let store = store.clone();
        async move {
            store
                .daemon_lock()
                .await
                .ok()
                .flatten()
                .is_some_and(|h| h.heartbeat_at == t0() + Duration::seconds(60))
        }
    })
    .await;
    // 80 s after the start, but 20 s after the last heartbeat: still held.
    let refused = start(&config, t0() + Duration::seconds(80)).await.err();
    assert!(
        refused.is_some(),
        "a daemon with a fresh heartbeat keeps its lock"
    );
    first.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nibble_run_refuses_a_database_another_daemon_holds() {
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let config = config(dir.path());
    let first = start(&config, Utc::now()).await.expect("first");
    let out = on_fake_discord(&mut nibble_command(dir.path()), &fake)
        .args(["run", "--database", &config.database.url])
        .env("NIBBLE_LESSONS_DIR", lessons_dir())
        .env("NIBBLE_OPS_LISTEN", "")
        .env("NO_COLOR", "1")
        .output()
        .expect("nibble run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(
        stderr.contains("another nibble daemon is running on this database")
            && stderr.contains(&format!("pid {}", std::process::id())),
        "{stderr}"
    );
    first.shutdown().await;
}

#[tokio::test]
async fn a_daemon_whose_lock_was_taken_over_reports_it_unhealthy() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = config(dir.path());
    let clock = Arc::new(ManualClock::new(t0()));
    let platforms: Vec<Arc<dyn ChatPlatform>> = vec![Arc::new(LocalPlatform::new())];
    let daemon = Daemon::start(&config, platforms, clock.clone())
        .await
        .expect("start");
    // Another daemon took the lock (this one's heartbeat had stalled, say a suspended VM).
    let other = LockHolder {
        token: "elsewhere/77/usurper".into(),
        host: "elsewhere".into(),
        pid: 77,
        started_at: t0(),
        heartbeat_at: t0(),
    };
    daemon
        .store()
        .take_daemon_lock(
            &other,
            t0() + Duration::hours(1),
            Duration::seconds(30),
            |_| false,
        )
        .await
        .expect("taken over");
    clock.advance(Duration::seconds(5));
    let health = daemon.loop_health().clone();
    crate::support::eventually("the lost lock on the health board", || {
        let reason = health.store_failure().unwrap_or_default();
        async move { reason.contains("database lock: another daemon took this database's lock over") }
    })
    .await;
    daemon.shutdown().await;
    let still = holder(&config).await.expect("held");
    assert_eq!(
        still.pid, 77,
        "a stop never releases a lock that is not its own"
    );
}
