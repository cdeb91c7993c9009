//! The client libraries read what the platforms send: every frame and REST answer the fake Discord
//! can send, and the real captures, deserialise into serenity's own types (a dispatch serenity cannot
//! read becomes an "unknown event" and nibble's handler silently never runs); Slack's own payloads
//! deserialise into slack-morphism's.

use crate::support::fake_discord::payloads as discord;
use crate::support::fake_discord::{self, BOT_ID, FakeDiscord, GUILD, MOD_ROLE, OTHER_GUILD};
use crate::support::http::call;
use crate::support::shape_check::captures;
use serde_json::{Value, json};
use serenity::model::event::*;

/// Why serenity cannot read a dispatch's `d` as its event type (None: it can).
fn dispatch_error(t: &str, d: &Value) -> Option<String> {
    fn parse<T: serde::de::DeserializeOwned>(d: &Value) -> Option<String> {
        serde_json::from_value::<T>(d.clone())
            .err()
            .map(|e| e.to_string())
    }
    match t {
        "READY" => parse::<ReadyEvent>(d),
        "RESUMED" => parse::<ResumedEvent>(d),
        "GUILD_CREATE" => parse::<GuildCreateEvent>(d),
        "GUILD_MEMBER_ADD" => parse::<GuildMemberAddEvent>(d),
        "GUILD_MEMBER_UPDATE" => parse::<GuildMemberUpdateEvent>(d),
        "INTERACTION_CREATE" => parse::<InteractionCreateEvent>(d),
        "MESSAGE_CREATE" => parse::<MessageCreateEvent>(d),
        "MESSAGE_UPDATE" => parse::<MessageUpdateEvent>(d),
        "MESSAGE_DELETE" => parse::<MessageDeleteEvent>(d),
        "MESSAGE_DELETE_BULK" => parse::<MessageDeleteBulkEvent>(d),
        "MESSAGE_REACTION_ADD" => parse::<ReactionAddEvent>(d),
        "MESSAGE_REACTION_REMOVE" => parse::<ReactionRemoveEvent>(d),
        "THREAD_CREATE" => parse::<ThreadCreateEvent>(d),
        "VOICE_STATE_UPDATE" => parse::<VoiceStateUpdateEvent>(d),
        other => Some(format!("{other}: no serenity event type listed here")),
    }
}

/// Problems serenity has with a whole gateway frame, as its shard reads it.
fn frame_errors(name: &str, frame: &Value) -> Vec<String> {
    match serde_json::from_value::<GatewayEvent>(frame.clone()) {
        Err(e) => vec![format!("{name}: not a gateway frame: {e}")],
        Ok(GatewayEvent::Dispatch(_, Event::Unknown(_))) => {
            let t = frame["t"].as_str().unwrap_or("");
            let why = dispatch_error(t, &frame["d"]).unwrap_or_default();
            vec![format!(
                "{name}: serenity reads {t} as an unknown event: {why}"
            )]
        }
        Ok(_) => Vec::new(),
    }
}

fn dispatch(t: &str, d: Value) -> Value {
    json!({"op": 0, "s": 1, "t": t, "d": d})
}

