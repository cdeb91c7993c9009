//! Discord end to end: the real daemon and serenity against the fake Discord, with real SQLite.

use crate::support::fake_discord::{FakeDiscord, GUILD, TOKEN, payloads};
use crate::support::lessons_dir;
use nibble::chat::Platform;
use nibble::clock::SystemClock;
use nibble::config::Config;
use nibble::daemon::{Adapters, Daemon};
use nibble::engine::{LessonChoice, PushLesson, PushOutcome, Recipient};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub const CHANNEL: &str = "811000000000000001";
pub const OTHER_CHANNEL: &str = "821000000000000001";
pub const LEARNER: &str = "830000000000000101";
pub const INTRUDER: &str = "830000000000000666";

pub struct DiscordApp {
    pub fake: FakeDiscord,
    pub daemon: Daemon,
    pub adapters: Adapters,
    pub _dir: tempfile::TempDir,
}

pub fn discord_config(config: &mut Config, fake: &FakeDiscord) {
    config.discord.enabled = true;
    // discord.com resolves to the fake, which serves TLS with a test CA: serenity's rate limiter
    // stays on, as in production.
    config.discord.api_address = Some(fake.api_address());
    config.discord.ca_file = Some(fake.ca_file());
    config.discord.max_requests_per_second = 50;
    config.discord.moderator_roles = vec!["Moderators".into()];
}

pub async fn spawn_discord_app() -> DiscordApp {
    spawn_discord_app_with(lessons_dir()).await
}

