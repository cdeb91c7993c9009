//! Gateway intents as Discord applies them (discord.com/developers/docs/events/gateway#gateway-intents):
//! an event the IDENTIFY's `intents` do not cover is never sent, and without MESSAGE_CONTENT a
//! message's `content`, `embeds`, `attachments`, `components` and `poll` arrive empty, except in DMs,
//! in messages mentioning the bot and in the bot's own messages.

use super::BOT_ID;
use serde_json::{Value, json};

pub const GUILDS: u64 = 1 << 0;
pub const GUILD_MEMBERS: u64 = 1 << 1;
pub const GUILD_PRESENCES: u64 = 1 << 8;
pub const GUILD_MESSAGES: u64 = 1 << 9;
pub const GUILD_MESSAGE_REACTIONS: u64 = 1 << 10;
pub const GUILD_MESSAGE_TYPING: u64 = 1 << 11;
pub const DIRECT_MESSAGES: u64 = 1 << 12;
pub const DIRECT_MESSAGE_REACTIONS: u64 = 1 << 13;
pub const DIRECT_MESSAGE_TYPING: u64 = 1 << 14;
pub const MESSAGE_CONTENT: u64 = 1 << 15;
/// Intents an app must also switch on in the Developer Portal, or IDENTIFY is closed with 4014.
pub const PRIVILEGED: u64 = GUILD_MEMBERS | GUILD_PRESENCES | MESSAGE_CONTENT;

/// The intent an event needs (None: every connection gets it, e.g. READY, INTERACTION_CREATE).
pub fn required(event: &str, data: &Value) -> Option<u64> {
    let in_guild = data.get("guild_id").is_some_and(|g| !g.is_null());
    let pick = |guild, dm| Some(if in_guild { guild } else { dm });
    match event {
        "GUILD_CREATE"
        | "GUILD_UPDATE"
        | "GUILD_DELETE"
        | "GUILD_ROLE_CREATE"
        | "GUILD_ROLE_UPDATE"
        | "GUILD_ROLE_DELETE"
        | "CHANNEL_CREATE"
        | "CHANNEL_UPDATE"
        | "CHANNEL_DELETE"
        | "CHANNEL_PINS_UPDATE"
        | "THREAD_CREATE"
        | "THREAD_UPDATE"
        | "THREAD_DELETE"
        | "THREAD_LIST_SYNC"
        | "THREAD_MEMBER_UPDATE"
        | "STAGE_INSTANCE_CREATE" => Some(GUILDS),
        "GUILD_MEMBER_ADD"
        | "GUILD_MEMBER_UPDATE"
        | "GUILD_MEMBER_REMOVE"
        | "THREAD_MEMBERS_UPDATE" => Some(GUILD_MEMBERS),
        "PRESENCE_UPDATE" => Some(GUILD_PRESENCES),
        "MESSAGE_CREATE" | "MESSAGE_UPDATE" | "MESSAGE_DELETE" | "MESSAGE_DELETE_BULK" => {
            pick(GUILD_MESSAGES, DIRECT_MESSAGES)
        }
        "MESSAGE_REACTION_ADD"
        | "MESSAGE_REACTION_REMOVE"
        | "MESSAGE_REACTION_REMOVE_ALL"
        | "MESSAGE_REACTION_REMOVE_EMOJI" => {
            pick(GUILD_MESSAGE_REACTIONS, DIRECT_MESSAGE_REACTIONS)
        }
        "TYPING_START" => pick(GUILD_MESSAGE_TYPING, DIRECT_MESSAGE_TYPING),
        _ => None,
    }
}

/// The event as a connection with `intents` receives it, or None when it is withheld.
pub fn apply(intents: u64, event: &str, mut data: Value) -> Option<Value> {
    if required(event, &data).is_some_and(|needed| intents & needed == 0) {
        return None;
    }
    if matches!(event, "MESSAGE_CREATE" | "MESSAGE_UPDATE")
        && intents & MESSAGE_CONTENT == 0
        && !content_exempt(&data)
    {
        for (field, empty) in [
            ("content", json!("")),
            ("embeds", json!([])),
            ("attachments", json!([])),
            ("components", json!([])),
        ] {
            if data.get(field).is_some() {
                data[field] = empty;
            }
        }
        if let Some(o) = data.as_object_mut() {
            o.remove("poll");
        }
    }
    Some(data)
}

/// DMs, messages mentioning the bot and the bot's own messages keep their content.
fn content_exempt(data: &Value) -> bool {
    let in_dm = data.get("guild_id").is_none_or(Value::is_null);
    let mentions_bot = data["mentions"]
        .as_array()
        .is_some_and(|m| m.iter().any(|u| u["id"] == BOT_ID));
    in_dm || mentions_bot || data["author"]["id"] == BOT_ID
}
