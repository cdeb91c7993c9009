//! Reload safety: a lessons folder that is briefly missing, empty or half-written (a deploy swapping
//! it, a checkout in progress) never ends a campaign, and a stop is honoured during a stuck reload.

use crate::campaigns::{lead, utc};
use crate::support::{copy_dir, daemon_config, eventually, lessons_dir, reply_text};
use nibble::chat::{ChatPlatform, Event, EventKind, Message, Platform};
use nibble::clock::ManualClock;
use nibble::content::Catalog;
use nibble::daemon::{Daemon, Signal, serve_signals};
use nibble::local::LocalPlatform;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

struct Running {
    daemon: Daemon,
    platform: Arc<LocalPlatform>,
    clock: Arc<ManualClock>,
    lessons: std::path::PathBuf,
    said: AtomicUsize,
    _dir: tempfile::TempDir,
}

async fn start() -> Running {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = daemon_config(dir.path());
    let lessons = config.lessons.dir.clone();
    let platform = Arc::new(LocalPlatform::new());
    let clock = Arc::new(ManualClock::new(utc(2026, 12, 1, 10, 0)));
    let platforms: Vec<Arc<dyn ChatPlatform>> = vec![platform.clone()];
    let daemon = Daemon::start(&config, platforms, clock.clone())
        .await
        .expect("start");
    Running {
        daemon,
        platform,
        clock,
        lessons,
        said: AtomicUsize::new(0),
        _dir: dir,
    }
}

impl Running {
    async fn lead_says(&self, args: &str) -> String {
        let event = Event {
            key: format!("k-{}", self.said.fetch_add(1, Ordering::SeqCst)),
            platform: Platform::Local,
            tenant: "T".into(),
            channel: "C-LEARN".into(),
            is_dm: false,
            user: lead(),
            kind: EventKind::Command {
                name: "nibble".into(),
                args: args.into(),
            },
        };
        reply_text(&self.daemon.engine().handle(event).await.expect("handled"))
    }

    /// A daily 11:00 UTC campaign of security-awareness in C-LEARN, named `drip`.
    async fn create_drip(&self) {
        let created = self
            .lead_says("campaign create name=drip course=security-awareness channel=C-LEARN cron=\"0 11 * * *\" zone=UTC")
            .await;
        assert!(created.contains("created"), "{created}");
    }

    /// Runs the slot at `day` 11:00 UTC and waits until `lessons` first parts have been posted.
    async fn slot(&self, day: u32, lessons: usize) {
        self.clock.set(utc(2026, 12, day, 11, 0));
        self.daemon
            .engine()
            .run_due()
            .await
            .expect("the tick succeeds");
        eventually("the lesson is posted", || async {
            self.lessons_posted().len() >= lessons
        })
        .await;
    }

    fn lessons_posted(&self) -> Vec<String> {
        self.platform
            .posted()
            .into_iter()
            .filter_map(|p| match p.message {
                Message::Lesson(l) if l.part == 1 => Some(l.lesson_id),
                _ => None,
            })
            .collect()
    }
}

fn course_count(daemon: &Daemon) -> usize {
    daemon.engine().catalog().current().courses().len()
}

#[tokio::test]
async fn a_missing_empty_or_half_written_folder_keeps_the_catalog_and_the_campaign_goes_on() {
    let app = start().await;
    let courses = course_count(&app.daemon);
    let lessons = app.daemon.engine().catalog().current().lesson_count();
    app.create_drip().await;
    app.slot(1, 1).await;

    // The deploy moves the folder away, then puts an empty one in its place.
    let aside = app.lessons.with_extension("old");
    std::fs::rename(&app.lessons, &aside).expect("move away");
    let problems = app.daemon.reload_lessons().await.to_string();
    assert!(
        problems.contains("keeping every lesson loaded before"),
        "{problems}"
    );
    assert_eq!(course_count(&app.daemon), courses);
    std::fs::create_dir(&app.lessons).expect("empty folder");
    let problems = app.daemon.reload_lessons().await.to_string();
    assert!(problems.contains("no courses found"), "{problems}");
    assert!(
        problems.contains("keeping every lesson loaded before"),
        "{problems}"
    );
    let catalog = app.daemon.engine().catalog().current();
    assert_eq!(
        (catalog.courses().len(), catalog.lesson_count()),
        (courses, lessons)
    );
    app.slot(2, 2).await;

    // Half-written: the course file is back but its lessons are not yet.
    std::fs::create_dir(app.lessons.join("security-awareness")).expect("mkdir");
    std::fs::copy(
        aside.join("security-awareness/course.toml"),
        app.lessons.join("security-awareness/course.toml"),
    )
    .expect("copy course file");
    let problems = app.daemon.reload_lessons().await.to_string();
    assert!(
        problems.contains("lesson `turn-on-mfa` of course `security-awareness` cannot be read now: the loaded version is kept"),
        "{problems}"
    );
    assert!(
        problems.contains("course `giving-feedback` is no longer in the lessons folder"),
        "{problems}"
    );
    app.slot(3, 3).await;
    assert_eq!(
        app.lessons_posted(),
        ["spot-phishing", "strong-passphrases", "turn-on-mfa"]
    );
    let show = app.lead_says("campaign show drip").await;
    assert!(show.contains("(active)"), "the campaign still runs: {show}");

    // The deploy completes: everything reloads cleanly.
    std::fs::remove_dir_all(&app.lessons).expect("remove");
    std::fs::rename(&aside, &app.lessons).expect("move back");
    assert!(app.daemon.reload_lessons().await.is_empty());
    app.daemon.shutdown().await;
}

