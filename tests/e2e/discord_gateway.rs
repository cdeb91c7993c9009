//! Discord's gateway as strict as the real one: intents decide what arrives, a slow click is
//! answered through the interaction's follow-up webhook, and `/healthz` follows the connection.

use crate::discord::{CHANNEL, LEARNER, hold_write_lock, push, quizzes, spawn_discord_app};
use crate::support::fake_discord::{FakeDiscord, GUILD, TOKEN, intents, payloads};
use nibble::chat::Platform;
use nibble::discord::DiscordListener;
use nibble::engine::Recipient;
use serenity::all::{Context, EventHandler, GatewayIntents, Member, Message, Reaction};
use std::sync::{Arc, Mutex};

/// What a bare serenity client saw.
struct Seen(Arc<Mutex<Vec<String>>>);

#[serenity::async_trait]
impl EventHandler for Seen {
    async fn guild_member_addition(&self, _: Context, _: Member) {
        self.0.lock().expect("lock").push("member".into());
    }
    async fn message(&self, _: Context, m: Message) {
        self.0
            .lock()
            .expect("lock")
            .push(format!("message:{}", m.content));
    }
    async fn reaction_add(&self, _: Context, _: Reaction) {
        self.0.lock().expect("lock").push("reaction".into());
    }
}

/// A serenity client (not nibble) identifying with `intents` against the fake.
async fn bare_client(fake: &FakeDiscord, intents: GatewayIntents) -> Arc<Mutex<Vec<String>>> {
    let pem = std::fs::read(fake.ca_file()).expect("CA");
    let client = reqwest::Client::builder()
        .use_rustls_tls()
        .resolve("discord.com", fake.api_addr)
        .add_root_certificate(reqwest::Certificate::from_pem(&pem).expect("CA PEM"))
        .build()
        .expect("client");
    let http = serenity::http::HttpBuilder::new(TOKEN)
        .client(client)
        .build();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let mut client = serenity::all::ClientBuilder::new_with_http(http, intents)
        .event_handler(Seen(seen.clone()))
        .await
        .expect("client");
    tokio::spawn(async move { client.start().await });
    fake.wait_for("an identify", || fake.intents()).await;
    seen
}

#[tokio::test]
async fn events_outside_the_intents_never_arrive_and_content_needs_its_intent() {
    let fake = FakeDiscord::start().await;
    let seen = bare_client(
        &fake,
        GatewayIntents::GUILDS | GatewayIntents::GUILD_MESSAGES,
    )
    .await;
    let thread = "811000000000000077";
    fake.dispatch("GUILD_MEMBER_ADD", payloads::member_add(GUILD, LEARNER));
    fake.dispatch(
        "MESSAGE_REACTION_ADD",
        payloads::reaction_add(GUILD, thread, "1", LEARNER, &[], "⭐"),
    );
    let id = fake.next_id();
    fake.dispatch(
        "MESSAGE_CREATE",
        payloads::message_create(&id, GUILD, thread, LEARNER, "my secret answer"),
    );
    fake.wait_for("the message", || {
        let seen = seen.lock().expect("lock").clone();
        seen.iter().any(|s| s.starts_with("message:")).then_some(())
    })
    .await;
    assert_eq!(
        fake.withheld(),
        ["GUILD_MEMBER_ADD", "MESSAGE_REACTION_ADD"],
        "no Server Members or reactions intent"
    );
    let seen = seen.lock().expect("lock").clone();
    assert_eq!(
        seen,
        ["message:"],
        "without MESSAGE_CONTENT the text is blank"
    );
}

