//! Slack end to end: the real daemon and slack-morphism against the fake Slack, with real SQLite.

use crate::support::fake_slack::{APP_TOKEN, BOT_TOKEN, FakeSlack, TEAM, payloads};
use crate::support::lessons_dir;
use nibble::chat::Platform;
use nibble::clock::SystemClock;
use nibble::config::Config;
use nibble::daemon::{Adapters, Daemon};
use nibble::engine::{LessonChoice, PushLesson, PushOutcome, Recipient};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub struct SlackApp {
    pub fake: FakeSlack,
    pub daemon: Daemon,
    pub adapters: Adapters,
    pub config: Config,
    pub _dir: tempfile::TempDir,
}

pub async fn spawn_slack_app() -> SlackApp {
    spawn_slack_app_on(FakeSlack::start().await, lessons_dir()).await
}

/// The daemon against this fake Slack (say, one with another manifest).
pub async fn spawn_slack_app_with(fake: FakeSlack) -> SlackApp {
    spawn_slack_app_on(fake, lessons_dir()).await
}

/// The Slack app with its lessons from another folder.
pub async fn spawn_slack_app_with_lessons(lessons: std::path::PathBuf) -> SlackApp {
    spawn_slack_app_on(FakeSlack::start().await, lessons).await
}

/// The daemon against `fake`, teaching the courses in `lessons`.
async fn spawn_slack_app_on(fake: FakeSlack, lessons: std::path::PathBuf) -> SlackApp {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = Config::default();
    config.database.url = dir.path().join("slack.db").display().to_string();
    config.lessons.dir = lessons;
    config.slack.enabled = true;
    config.slack.api_url = fake.api_url();
    // Production pacing, with the fake's limits and nibble's pacing both running at its time scale.
    config.slack.pacing_scale = fake.time_scale();
    config.slack.connections = 1;
    config.slack.reconnect_backoff_secs = 1;
    config.slack.moderators = vec!["U-MOD".into()];
    let (daemon, adapters) = start_daemon(&fake, &config).await;
    SlackApp {
        fake,
        daemon,
        adapters,
        config,
        _dir: dir,
    }
}

/// A daemon (and its adapters) on this config, connected to the fake's Socket Mode.
async fn start_daemon(fake: &FakeSlack, config: &Config) -> (Daemon, Adapters) {
    let env = HashMap::from([
        ("NIBBLE_SLACK_BOT_TOKEN".to_string(), BOT_TOKEN.to_string()),
        ("NIBBLE_SLACK_APP_TOKEN".to_string(), APP_TOKEN.to_string()),
    ]);
    let adapters = Adapters::from_config(config, &env).expect("adapters");
    let mut daemon = Daemon::start(config, adapters.platforms(), Arc::new(SystemClock))
        .await
        .expect("daemon starts");
    daemon
        .connect(config, &adapters)
        .await
        .expect("socket mode connects");
    fake.wait_for("a Socket Mode connection", || {
        fake.connected().then_some(())
    })
    .await;
    (daemon, adapters)
}

impl SlackApp {
    /// Stops the daemon and starts a new one on the same database and fake, as a restart would.
    pub async fn restart(mut self) -> Self {
        self.daemon.shutdown().await;
        let (daemon, adapters) = start_daemon(&self.fake, &self.config).await;
        self.daemon = daemon;
        self.adapters = adapters;
        self
    }

    pub async fn push_to_channel(&self, team: &str, channel: &str, lesson: &str) -> usize {
        let outcome = self
            .daemon
            .engine()
            .push_lesson(PushLesson {
                platform: Platform::Slack,
                tenant: team.into(),
                recipient: Recipient::Channel(channel.into()),
                lesson: LessonChoice::Id(lesson.into()),
                origin: "test".into(),
            })
            .await
            .expect("push");
        let PushOutcome::Queued { messages, .. } = outcome else {
            panic!("not queued: {outcome:?}")
        };
        self.fake
            .wait_for("the lesson's messages", || {
                (self.fake.posted(channel).len() >= messages).then_some(())
            })
            .await;
        messages
    }

    /// (ts, first button value) of each quiz message in a channel, oldest first.
    pub fn quiz_buttons(&self, channel: &str) -> Vec<(String, Vec<String>)> {
        let mut out: Vec<(String, Vec<String>)> = self
            .fake
            .posted(channel)
            .iter()
            .filter_map(|m| {
                let values: Vec<String> = m["blocks"]
                    .as_array()?
                    .iter()
                    .filter(|b| b["type"] == "actions")
                    .flat_map(|b| b["elements"].as_array().cloned().unwrap_or_default())
                    .filter_map(|e| e["value"].as_str().map(str::to_string))
                    .collect();
                (!values.is_empty()).then(|| (m["ts"].as_str().unwrap_or("").to_string(), values))
            })
            .collect();
        out.reverse();
        out
    }