/// A catalog whose course lists a lesson that is not loaded (as a reload of a half-written folder
/// onto an empty catalog leaves it).
fn catalog_without(lesson_file: &str, dir: &Path) -> Catalog {
    copy_dir(&lessons_dir(), dir);
    std::fs::remove_file(dir.join("security-awareness").join(lesson_file)).expect("remove");
    let outcome = Catalog::default().reload(dir);
    assert!(!outcome.problems.is_empty());
    outcome.catalog
}

#[tokio::test]
async fn a_campaign_whose_next_lesson_is_not_loaded_waits_and_never_finishes() {
    let app = start().await;
    app.create_drip().await;
    app.slot(1, 1).await;
    let full = app.daemon.engine().catalog().current();
    let dir = tempfile::tempdir().expect("tempdir");
    app.daemon
        .engine()
        .catalog()
        .replace(catalog_without("02-strong-passphrases.md", dir.path()));
    for day in 2..=3 {
        app.clock.set(utc(2026, 12, day, 11, 0));
        let report = app.daemon.engine().run_due().await.expect("tick");
        assert_eq!(report.lessons, 0, "day {day}: nothing is skipped ahead");
        assert_eq!(report.finished, 0, "day {day}");
    }
    let show = app.lead_says("campaign show drip").await;
    assert!(show.contains("(active)"), "{show}");
    assert!(show.contains("Next send: 2026-12-04 11:00 UTC"), "{show}");
    app.daemon.engine().catalog().replace((*full).clone());
    app.slot(4, 2).await;
    assert_eq!(
        app.lessons_posted(),
        ["spot-phishing", "strong-passphrases"]
    );
    app.daemon.shutdown().await;
}

#[tokio::test]
async fn a_stopped_campaign_shows_no_next_send() {
    let app = start().await;
    app.create_drip().await;
    let list = app.lead_says("campaign list").await;
    assert!(list.contains("next: 2026-12-01 11:00 UTC"), "{list}");
    app.lead_says("campaign pause drip").await;
    let list = app.lead_says("campaign list").await;
    assert!(list.contains("next: none while paused"), "{list}");
    app.lead_says("campaign stop drip").await;
    let list = app.lead_says("campaign list").await;
    assert!(list.contains("next: none (finished)"), "{list}");
    let show = app.lead_says("campaign show drip").await;
    assert!(show.contains("Next send: none (finished)"), "{show}");
    app.daemon.shutdown().await;
}

#[tokio::test]
async fn a_stop_is_honoured_while_a_reload_hangs_and_reloads_are_folded() {
    // A reload stuck on the disk (a stalled network share): the stop still ends the loop.
    let (send, mut signals) = tokio::sync::mpsc::channel(4);
    let started = Arc::new(AtomicUsize::new(0));
    let count = started.clone();
    let serve = tokio::spawn(async move {
        serve_signals(&mut signals, || {
            count.fetch_add(1, Ordering::SeqCst);
            std::future::pending::<nibble::content::Problems>()
        })
        .await
    });
    for signal in [Signal::Reload, Signal::Reload, Signal::Stop] {
        send.send(signal).await.expect("send");
    }
    tokio::time::timeout(Duration::from_secs(10), serve)
        .await
        .expect("the stop is honoured within its deadline")
        .expect("the loop ends cleanly");
    assert_eq!(started.load(Ordering::SeqCst), 1, "one reload at a time");

    // Three requests during one reload give exactly one more reload after it.
    let (send, mut signals) = tokio::sync::mpsc::channel(8);
    let (release, released) = tokio::sync::watch::channel(false);
    let started = Arc::new(AtomicUsize::new(0));
    let count = started.clone();
    let serve = tokio::spawn(async move {
        serve_signals(&mut signals, || {
            count.fetch_add(1, Ordering::SeqCst);
            let mut released = released.clone();
            async move {
                let _ = released.wait_for(|r| *r).await;
                nibble::content::Problems::default()
            }
        })
        .await
    });
    for _ in 0..3 {
        send.send(Signal::Reload).await.expect("send");
    }
    eventually(
        "the requests are all taken in during the first reload",
        || async { started.load(Ordering::SeqCst) == 1 && send.capacity() == 8 },
    )
    .await;
    release.send(true).expect("release");
    eventually("one more reload follows", || async {
        started.load(Ordering::SeqCst) == 2
    })
    .await;
    send.send(Signal::Stop).await.expect("stop");
    serve.await.expect("the loop ends");
    assert_eq!(started.load(Ordering::SeqCst), 2);
}
