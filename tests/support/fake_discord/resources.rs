//! The fake's REST resources: channels and messages (nonces per author), DMs, threads, guild
//! members and roles, slash command registration, shaped like Discord's answers.

use super::rest::{fail, next_id, ok};
use super::{APP_ID, BOT_ID, GUILD, State};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};
use std::sync::atomic::Ordering;

pub fn bot_user() -> Value {
    json!({"id": BOT_ID, "username": "nibble", "discriminator": "0", "global_name": null, "avatar": null, "bot": true, "public_flags": 0, "flags": 0, "banner": null, "accent_color": null, "avatar_decoration_data": null, "collectibles": null, "primary_guild": null, "clan": null})
}

/// A message object shaped like Discord's (see the rest_create_message capture).
pub fn message_object(id: &str, channel: &str, body: &Value) -> Value {
    let mut message = json!({
        "id": id, "channel_id": channel, "type": 0, "content": body.get("content").cloned().unwrap_or(json!("")),
        "author": bot_user(), "attachments": body.get("_attached").cloned().unwrap_or(json!([])), "embeds": body.get("embeds").cloned().unwrap_or(json!([])),
        "components": body.get("components").cloned().unwrap_or(json!([])), "mentions": [], "mention_roles": [],
        "pinned": false, "mention_everyone": false, "tts": false, "timestamp": "2026-03-02T09:00:00.000000+00:00",
        "edited_timestamp": null, "flags": 0,
    });
    // Discord echoes a nonce only when the request had one.
    if let Some(nonce) = body.get("nonce") {
        message["nonce"] = nonce.clone();
    }
    message
}

