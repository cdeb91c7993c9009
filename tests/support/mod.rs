//! Test harness shared by the end-to-end tests: a real SQLite file, the real lessons, a manual clock,
//! the local platform and the outbox dispatcher (`spawn_app`), plus helpers to await conditions.

#![allow(dead_code)]

pub mod cli;
pub mod fake_discord;
pub mod fake_slack;
pub mod http;
pub mod shape_check;
pub mod spec_check;

use chrono::{TimeZone, Utc};
use nibble::chat::{
    Dispatcher, DispatcherConfig, Event, EventKind, Message, Platform, QuestionCard, Reply, UserRef,
};
use nibble::clock::ManualClock;
use nibble::content::{Catalog, load_catalog};
use nibble::engine::{
    CatalogHandle, Engine, EngineSettings, LessonChoice, PushLesson, PushOutcome, Recipient,
};
use nibble::local::{LocalPlatform, Posted};
use nibble::store::{Durability, Store};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

pub const TENANT: &str = "T-ACME";

pub struct TestApp {
    pub store: Store,
    pub engine: Engine,
    pub dispatcher: Dispatcher,
    pub platform: Arc<LocalPlatform>,
    pub clock: Arc<ManualClock>,
    pub catalog: Catalog,
    pub db_path: PathBuf,
    _dir: tempfile::TempDir,
    seq: AtomicU64,
}

pub fn lessons_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("lessons")
}

/// Copies a folder with everything in it (a course holds its lessons and an `images/` folder).
pub fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

/// A daemon's config in `dir`: its database file and a copy of the bundled lessons to edit
/// (`dir/lessons`).
pub fn daemon_config(dir: &std::path::Path) -> nibble::config::Config {
    let lessons = dir.join("lessons");
    copy_dir(&lessons_dir(), &lessons);
    let mut config = nibble::config::Config::default();
    config.database.url = dir.join("d.db").display().to_string();
    config.lessons.dir = lessons;
    config
}

pub fn user(id: &str) -> UserRef {
    UserRef {
        id: id.into(),
        name: format!("Name of {id}"),
        time_zone: Some("Europe/Berlin".into()),
        is_lead: false,
        is_moderator: false,
    }
}

/// A fresh app on its own database file, with the bundled lessons.
pub async fn spawn_app() -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let db_path = dir.path().join("nibble.db");
    let store = Store::open(&db_path.display().to_string(), Durability::Normal)
        .await
        .expect("open store");
    let catalog = load_catalog(&lessons_dir()).expect("bundled lessons load");
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap(),
    ));
    store
        .sync_catalog(&catalog, Utc::now())
        .await
        .expect("sync catalog");
    let platform = Arc::new(LocalPlatform::new());
    let dispatcher = Dispatcher::new(
        store.clone(),
        vec![platform.clone()],
        clock.clone(),
        DispatcherConfig::default(),
    );
    let engine = Engine::start(
        store.clone(),
        CatalogHandle::new(catalog.clone()),
        clock.clone(),
        EngineSettings::default(),
        dispatcher.waker(),
    );
    TestApp {
        store,
        engine,
        dispatcher,
        platform,
        clock,
        catalog,
        db_path,
        _dir: dir,
        seq: AtomicU64::new(0),
    }
}

impl TestApp {
    pub fn event(&self, tenant: &str, who: &UserRef, kind: EventKind) -> Event {
        let n = self.seq.fetch_add(1, Ordering::Relaxed);
        Event {
            key: format!("evt-{n}"),
            platform: Platform::Local,
            tenant: tenant.into(),
            channel: "C-GENERAL".into(),
            is_dm: false,
            user: who.clone(),
            kind,
        }
    }

    pub async fn push(&self, tenant: &str, recipient: Recipient, lesson: &str) -> PushOutcome {
        self.engine
            .push_lesson(PushLesson {
                platform: Platform::Local,
                tenant: tenant.into(),
                recipient,
                lesson: LessonChoice::Id(lesson.into()),
                origin: "test".into(),
            })
            .await
            .expect("push lesson")
    }

    /// Folds recognition (badge announcements), sends everything due and returns what the platform
    /// received.
    pub async fn deliver(&self) -> Vec<Posted> {
        self.engine.fold_now().await.expect("fold");
        self.dispatcher.drain().await.expect("drain outbox");
        self.platform.posted()
    }

    pub async fn click(
        &self,
        tenant: &str,
        who: &UserRef,
        payload: &str,
        values: &[&str],
    ) -> Reply {
        let kind = EventKind::Button {
            payload: payload.into(),
            values: values.iter().map(|v| v.to_string()).collect(),
        };
        self.engine
            .handle(self.event(tenant, who, kind))
            .await
            .expect("handle click")
    }

    pub async fn command(&self, who: &UserRef, name: &str, args: &str) -> Reply {
        let kind = EventKind::Command {
            name: name.into(),
            args: args.into(),
        };
        self.engine
            .handle(self.event(TENANT, who, kind))
            .await
            .expect("handle command")
    }
}

/// The quiz cards among posted messages, in order.
pub fn cards(posted: &[Posted]) -> Vec<QuestionCard> {
    posted
        .iter()
        .filter_map(|p| match &p.message {
            Message::Question(q) => Some(q.clone()),
            _ => None,
        })
        .collect()
}

/// The text of an ephemeral or updating reply.
pub fn reply_text(reply: &Reply) -> String {
    match reply {
        Reply::None => String::new(),
        Reply::Ephemeral(m) | Reply::UpdateSource(m) => nibble::local::render_text(m),
    }
}

/// Waits for a condition with a deadline instead of sleeping a fixed time.
pub async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !check().await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for: {what}"
        );
        tokio::task::yield_now().await;
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Waits until `check` returns something, re-checking whenever `changed` is notified (or every 50 ms),
/// and fails the test after `limit`.
pub async fn wait_on<T>(
    changed: &tokio::sync::Notify,
    what: &str,
    limit: Duration,
    mut check: impl FnMut() -> Option<T>,
) -> T {
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        let notified = changed.notified();
        if let Some(v) = check() {
            return v;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        let _ = tokio::time::timeout(Duration::from_millis(50), notified).await;
    }
}
