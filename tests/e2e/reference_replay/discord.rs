//! Accord.jl's live Discord gateway frames through the fake gateway into serenity and nibble's
//! handler: READY registers the commands again, slash commands get their callbacks, members'
//! messages in a prompt's thread become replies (elsewhere they do not), an update that is no edit
//! changes nothing, a deletion and a moderator's star apply, and frames nibble ignores do no harm.

use super::{capture, replies, reply_becomes, reply_row, rewrite};
use crate::communities_adapters::{fire_schedules, thread_key};
use crate::discord::{CHANNEL, DiscordApp, spawn_discord_app};
use crate::support::fake_discord::{APP_ID, BOT_ID, GUILD, MOD_ROLE, OTHER_GUILD, payloads};
use serde_json::{Value, json};

const ACCORD: &str = "discord/fixtures/accord-jl-captured";
const ANA: &str = "830000000000000555";
const MOD: &str = "830000000000000901";
const COMMANDS: &str = "PUT /applications/{application_id}/guilds/{guild_id}/commands";

/// The capture's guilds, bot and application, as the test's.
const IDS: &[(&str, &str)] = &[
    ("900000000000000008", GUILD),
    ("900000000000000009", GUILD),
    ("900000000000000034", OTHER_GUILD),
    ("900000000000000018", BOT_ID),
    ("900000000000000015", APP_ID),
];

/// Each frame of a capture file (ids rewritten, `more` first): (event name, data).
fn frames(name: &str, more: &[(&str, &str)]) -> Vec<(String, Value)> {
    let mut all = capture(&format!("{ACCORD}/{name}.json")).expect("capture");
    rewrite(&mut all, more);
    rewrite(&mut all, IDS);
    let list = all.as_array().cloned().unwrap_or_default();
    list.into_iter()
        .map(|f| (f["t"].as_str().unwrap_or("").to_string(), f["d"].clone()))
        .collect()
}

impl DiscordApp {
    fn replay(&self, frames: Vec<(String, Value)>) {
        for (t, d) in frames {
            self.fake.dispatch(&t, d);
        }
    }
}

#[tokio::test]
async fn accords_captured_frames_drive_nibble_through_serenity() {
    if capture(&format!("{ACCORD}/gateway_ready.json")).is_none() {
        return;
    }
    let app = spawn_discord_app().await;
    app.fake.make_moderator(MOD);
    let addr = format!("ws://{}/gateway", app.fake.addr);
    // READY as Discord sent it (its resume URL is the fake's): the handler registers commands again.
    let mut ready = frames("gateway_ready", &[]);
    ready[0].1["resume_gateway_url"] = json!(addr);
    app.replay(ready);
    app.fake
        .wait_for("commands registered again", || {
            (app.fake.requests(COMMANDS).len() >= 4).then_some(())
        })
        .await;
    app.replay(frames("gateway_guild_create", &[]));

    // The captured slash commands (their names sanitised away): each gets its callback.
    let people = [("900000000000000026", ANA), ("900000000000000004", CHANNEL)];
    for ((t, mut d), name) in frames("gateway_interaction_create", &people)
        .into_iter()
        .zip(["progress", "points"])
    {
        let id = app.fake.next_id();
        d["id"] = json!(id);
        d["token"] = json!(format!("token-{id}"));
        d["data"]["name"] = json!(name);
        app.fake.dispatch(&t, d);
        let callback = app
            .fake
            .wait_for("the command's callback", || {
                app.fake.callbacks().into_iter().find(|(i, _)| *i == id)
            })
            .await;
        assert_eq!(callback.1["type"], 4, "{callback:?}");
        assert!(
            callback.1["data"]["content"]
                .as_str()
                .is_some_and(|c| !c.is_empty()),
            "{callback:?}"
        );
    }

    // A prompt's thread (set up with the fake's own command), then the captured member messages.
    let moderate = json!([{"name": "moderate", "type": 1, "options": [{"name": "command", "type": 3, "value": "prompts general weekly UTC"}]}]);
    let setup = payloads::command(
        &app.fake.next_id(),
        GUILD,
        CHANNEL,
        MOD,
        "nibble",
        moderate,
        "0",
    );
    app.interact(payloads::with_roles(setup, &[MOD_ROLE])).await;
    fire_schedules(&app.daemon).await;
    let thread = thread_key(&app.daemon).await;
    let authors = [("900000000000000002", ANA), ("900000000000000007", ANA)];
    let mut messages = frames("gateway_message_create", &authors);
    let mut ids = Vec::new();
    for (i, (_, d)) in messages.iter_mut().enumerate() {
        let id = app.fake.next_id();
        d["id"] = json!(id);
        d["channel_id"] = json!(thread);
        if i == 0 {
            // The sanitiser's placeholder text, as a reply long enough to be featured.
            d["content"] = json!("I tried the SBI model in my one-to-one and it went well.");
        }
        ids.push((
            id,
            d["content"].as_str().unwrap_or("").chars().count() as i64,
        ));
    }
    // The first message again, outside any thread: not a reply.
    let mut elsewhere = messages[0].clone();
    elsewhere.1["id"] = json!(app.fake.next_id());
    elsewhere.1["channel_id"] = json!(CHANNEL);
    app.replay(vec![elsewhere]);
    app.replay(messages);
    for (id, len) in &ids {
        reply_becomes(&app.daemon, id, "recorded", |r| r.0 == *len).await;
    }
    assert_eq!(replies(&app.daemon).await, ids.len() as i64);

    // The captured updates (a thread started from the message: no `edited_timestamp`) are no edits.
    let target = [
        ("900000000000000088", ids[1].0.as_str()),
        ("900000000000000004", thread.as_str()),
        ("900000000000000026", ANA),
    ];
    app.replay(frames("gateway_message_update", &target));
    // The captured deletion, of the third reply.
    let gone = [
        ("900000000000000090", ids[2].0.as_str()),
        ("900000000000000004", thread.as_str()),
    ];
    app.replay(frames("gateway_message_delete", &gone));
    reply_becomes(&app.daemon, &ids[2].0, "deleted", |r| r.2).await;

    // The captured reaction: the moderator's (sanitised) emoji as a star features the first reply.
    let star = [
        ("900000000000000002", MOD),
        ("900000000000000006", ids[0].0.as_str()),
        ("900000000000000009", thread.as_str()),
        ("900000000000000005", MOD_ROLE),
        ("name_2", "⭐"),
    ];
    app.replay(frames("gateway_message_reaction_add", &star));
    reply_becomes(&app.daemon, &ids[0].0, "featured", |r| r.3).await;

    // Frames nibble does not handle change nothing and break nothing.
    for name in [
        "gateway_thread_create",
        "gateway_guild_member_update",
        "gateway_voice_state_update",
    ] {
        app.replay(frames(name, &[("900000000000000004", CHANNEL)]));
    }
    let (_, ok) = app.command(ANA, "points", json!([])).await;
    assert!(ok < std::time::Duration::from_secs(3));
    assert_eq!(
        (app.fake.identifies(), app.fake.resumes()),
        (1, 0),
        "the session survived"
    );
    // Checked last, when the updates (handled concurrently) have long been through.
    let row = reply_row(&app.daemon, &ids[1].0).await;
    assert_eq!(
        row,
        Some((ids[1].1, false, false, false)),
        "an update that is no edit changed the reply"
    );
    app.daemon.shutdown().await;
}