pub fn answer(state: &State, method: &Method, parts: &[&str], body: &Value) -> Response {
    let addr = state
        .addr
        .lock()
        .expect("lock")
        .map(|a| a.to_string())
        .unwrap_or_default();
    match (method.as_str(), parts) {
        ("GET", ["gateway"]) => ok(json!({"url": format!("ws://{addr}/gateway")})),
        ("GET", ["gateway", "bot"]) => ok(
            json!({"url": format!("ws://{addr}/gateway"), "shards": 1, "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 86_400_000, "max_concurrency": 1}}),
        ),
        ("GET", ["users", "@me"]) => ok(bot_user()),
        ("GET", ["oauth2", "applications", "@me"]) => ok(
            json!({"id": APP_ID, "name": "nibble", "icon": null, "description": "", "bot_public": true, "bot_require_code_grant": false, "verify_key": "00", "flags": 0, "owner": bot_user(), "team": null, "summary": ""}),
        ),
        ("POST", ["channels", channel, "messages"]) => {
            if channel.starts_with('9') && channel.ends_with("404") {
                return fail(StatusCode::NOT_FOUND, 10003, "Unknown Channel");
            }
            // With enforce_nonce, a nonce the same author (the bot) used in the past few minutes,
            // in any channel, returns that message instead of posting a new one.
            let nonce = body
                .get("nonce")
                .and_then(Value::as_str)
                .map(str::to_string);
            let enforce = body.get("enforce_nonce") == Some(&json!(true));
            let ttl = state.limits.lock().expect("lock").nonce_ttl();
            if enforce
                && let Some(n) = &nonce
                && let Some((existing, _)) = state
                    .nonces
                    .lock()
                    .expect("lock")
                    .get(&format!("{BOT_ID}/{n}"))
                    .filter(|(_, at)| at.elapsed() < ttl)
                    .cloned()
            {
                return ok(existing);
            }
            let message = message_object(&next_id(state), channel, body);
            state
                .messages
                .lock()
                .expect("lock")
                .entry(channel.to_string())
                .or_default()
                .push(message.clone());
            if let Some(n) = nonce {
                state.nonces.lock().expect("lock").insert(
                    format!("{BOT_ID}/{n}"),
                    (message.clone(), std::time::Instant::now()),
                );
            }
            ok(message)
        }
        ("PATCH", ["channels", channel, "messages", id]) => ok(message_object(id, channel, body)),
        // Modify a thread (lock, archive): the thread channel as Discord returns it.
        ("PATCH", ["channels", thread]) => {
            let locked = body.get("locked").cloned().unwrap_or(json!(false));
            ok(
                json!({"id": thread, "type": 11, "guild_id": GUILD, "parent_id": "820000000000000010", "name": "thread", "owner_id": BOT_ID, "message_count": 1, "member_count": 1, "rate_limit_per_user": 0, "flags": 0, "thread_metadata": {"archived": false, "auto_archive_duration": 1440, "archive_timestamp": "2026-03-02T09:00:00.000000+00:00", "locked": locked}}),
            )
        }
        // Like Discord: the thread takes its starter message's id, and a second one is refused.
        ("POST", ["channels", channel, "messages", message, "threads"]) => {
            if !state
                .threads
                .lock()
                .expect("lock")
                .insert(message.to_string())
            {
                return fail(
                    StatusCode::BAD_REQUEST,
                    160004,
                    "A thread has already been created for this message",
                );
            }
            ok(
                json!({"id": message, "type": 11, "guild_id": GUILD, "parent_id": channel, "name": body.get("name").cloned().unwrap_or(json!("thread")), "owner_id": BOT_ID, "message_count": 0, "member_count": 1, "rate_limit_per_user": 0, "flags": 0, "thread_metadata": {"archived": false, "auto_archive_duration": 1440, "archive_timestamp": "2026-03-02T09:00:00.000000+00:00", "locked": false}}),
            )
        }
        ("POST", ["users", "@me", "channels"]) => {
            let Some(user) = body.get("recipient_id").and_then(Value::as_str) else {
                return fail(StatusCode::BAD_REQUEST, 50035, "Invalid Form Body");
            };
            ok(
                json!({"id": format!("7{}", &user[1..]), "type": 1, "last_message_id": null, "flags": 0, "recipients": [{"id": user, "username": format!("user{user}"), "discriminator": "0", "global_name": null, "avatar": null, "public_flags": 0}]}),
            )
        }
        ("PUT", ["applications", _, "guilds", guild, "commands"]) => {
            ok(commands_echo(state, body, Some(guild)))
        }
        ("PUT", ["applications", _, "commands"]) => ok(commands_echo(state, body, None)),
        ("GET", ["guilds", guild, "roles"]) => ok(json!([
            super::payloads::role(guild, "@everyone"),
            super::payloads::role(super::MOD_ROLE, "Moderators"),
        ])),
        ("GET", ["guilds", _, "members", user]) => {
            let mut m = super::payloads::member_add(GUILD, user);
            if let Some(o) = m.as_object_mut() {
                o.remove("guild_id");
            }
            if state.moderators.lock().expect("lock").contains(*user) {
                m["roles"] = json!([super::MOD_ROLE]);
            }
            ok(m)
        }
        // Listing members needs the Server Members intent switched on in the Developer Portal.
        ("GET", ["guilds", _, "members"])
            if state.privileged_allowed.load(Ordering::SeqCst) & super::intents::GUILD_MEMBERS
                == 0 =>
        {
            fail(StatusCode::FORBIDDEN, 50001, "Missing Access")
        }
        ("GET", ["guilds", guild, "members"]) => {
            let members = state
                .guild_members
                .lock()
                .expect("lock")
                .get(*guild)
                .cloned();
            let list: Vec<Value> = members
                .unwrap_or_default()
                .iter()
                .map(|id| {
                    let mut m = super::payloads::member_add(guild, id);
                    if let Some(o) = m.as_object_mut() {
                        o.remove("guild_id"); // the REST list omits it
                    }
                    if id == BOT_ID {
                        m["user"] = bot_user();
                    }
                    m
                })
                .collect();
            ok(Value::Array(list))
        }
        _ => fail(StatusCode::NOT_FOUND, 0, "404: Not Found"),
    }
}

fn commands_echo(state: &State, body: &Value, guild: Option<&str>) -> Value {
    let commands = body.as_array().cloned().unwrap_or_default();
    Value::Array(
        commands
            .into_iter()
            .map(|mut c| {
                c["id"] = json!(next_id(state));
                c["application_id"] = json!(APP_ID);
                c["version"] = json!(next_id(state));
                c["type"] = c.get("type").cloned().unwrap_or(json!(1));
                c["default_member_permissions"] = Value::Null;
                if let Some(g) = guild {
                    c["guild_id"] = json!(g);
                }
                c
            })
            .collect(),
    )
}