#[tokio::test]
async fn nibble_asks_for_exactly_the_intents_its_features_use() {
    let app = spawn_discord_app().await;
    let expected = intents::GUILDS
        | intents::GUILD_MEMBERS
        | intents::GUILD_MESSAGES
        | intents::MESSAGE_CONTENT
        | intents::GUILD_MESSAGE_REACTIONS;
    assert_eq!(app.fake.intents(), Some(expected));
    assert_eq!(DiscordListener::intents().bits(), expected);
    // A member joining is welcomed (Server Members intent) ...
    let newcomer = "830000000000000778";
    app.fake
        .dispatch("GUILD_MEMBER_ADD", payloads::member_add(GUILD, newcomer));
    let welcome = format!("7{}", &newcomer[1..]);
    app.fake
        .wait_for("the welcome DM", || {
            app.fake.messages(&welcome).first().cloned()
        })
        .await;
    // ... while DMs typed to the bot are not asked for: nibble has nothing to do with them.
    let mut dm = payloads::message_create(&app.fake.next_id(), GUILD, "7300", LEARNER, "hi");
    dm.as_object_mut().map(|o| o.remove("guild_id"));
    app.fake.dispatch("MESSAGE_CREATE", dm);
    assert_eq!(app.fake.withheld(), ["MESSAGE_CREATE"]);
    app.fake.assert_valid();
    app.daemon.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_click_on_a_channel_quiz_is_deferred_then_answered_by_follow_up() {
    let app = spawn_discord_app().await;
    let n = push(
        &app.daemon,
        Platform::Discord,
        GUILD,
        Recipient::Channel(CHANNEL.into()),
        "turn-on-mfa",
    )
    .await;
    app.fake
        .wait_for("the channel quiz", || {
            (app.fake.messages(CHANNEL).len() >= n).then_some(())
        })
        .await;
    let quiz = quizzes(&app.fake, CHANNEL)[0].clone();
    let custom_id = crate::discord::first_custom_id(&quiz);
    // The engine cannot write until the lock is released: the click outlasts its 2-second budget.
    let mut lock = hold_write_lock(&app._dir.path().join("discord.db")).await;
    let id = app.fake.next_id();
    let click = payloads::component(&id, Some(GUILD), CHANNEL, LEARNER, &custom_id, None, quiz);
    app.fake.dispatch("INTERACTION_CREATE", click);
    let deferred = app
        .fake
        .wait_for("the deferral", || {
            let callbacks = app.fake.callbacks();
            callbacks
                .into_iter()
                .find(|(i, _)| *i == id)
                .map(|(_, b)| b)
        })
        .await;
    assert_eq!(deferred["type"], 6, "a deferred update: {deferred}");
    sqlx::query("ROLLBACK")
        .execute(&mut lock)
        .await
        .expect("unlock");
    let route = "POST /webhooks/{application_id}/{interaction_token}";
    let follow_up = app
        .fake
        .wait_for("the follow-up", || {
            app.fake.requests(route).first().cloned()
        })
        .await;
    assert_eq!(
        follow_up["flags"], 64,
        "only the clicker sees it: {follow_up}"
    );
    let text = follow_up["content"].as_str().unwrap_or("");
    assert!(
        text.contains("Correct") || text.contains("Not quite"),
        "{follow_up}"
    );
    assert_eq!(
        app.daemon
            .store()
            .row_counts()
            .await
            .expect("counts")
            .answers,
        1
    );
    app.fake.assert_valid();
    app.daemon.shutdown().await;
}

#[tokio::test]
async fn health_follows_the_gateway_down_and_back() {
    let app = spawn_discord_app().await;
    let platform = app.adapters.discord.clone().expect("discord enabled");
    let state = || platform.connection.state();
    app.fake
        .wait_for("connected", || (state() == "connected").then_some(()))
        .await;
    // An outage: the connection drops and cannot be made again for a while.
    app.fake.set_gateway_down(true);
    app.fake.drop_gateway();
    app.fake
        .wait_for("disconnected during the outage", || {
            (state() == "disconnected").then_some(())
        })
        .await;
    app.fake.set_gateway_down(false);
    app.fake
        .wait_for("connected again", || {
            (app.fake.identifies() >= 2 && state() == "connected").then_some(())
        })
        .await;
    app.daemon.shutdown().await;
}

#[tokio::test]
async fn a_privileged_intent_left_off_in_the_portal_is_reported_not_retried() {
    let fake = FakeDiscord::start().await;
    fake.allow_privileged(intents::GUILD_MEMBERS);
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = nibble::config::Config::default();
    config.database.url = dir.path().join("d.db").display().to_string();
    config.lessons.dir = crate::support::lessons_dir();
    crate::discord::discord_config(&mut config, &fake);
    let env =
        std::collections::HashMap::from([("NIBBLE_DISCORD_TOKEN".to_string(), TOKEN.to_string())]);
    let adapters = nibble::daemon::Adapters::from_config(&config, &env).expect("adapters");
    let clock = Arc::new(nibble::clock::SystemClock);
    let mut daemon = nibble::daemon::Daemon::start(&config, adapters.platforms(), clock)
        .await
        .expect("daemon");
    daemon.connect(&config, &adapters).await.expect("gateway");
    let platform = adapters.discord.clone().expect("discord");
    fake.wait_for("the refusal seen", || {
        (platform.connection.state() == "disconnected").then_some(())
    })
    .await;
    assert_eq!(fake.identifies(), 0, "closed with 4014 at IDENTIFY");
    daemon.shutdown().await;
}