    pub async fn command(
        &self,
        channel: &str,
        user: &str,
        command: &str,
        text: &str,
        trigger: &str,
    ) -> (Value, Duration) {
        let started = Instant::now();
        let id = self.fake.send_envelope(
            "slash_commands",
            payloads::slash_command(channel, user, command, text, trigger),
        );
        let ack = self.fake.ack(&id).await;
        (ack, started.elapsed())
    }
}

pub fn ack_text(ack: &Value) -> String {
    let mut s = ack["text"].as_str().unwrap_or("").to_string();
    for b in ack["blocks"].as_array().cloned().unwrap_or_default() {
        s.push_str(
            b.pointer("/text/text")
                .and_then(Value::as_str)
                .unwrap_or(""),
        );
    }
    s
}

#[test]
fn the_fakes_payloads_deserialise_into_slack_morphisms_types() {
    use slack_morphism::prelude::*;
    let cmd: Result<SlackCommandEvent, _> =
        serde_json::from_value(payloads::slash_command("C1", "U1", "/learn", "", "t.1"));
    assert!(cmd.is_ok(), "{cmd:?}");
    let click: Result<SlackInteractionEvent, _> = serde_json::from_value(payloads::button_click(
        TEAM,
        "C1",
        "U1",
        "1.2",
        "nb1:a:1:0",
        "t.2",
    ));
    assert!(
        matches!(click, Ok(SlackInteractionEvent::BlockActions(_))),
        "{click:?}"
    );
    let multi: Result<SlackInteractionEvent, _> = serde_json::from_value(payloads::multi_submit(
        "C1",
        "U1",
        "1.2",
        "nb1:m:1",
        "nb1:t:1",
        &["0", "2"],
        "t.3",
    ));
    assert!(
        matches!(multi, Ok(SlackInteractionEvent::BlockActions(_))),
        "{multi:?}"
    );
    for event in [
        payloads::member_joined("U1", "C1"),
        payloads::message("U1", "C1", "hi", Some("1.2")),
    ] {
        let push: Result<SlackPushEventCallback, _> =
            serde_json::from_value(payloads::event_callback("Ev1", event));
        assert!(push.is_ok(), "{push:?}");
        assert!(!matches!(
            push.map(|p| p.event),
            Ok(SlackEventCallbackBody::Unknown(_))
        ));
    }
}

#[tokio::test]
async fn lessons_and_quizzes_reach_a_channel_and_a_dm_as_block_kit() {
    let app = spawn_slack_app().await;
    let n = app.push_to_channel(TEAM, "C-LEARN", "spot-phishing").await;
    let posted = app.fake.posted("C-LEARN");
    assert_eq!(posted.len(), n);
    let first = posted.last().expect("first message");
    assert_eq!(first["blocks"][0]["type"], "header");
    assert!(
        posted.iter().any(|m| m["blocks"]
            .as_array()
            .is_some_and(|b| b.iter().any(|b| b["type"] == "image"))),
        "the lesson's image is an image block"
    );
    assert!(
        posted
            .iter()
            .all(|m| m["metadata"]["event_type"] == "nibble_delivery")
    );
    assert_eq!(app.quiz_buttons("C-LEARN").len(), 3);

    let (ack, took) = app
        .command("C-LEARN", "U-ANA", "/learn", "turn-on-mfa", "trig.learn")
        .await;
    assert!(
        took < Duration::from_secs(3),
        "the command was acknowledged in {took:?}"
    );
    assert!(ack_text(&ack).contains("by DM"), "{ack}");
    assert_eq!(ack["response_type"], "ephemeral");
    app.fake
        .wait_for("the DM lesson", || {
            (app.fake.posted("DU-ANA").len() >= 4).then_some(())
        })
        .await;
    assert_eq!(app.fake.requests("conversations.open")[0]["users"], "U-ANA");
    app.fake.assert_valid();
    app.daemon.shutdown().await;
}