#[test]
fn every_frame_the_fake_discord_sends_deserialises_into_serenitys_types() {
    let (ch, who) = ("811000000000000001", "830000000000000101");
    let posted = json!({"id": "900000000000000001", "channel_id": ch, "type": 0, "content": "q",
        "author": discord::user(BOT_ID), "attachments": [], "embeds": [], "components": [], "mentions": [],
        "mention_roles": [], "pinned": false, "mention_everyone": false, "tts": false,
        "timestamp": "2026-03-02T09:00:00.000000+00:00", "edited_timestamp": null, "flags": 0});
    let command = discord::command("1", GUILD, ch, who, "learn", json!([]), "8");
    let frames = [
        ("HELLO", discord::hello()),
        ("HEARTBEAT_ACK", discord::heartbeat_ack()),
        ("RECONNECT", json!({"op": 7, "d": null})),
        ("INVALID_SESSION", json!({"op": 9, "d": false})),
        (
            "READY",
            dispatch("READY", discord::ready("s", "127.0.0.1:1")),
        ),
        ("RESUMED", dispatch("RESUMED", json!({}))),
        (
            "GUILD_CREATE",
            dispatch("GUILD_CREATE", discord::guild_create(GUILD)),
        ),
        (
            "GUILD_CREATE other",
            dispatch("GUILD_CREATE", discord::guild_create(OTHER_GUILD)),
        ),
        (
            "command",
            dispatch(
                "INTERACTION_CREATE",
                discord::with_roles(command, &[MOD_ROLE]),
            ),
        ),
        (
            "click",
            dispatch(
                "INTERACTION_CREATE",
                discord::component("2", Some(GUILD), ch, who, "nb1:a:1:0", None, posted.clone()),
            ),
        ),
        (
            "DM click",
            dispatch(
                "INTERACTION_CREATE",
                discord::component("3", None, ch, who, "nb1:a:1:0", None, posted.clone()),
            ),
        ),
        (
            "select",
            dispatch(
                "INTERACTION_CREATE",
                discord::component(
                    "4",
                    Some(GUILD),
                    ch,
                    who,
                    "nb1:m:1",
                    Some(&["0", "2"]),
                    posted,
                ),
            ),
        ),
        (
            "MESSAGE_CREATE",
            dispatch(
                "MESSAGE_CREATE",
                discord::message_create("5", GUILD, ch, who, "hi"),
            ),
        ),
        (
            "MESSAGE_UPDATE",
            dispatch(
                "MESSAGE_UPDATE",
                discord::message_update("5", GUILD, ch, who, "hi!"),
            ),
        ),
        (
            "MESSAGE_DELETE",
            dispatch("MESSAGE_DELETE", discord::message_delete("5", GUILD, ch)),
        ),
        (
            "MESSAGE_DELETE_BULK",
            dispatch(
                "MESSAGE_DELETE_BULK",
                json!({"ids": ["5"], "channel_id": ch, "guild_id": GUILD}),
            ),
        ),
        (
            "MESSAGE_REACTION_ADD",
            dispatch(
                "MESSAGE_REACTION_ADD",
                discord::reaction_add(GUILD, ch, "5", who, &[MOD_ROLE], "⭐"),
            ),
        ),
        (
            "MESSAGE_REACTION_REMOVE",
            dispatch(
                "MESSAGE_REACTION_REMOVE",
                discord::reaction_remove(GUILD, ch, "5", who, "⭐"),
            ),
        ),
        (
            "GUILD_MEMBER_ADD",
            dispatch("GUILD_MEMBER_ADD", discord::member_add(GUILD, who)),
        ),
    ];
    let errors: Vec<String> = frames
        .iter()
        .flat_map(|(n, f)| frame_errors(n, f))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    // The check itself: an interaction without a field serenity requires is caught.
    let mut broken = discord::command("6", GUILD, ch, who, "learn", json!([]), "8");
    broken
        .as_object_mut()
        .map(|o| o.remove("attachment_size_limit"));
    let caught = frame_errors("broken", &dispatch("INTERACTION_CREATE", broken));
    assert!(caught[0].contains("attachment_size_limit"), "{caught:?}");
}

