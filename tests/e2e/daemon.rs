//! The daemon: starts on a config, dispatches on its own, reloads lessons, and shuts down cleanly.

use crate::support::{daemon_config, eventually, lessons_dir, user};
use nibble::chat::{ChatPlatform, EventKind, Platform};
use nibble::clock::SystemClock;
use nibble::config::Config;
use nibble::daemon::Daemon;
use nibble::local::LocalPlatform;
use std::sync::Arc;

#[tokio::test]
async fn the_daemon_serves_reloads_and_stops() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = daemon_config(dir.path());
    let lessons = config.lessons.dir.clone();
    let platform = Arc::new(LocalPlatform::new());
    let platforms: Vec<Arc<dyn ChatPlatform>> = vec![platform.clone()];
    let daemon = Daemon::start(&config, platforms, Arc::new(SystemClock))
        .await
        .expect("start");

    let event = nibble::chat::Event {
        key: "k1".into(),
        platform: Platform::Local,
        tenant: "T".into(),
        channel: "C".into(),
        is_dm: false,
        user: user("U-1"),
        kind: EventKind::Command {
            name: "learn".into(),
            args: "spot-phishing".into(),
        },
    };
    daemon.engine().handle(event).await.expect("handled");
    eventually("the lesson is posted by the running dispatcher", || {
        let p = platform.clone();
        async move { p.posted().len() >= 4 }
    })
    .await;

    // Edit a lesson's title: reload picks it up.
    let file = lessons.join("security-awareness/01-spot-phishing.md");
    let text = std::fs::read_to_string(&file).expect("read");
    std::fs::write(&file, text.replacen("title = \"", "title = \"Edited: ", 1)).expect("write");
    assert!(daemon.reload_lessons().await.is_empty());
    let title = daemon
        .engine()
        .catalog()
        .current()
        .lesson("spot-phishing")
        .map(|l| l.title.clone());
    assert!(title.is_some_and(|t| t.starts_with("Edited: ")));

    // Break it: the previous version stays and the problem is reported.
    std::fs::write(&file, "+++\nid = \"spot-phishing\"\nbroken = \n+++\n").expect("write");
    let problems = daemon.reload_lessons().await;
    assert!(!problems.is_empty());
    assert!(
        problems.to_string().contains("01-spot-phishing.md:3"),
        "{problems}"
    );
    let kept = daemon
        .engine()
        .catalog()
        .current()
        .lesson("spot-phishing")
        .map(|l| l.title.clone());
    assert!(
        kept.is_some_and(|t| t.starts_with("Edited: ")),
        "the old version is kept"
    );
    daemon.shutdown().await;
}

#[tokio::test]
async fn the_daemon_refuses_to_start_on_broken_lessons() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = daemon_config(dir.path());
    std::fs::write(
        config.lessons.dir.join("giving-feedback/99-extra.md"),
        "no front matter",
    )
    .expect("write");
    let err = Daemon::start(&config, vec![], Arc::new(SystemClock))
        .await
        .map(|_| ())
        .expect_err("must fail");
    assert!(
        err.to_string()
            .contains("99-extra.md:1: missing front matter"),
        "{err}"
    );
}

#[tokio::test]
async fn campaigns_declared_in_the_config_are_created_once_and_bad_ones_stop_the_start() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("nibble.toml");
    let declare = |cron: &str| {
        format!(
            "[database]\nurl = \"{}\"\n\n[lessons]\ndir = \"{}\"\n\n[[campaign]]\ntenant = \"local:T\"\nname = \"basics\"\ncourse = \"security-awareness\"\nchannel = \"C-ALL\"\ncron = \"{cron}\"\nzone = \"Europe/Berlin\"\n",
            dir.path().join("c.db").display(),
            lessons_dir().display()
        )
    };
    std::fs::write(&file, declare("0 9 * * Mon-Fri")).expect("write");
    let config = Config::load(Some(&file), Vec::new()).expect("config");
    for _ in 0..2 {
        let platforms: Vec<Arc<dyn ChatPlatform>> = vec![Arc::new(LocalPlatform::new())];
        let daemon = Daemon::start(&config, platforms, Arc::new(SystemClock))
            .await
            .expect("start");
        let lead = nibble::chat::UserRef {
            is_lead: true,
            is_moderator: false,
            ..user("U-LEAD")
        };
        let reply = daemon
            .engine()
            .handle(nibble::chat::Event {
                key: format!(
                    "list-{}",
                    chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default()
                ),
                platform: Platform::Local,
                tenant: "T".into(),
                channel: "C".into(),
                is_dm: false,
                user: lead,
                kind: EventKind::Command {
                    name: "nibble".into(),
                    args: "campaign list".into(),
                },
            })
            .await
            .expect("list");
        let text = crate::support::reply_text(&reply);
        assert!(
            text.contains("#1 “basics” (active)") && !text.contains("#2"),
            "{text}"
        );
        daemon.shutdown().await;
    }
    std::fs::write(&file, declare("0 9 * * Mon-Fry").replace("basics", "other")).expect("write");
    let config = Config::load(Some(&file), Vec::new()).expect("config");
    let platforms: Vec<Arc<dyn ChatPlatform>> = vec![Arc::new(LocalPlatform::new())];
    let err = Daemon::start(&config, platforms, Arc::new(SystemClock))
        .await
        .err()
        .expect("a bad declaration stops the start")
        .to_string();
    assert!(
        err.contains("campaign `other`") && err.contains("cron field 5 (day of week)"),
        "{err}"
    );
}