/// The Discord app with its lessons from another folder.
pub async fn spawn_discord_app_with(lessons: std::path::PathBuf) -> DiscordApp {
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = Config::default();
    config.database.url = dir.path().join("discord.db").display().to_string();
    config.lessons.dir = lessons;
    discord_config(&mut config, &fake);
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

/// The bot identified and registered its commands (its ready handler ran).
pub async fn wait_ready(fake: &FakeDiscord) {
    let route = "PUT /applications/{application_id}/guilds/{guild_id}/commands";
    fake.wait_for("command registration", || {
        (fake.requests(route).len() >= 2).then_some(())
    })
    .await;
}

pub async fn push(
    daemon: &Daemon,
    platform: Platform,
    tenant: &str,
    recipient: Recipient,
    lesson: &str,
) -> usize {
    let outcome = daemon
        .engine()
        .push_lesson(PushLesson {
            platform,
            tenant: tenant.into(),
            recipient,
            lesson: LessonChoice::Id(lesson.into()),
            origin: "test".into(),
        })
        .await
        .expect("push");
    let PushOutcome::Queued { messages, .. } = outcome else {
        panic!("not queued: {outcome:?}")
    };
    messages
}

/// Posted quiz messages (those with components) in a channel, oldest first.
pub fn quizzes(fake: &FakeDiscord, channel: &str) -> Vec<Value> {
    fake.messages(channel)
        .into_iter()
        .filter(|m| m["components"].as_array().is_some_and(|c| !c.is_empty()))
        .collect()
}

pub fn first_custom_id(message: &Value) -> String {
    message["components"][0]["components"][0]["custom_id"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

impl DiscordApp {
    /// Dispatches an interaction and waits for its callback.
    pub async fn interact(&self, data: Value) -> (Value, Duration) {
        let id = data["id"].as_str().unwrap_or("").to_string();
        let started = Instant::now();
        self.fake.dispatch("INTERACTION_CREATE", data);
        let body = self
            .fake
            .wait_for("the interaction callback", || {
                self.fake
                    .callbacks()
                    .into_iter()
                    .find(|(i, _)| *i == id)
                    .map(|(_, b)| b)
            })
            .await;
        (body, started.elapsed())
    }

    pub async fn command(&self, who: &str, name: &str, options: Value) -> (Value, Duration) {
        let id = self.fake.next_id();
        self.interact(payloads::command(
            &id,
            GUILD,
            CHANNEL,
            who,
            name,
            options,
            "2248473465835073",
        ))
        .await
    }
}

#[test]
fn the_fakes_payloads_deserialise_into_serenitys_types() {
    use serenity::all::{Guild, Interaction, Member, Message, Ready};
    let ready: Result<Ready, _> = serde_json::from_value(payloads::ready("s", "127.0.0.1:1"));
    assert!(ready.is_ok(), "{ready:?}");
    let guild: Result<Guild, _> = serde_json::from_value(payloads::guild_create(GUILD));
    assert!(guild.is_ok(), "{guild:?}");
    let cmd: Result<Interaction, _> = serde_json::from_value(payloads::command(
        "1",
        GUILD,
        CHANNEL,
        LEARNER,
        "learn",
        json!([{"name": "topic", "type": 3, "value": "x"}]),
        "8",
    ));
    assert!(matches!(cmd, Ok(Interaction::Command(_))), "{cmd:?}");
    let message = crate::support::fake_discord::payloads::user(LEARNER);
    assert!(message.is_object());
    let posted = json!({"content": "q", "components": [{"type": 1, "components": [{"type": 2, "style": 1, "label": "A", "custom_id": "nb1:a:1:0"}]}]});
    let msg_obj = rest_message(&posted);
    let parsed: Result<Message, _> = serde_json::from_value(msg_obj.clone());
    assert!(parsed.is_ok(), "{parsed:?}");
    for guild in [Some(GUILD), None] {
        let click: Result<Interaction, _> = serde_json::from_value(payloads::component(
            "2",
            guild,
            CHANNEL,
            LEARNER,
            "nb1:a:1:0",
            None,
            msg_obj.clone(),
        ));
        assert!(matches!(click, Ok(Interaction::Component(_))), "{click:?}");
    }
    let select: Result<Interaction, _> = serde_json::from_value(payloads::component(
        "3",
        Some(GUILD),
        CHANNEL,
        LEARNER,
        "nb1:m:1",
        Some(&["0", "2"]),
        msg_obj,
    ));
    assert!(
        matches!(select, Ok(Interaction::Component(_))),
        "{select:?}"
    );
    let posted: Result<Message, _> =
        serde_json::from_value(payloads::message_create("5", GUILD, CHANNEL, LEARNER, "hi"));
    assert!(posted.is_ok(), "{posted:?}");
    let member: Result<Member, _> = serde_json::from_value(payloads::member_add(GUILD, LEARNER));
    assert!(member.is_ok(), "{member:?}");
}

fn rest_message(body: &Value) -> Value {
    json!({
        "id": "900000000000000001", "channel_id": CHANNEL, "type": 0, "content": body["content"], "author": payloads::user("800000000000000002"),
        "attachments": [], "embeds": [], "components": body["components"], "mentions": [], "mention_roles": [], "pinned": false,
        "mention_everyone": false, "tts": false, "timestamp": "2026-03-02T09:00:00.000000+00:00", "edited_timestamp": null, "flags": 0
    })
}

#[tokio::test]
async fn lessons_and_quizzes_reach_a_channel_and_a_dm_with_components() {
    let app = spawn_discord_app().await;
    let n = push(
        &app.daemon,
        Platform::Discord,
        GUILD,
        Recipient::Channel(CHANNEL.into()),
        "spot-phishing",
    )
    .await;
    app.fake
        .wait_for("the channel lesson", || {
            (app.fake.messages(CHANNEL).len() >= n).then_some(())
        })
        .await;
    let posted = app.fake.messages(CHANNEL);
    assert_eq!(posted.len(), n);
    assert!(
        posted[0]["embeds"][0]["title"]
            .as_str()
            .is_some_and(|t| !t.is_empty())
    );
    assert!(
        posted.iter().any(|m| m["embeds"]
            .as_array()
            .is_some_and(|e| e.iter().any(|e| e["image"]["url"].is_string()))),
        "the lesson's image is an embed image"
    );
    assert_eq!(quizzes(&app.fake, CHANNEL).len(), 3);
    let requests = app.fake.requests("POST /channels/{channel_id}/messages");
    assert!(
        requests
            .iter()
            .all(|r| r["enforce_nonce"] == true && r["nonce"].is_string())
    );

    let (callback, took) = app
        .command(
            LEARNER,
            "learn",
            json!([{"name": "topic", "type": 3, "value": "turn-on-mfa"}]),
        )
        .await;
    assert!(took < Duration::from_secs(3), "answered in {took:?}");
    assert_eq!(callback["type"], 4);
    assert_eq!(callback["data"]["flags"], 64, "ephemeral");
    assert!(
        callback["data"]["content"]
            .as_str()
            .unwrap_or("")
            .contains("by DM"),
        "{callback}"
    );
    let dm = app
        .fake
        .wait_for("the DM channel", || {
            app.fake
                .requests("POST /users/@me/channels")
                .first()
                .cloned()
        })
        .await;
    assert_eq!(dm["recipient_id"], LEARNER);
    let dm_channel = format!("7{}", &LEARNER[1..]);
    app.fake
        .wait_for("the DM lesson", || {
            (quizzes(&app.fake, &dm_channel).len() >= 3).then_some(())
        })
        .await;
    app.fake.assert_valid();
    app.daemon.shutdown().await;
}

#[tokio::test]
async fn a_click_is_graded_and_the_dm_quiz_replaced_in_time() {
    let app = spawn_discord_app().await;
    app.command(
        LEARNER,
        "learn",
        json!([{"name": "topic", "type": 3, "value": "turn-on-mfa"}]),
    )
    .await;
    let dm_channel = format!("7{}", &LEARNER[1..]);
    app.fake
        .wait_for("the DM quiz", || {
            (quizzes(&app.fake, &dm_channel).len() >= 3).then_some(())
        })
        .await;
    let quiz = quizzes(&app.fake, &dm_channel)[0].clone();
    let catalog = app.daemon.engine().catalog().current();
    let right = catalog.lesson("turn-on-mfa").expect("lesson").questions[0]
        .options
        .iter()
        .position(|o| o.correct)
        .expect("right");
    let custom_id = quiz["components"][0]["components"][right]["custom_id"]
        .as_str()
        .unwrap_or("")
        .to_string();
    let id = app.fake.next_id();
    // Clicked in the DM: no guild on the interaction.
    let (callback, took) = app
        .interact(payloads::component(
            &id,
            None,
            &dm_channel,
            LEARNER,
            &custom_id,
            None,
            quiz.clone(),
        ))
        .await;
    assert!(took < Duration::from_secs(3), "{took:?}");
    assert_eq!(callback["type"], 7, "the quiz message is updated");
    assert!(
        callback["data"]["content"]
            .as_str()
            .unwrap_or("")
            .contains("Correct"),
        "{callback}"
    );
    assert_eq!(callback["data"]["components"], json!([]));
    let counts = app.daemon.store().row_counts().await.expect("counts");
    assert_eq!((counts.answers, counts.ledger), (1, 1));

    // The multiple-select question is a select menu; its values are the choices.
    if let Some(multi) = quizzes(&app.fake, &dm_channel)
        .into_iter()
        .find(|m| m["components"][0]["components"][0]["type"] == 3)
    {
        let id = app.fake.next_id();
        let (cb, _) = app
            .interact(payloads::component(
                &id,
                None,
                &dm_channel,
                LEARNER,
                &first_custom_id(&multi),
                Some(&["0"]),
                multi.clone(),
            ))
            .await;
        assert_eq!(cb["type"], 7);
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
async fn slash_commands_with_options_and_subcommands() {
    let app = spawn_discord_app().await;
    let (cb, _) = app
        .command(
            LEARNER,
            "nibble",
            json!([{"name": "courses", "type": 1, "options": []}]),
        )
        .await;
    assert!(
        cb["data"]["content"]
            .as_str()
            .unwrap_or("")
            .contains("security-awareness"),
        "{cb}"
    );
    let (cb, _) = app.command(LEARNER, "points", json!([])).await;
    assert!(
        cb["data"]["content"]
            .as_str()
            .unwrap_or("")
            .contains("points"),
        "{cb}"
    );
    // A member joins the guild: a welcome DM, once.
    let newcomer = "830000000000000777";
    app.fake
        .dispatch("GUILD_MEMBER_ADD", payloads::member_add(GUILD, newcomer));
    app.fake
        .dispatch("GUILD_MEMBER_ADD", payloads::member_add(GUILD, newcomer));
    let welcome_channel = format!("7{}", &newcomer[1..]);
    let welcome = app
        .fake
        .wait_for("the welcome DM", || {
            app.fake.messages(&welcome_channel).first().cloned()
        })
        .await;
    assert!(
        welcome["content"]
            .as_str()
            .unwrap_or("")
            .contains("Welcome"),
        "{welcome}"
    );
    let registered = app
        .fake
        .requests("PUT /applications/{application_id}/guilds/{guild_id}/commands");
    let names: Vec<&str> = registered[0]
        .as_array()
        .map(|a| a.iter().filter_map(|c| c["name"].as_str()).collect())
        .unwrap_or_default();
    for expected in [
        "learn",
        "points",
        "leaderboard",
        "badges",
        "progress",
        "partner",
        "share",
        "nibble",
    ] {
        assert!(
            names.contains(&expected),
            "{expected} not registered: {names:?}"
        );
    }
    app.fake.assert_valid();
    app.daemon.shutdown().await;
}

#[tokio::test]
async fn a_thread_opened_from_a_lesson_collects_replies() {
    use nibble::chat::{ChatPlatform, Destination, Message, Outgoing};
    let app = spawn_discord_app().await;
    let n = push(
        &app.daemon,
        Platform::Discord,
        GUILD,
        Recipient::Channel(CHANNEL.into()),
        "sbi-model",
    )
    .await;
    app.fake
        .wait_for("the lesson", || {
            (app.fake.messages(CHANNEL).len() >= n).then_some(())
        })
        .await;
    let starter = app.fake.messages(CHANNEL)[0]["id"]
        .as_str()
        .unwrap_or("")
        .to_string();
    let platform = app.adapters.discord.clone().expect("discord enabled");
    let thread = platform
        .open_thread(&format!("{CHANNEL}:{starter}"), "Discuss: the SBI model")
        .await
        .expect("thread opened");
    let Destination::Thread {
        thread: thread_id, ..
    } = &thread
    else {
        panic!("{thread:?}")
    };
    let created = app
        .fake
        .requests("POST /channels/{channel_id}/messages/{message_id}/threads");
    assert_eq!(created[0]["name"], "Discuss: the SBI model");
    let prompt = Outgoing {
        tenant: GUILD.into(),
        destination: thread.clone(),
        message: Message::text("What will you try this week?"),
        dedupe_key: "prompt-1".into(),
        dm_channel: None,
    };
    platform.send(&prompt).await.expect("posted in the thread");
    assert_eq!(app.fake.messages(thread_id).len(), 1);

    // (Chat in a thread that is not one of nibble's discussions makes nobody a member: see
    // communities::chat_outside_nibble_threads_makes_no_members, where the handling is awaited.)
    app.fake.assert_valid();
    app.daemon.shutdown().await;
}

/// Holds SQLite's write lock from outside, as a slow disk or a long checkpoint would.
pub async fn hold_write_lock(db: &std::path::Path) -> sqlx::SqliteConnection {
    use sqlx::Connection;
    let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", db.display()))
        .await
        .expect("second connection");
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut conn)
        .await
        .expect("lock");
    conn
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_engine_defers_the_interaction_then_edits_the_answer_in() {
    let app = spawn_discord_app().await;
    let mut lock = hold_write_lock(&app._dir.path().join("discord.db")).await;
    let id = app.fake.next_id();
    app.fake.dispatch(
        "INTERACTION_CREATE",
        payloads::command(&id, GUILD, CHANNEL, LEARNER, "points", json!([]), "0"),
    );
    let deferred = app
        .fake
        .wait_for("the deferral", || {
            app.fake
                .callbacks()
                .into_iter()
                .find(|(i, _)| *i == id)
                .map(|(_, b)| b)
        })
        .await;
    assert_eq!(deferred["type"], 5, "{deferred}");
    assert_eq!(deferred["data"]["flags"], 64);
    sqlx::query("ROLLBACK")
        .execute(&mut lock)
        .await
        .expect("unlock");
    let route = "PATCH /webhooks/{application_id}/{interaction_token}/messages/@original";
    let edit = app
        .fake
        .wait_for("the follow-up edit", || {
            app.fake.requests(route).first().cloned()
        })
        .await;
    assert!(
        edit["content"].as_str().unwrap_or("").contains("points"),
        "{edit}"
    );
    app.fake.assert_valid();
    app.daemon.shutdown().await;
}