#[tokio::test]
async fn every_rest_answer_the_fake_discord_gives_deserialises_into_serenitys_types() {
    use serenity::all::{
        BotGateway, Command, CurrentUser, GuildChannel, Member, Message, PrivateChannel, Role,
    };
    let fake = FakeDiscord::start().await;
    fake.set_guild_members(GUILD, &[BOT_ID, "830000000000000101"]);
    let auth = format!("Bot {}", fake_discord::TOKEN);
    let ask = async |request: String, body: Value| {
        let (method, path) = request.split_once(' ').expect("METHOD path");
        let (status, answer) = call(
            fake.addr,
            &format!("{method} /api/v10/{path}"),
            &auth,
            &body,
        )
        .await;
        assert!((200..300).contains(&status), "{request}: {status}");
        answer
    };
    // Like serenity's HTTP client, which adds the guild id before reading a member or a role.
    let with_guild = |mut v: Value| {
        v["guild_id"] = json!(GUILD);
        v
    };
    let ch = "811000000000000001";
    let mut errors = Vec::new();
    let mut check = |what: &str, r: Result<(), serde_json::Error>| {
        if let Err(e) = r {
            errors.push(format!("{what}: {e}"));
        }
    };
    fn read<T: serde::de::DeserializeOwned>(v: Value) -> Result<(), serde_json::Error> {
        serde_json::from_value::<T>(v).map(|_| ())
    }
    check(
        "GET users/@me",
        read::<CurrentUser>(ask("GET users/@me".into(), Value::Null).await),
    );
    check(
        "GET gateway/bot",
        read::<BotGateway>(ask("GET gateway/bot".into(), Value::Null).await),
    );
    let message = json!({"content": "q", "nonce": "n1", "enforce_nonce": true});
    check(
        "POST message",
        read::<Message>(ask(format!("POST channels/{ch}/messages"), message).await),
    );
    check(
        "PATCH message",
        read::<Message>(
            ask(
                format!("PATCH channels/{ch}/messages/9"),
                json!({"content": "r"}),
            )
            .await,
        ),
    );
    check(
        "POST thread",
        read::<GuildChannel>(
            ask(
                format!("POST channels/{ch}/messages/9/threads"),
                json!({"name": "t"}),
            )
            .await,
        ),
    );
    check(
        "PATCH thread",
        read::<GuildChannel>(ask("PATCH channels/9".into(), json!({"locked": true})).await),
    );
    check(
        "POST DM",
        read::<PrivateChannel>(
            ask(
                "POST users/@me/channels".into(),
                json!({"recipient_id": "830000000000000101"}),
            )
            .await,
        ),
    );
    let roles = ask(format!("GET guilds/{GUILD}/roles"), Value::Null).await;
    for role in roles.as_array().cloned().unwrap_or_default() {
        check("GET roles", read::<Role>(with_guild(role)));
    }
    let members = ask(format!("GET guilds/{GUILD}/members"), Value::Null).await;
    for member in members.as_array().cloned().unwrap_or_default() {
        check("GET members", read::<Member>(with_guild(member)));
    }
    check(
        "GET member",
        read::<Member>(with_guild(
            ask(
                format!("GET guilds/{GUILD}/members/830000000000000101"),
                Value::Null,
            )
            .await,
        )),
    );
    let commands = json!([{"name": "learn", "description": "d", "type": 1}]);
    check(
        "PUT commands",
        read::<Vec<Command>>(
            ask(
                format!(
                    "PUT applications/{}/guilds/{GUILD}/commands",
                    fake_discord::APP_ID
                ),
                commands,
            )
            .await,
        ),
    );
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

const ACCORD: &str = "discord/fixtures/accord-jl-captured";

#[test]
fn discords_captured_frames_and_answers_deserialise_into_serenitys_types() {
    use serenity::all::{
        BotGateway, CurrentUser, GuildChannel, Member, Message, PartialGuild, Role,
    };
    let names = [
        "gateway_hello",
        "gateway_heartbeat_ack",
        "gateway_ready",
        "gateway_guild_create",
        "gateway_interaction_create",
        "gateway_message_create",
        "gateway_message_update",
        "gateway_message_delete",
        "gateway_message_reaction_add",
        "gateway_guild_member_update",
        "gateway_thread_create",
        "gateway_voice_state_update",
    ];
    let mut errors = Vec::new();
    for name in names {
        let Some(frames) = captures(&[&format!("{ACCORD}/{name}.json")], "/*") else {
            return;
        };
        errors.extend(frames.iter().flat_map(|f| frame_errors(name, f)));
    }
    fn read<T: serde::de::DeserializeOwned>(
        name: &str,
        pointer: &str,
        extra: Option<(&str, &str)>,
    ) -> Vec<String> {
        let values = captures(&[&format!("{ACCORD}/{name}.json")], pointer).unwrap_or_default();
        values
            .into_iter()
            .filter_map(|mut v| {
                if let Some((k, val)) = extra {
                    v[k] = json!(val);
                }
                serde_json::from_value::<T>(v)
                    .err()
                    .map(|e| format!("{name}: {e}"))
            })
            .collect()
    }
    errors.extend(read::<Message>("rest_create_message", "/*", None));
    errors.extend(read::<CurrentUser>("rest_get_me", "/*", None));
    errors.extend(read::<BotGateway>("rest_get_gateway_bot", "/*", None));
    errors.extend(read::<GuildChannel>("rest_get_channel", "/*", None));
    errors.extend(read::<GuildChannel>(
        "rest_get_channels",
        "/*/items/*",
        None,
    ));
    errors.extend(read::<PartialGuild>("rest_get_guild", "/*", None));
    errors.extend(read::<Member>(
        "rest_get_members",
        "/*/items/*",
        Some(("guild_id", GUILD)),
    ));
    errors.extend(read::<Role>(
        "rest_get_roles",
        "/*/items/*",
        Some(("guild_id", GUILD)),
    ));
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}