#[tokio::test]
async fn a_click_is_graded_recorded_and_the_dm_quiz_updated() {
    let app = spawn_slack_app().await;
    app.command("C-LEARN", "U-BEN", "/learn", "turn-on-mfa", "trig.1")
        .await;
    app.fake
        .wait_for("the DM quiz", || {
            (app.quiz_buttons("DU-BEN").len() >= 3).then_some(())
        })
        .await;
    let (ts, values) = app.quiz_buttons("DU-BEN")[0].clone();
    let catalog = app.daemon.engine().catalog().current();
    let question = &catalog.lesson("turn-on-mfa").expect("lesson").questions[0];
    let right = question
        .options
        .iter()
        .position(|o| o.correct)
        .expect("a right option");
    let id = app.fake.send_envelope(
        "interactive",
        payloads::button_click(TEAM, "DU-BEN", "U-BEN", &ts, &values[right], "trig.2"),
    );
    app.fake.ack(&id).await;
    let update = app
        .fake
        .wait_for("chat.update", || {
            app.fake.requests("chat.update").first().cloned()
        })
        .await;
    assert_eq!(update["ts"], ts.as_str());
    assert!(
        update["text"].as_str().unwrap_or("").contains("Correct"),
        "{update}"
    );
    let counts = app.daemon.store().row_counts().await.expect("counts");
    assert_eq!((counts.answers, counts.ledger), (1, 1));

    // The multiple-select question, submitted with its ticked boxes.
    let multi = app
        .quiz_buttons("DU-BEN")
        .into_iter()
        .find(|(_, v)| v.len() == 1 && v[0].starts_with("nb1:m:"));
    if let Some((ts, v)) = multi {
        let toggle = v[0].replace("nb1:m:", "nb1:t:");
        let id = app.fake.send_envelope(
            "interactive",
            payloads::multi_submit("DU-BEN", "U-BEN", &ts, &v[0], &toggle, &["0"], "trig.3"),
        );
        app.fake.ack(&id).await;
        app.fake
            .wait_for("the multi-select result", || {
                (app.fake.requests("chat.update").len() >= 2).then_some(())
            })
            .await;
        assert_eq!(
            app.daemon
                .store()
                .row_counts()
                .await
                .expect("counts")
                .answers,
            2
        );
    }
    app.fake.assert_valid();
    app.daemon.shutdown().await;
}

#[tokio::test]
async fn a_thread_under_a_lesson_is_its_replies() {
    use nibble::chat::{ChatPlatform, Destination, Message, Outgoing};
    let app = spawn_slack_app().await;
    app.push_to_channel(TEAM, "C-TALK", "sbi-model").await;
    let first = app
        .fake
        .posted("C-TALK")
        .last()
        .cloned()
        .expect("a message");
    let platform = app.adapters.slack.clone().expect("slack enabled");
    let ts = first["ts"].as_str().unwrap_or("").to_string();
    let thread = platform
        .open_thread(&format!("C-TALK:{ts}"), "Discuss")
        .await
        .expect("thread");
    assert_eq!(
        thread,
        Destination::Thread {
            channel: "C-TALK".into(),
            thread: ts.clone()
        }
    );
    let prompt = Outgoing {
        tenant: TEAM.into(),
        destination: thread,
        message: Message::text("What will you try?"),
        dedupe_key: "p-1".into(),
        dm_channel: None,
    };
    platform.send(&prompt).await.expect("posted");
    let posted = app.fake.requests("chat.postMessage");
    assert_eq!(
        posted.last().map(|b| b["thread_ts"].clone()),
        Some(serde_json::json!(ts))
    );

    // Chat that is not a reply in one of nibble's discussion threads makes nobody a member: neither
    // a reply under the lesson (a thread nibble did not open for discussion) nor a top-level
    // message, whose author is not even looked up (users.info is a tiered method).
    let before = app
        .daemon
        .store()
        .row_counts()
        .await
        .expect("counts")
        .members;
    let reply = payloads::event_callback(
        "Ev-REPLY-1",
        payloads::message("U-TALKER", "C-TALK", "Trying it on Monday", Some(&ts)),
    );
    let chat = payloads::event_callback(
        "Ev-CHAT-1",
        payloads::message("U-CHATTER", "C-TALK", "Lunch anyone?", None),
    );
    for envelope in [reply, chat] {
        let id = app.fake.send_envelope("events_api", envelope);
        // Acknowledged once the engine has handled it (well inside the 2 s budget here).
        app.fake.ack(&id).await;
    }
    let after = app
        .daemon
        .store()
        .row_counts()
        .await
        .expect("counts")
        .members;
    assert_eq!(after, before, "chatting makes nobody a member");
    let looked_up: Vec<_> = app.fake.requests("users.info");
    assert!(
        !looked_up.iter().any(|r| r["user"] == "U-CHATTER"),
        "a top-level message's author is not looked up: {looked_up:?}"
    );
    app.fake.assert_valid();
    app.daemon.shutdown().await;
}
