//! Gateway payloads the fake sends, modelled on real captures (../shared/reference/discord/fixtures/
//! accord-jl-captured): every field serenity requires is present, or it silently drops the event.

use super::{APP_ID, BOT_ID, GUILD};
use serde_json::{Value, json};

/// Op 10 HELLO, the gateway's first frame.
pub fn hello() -> Value {
    json!({"op": 10, "s": null, "t": null, "d": {"heartbeat_interval": 41250, "_trace": ["[\"fake-gateway\",{\"micros\":0.0}]"]}})
}

/// Op 11, the answer to each heartbeat.
pub fn heartbeat_ack() -> Value {
    json!({"op": 11, "s": null, "t": null, "d": null})
}

/// A user as gateway events embed one (message authors, interaction members).
pub fn user(id: &str) -> Value {
    json!({"id": id, "username": format!("user{id}"), "discriminator": "0", "global_name": format!("Learner {}", &id[id.len() - 3..]), "avatar": null, "public_flags": 0, "avatar_decoration_data": null, "collectibles": null, "primary_guild": null, "clan": null, "display_name_styles": null})
}

/// The fields every guild member object has (MESSAGE_CREATE embeds just these).
fn partial_member() -> Value {
    json!({"roles": [], "joined_at": "2026-01-05T09:00:00.000000+00:00", "premium_since": null, "deaf": false, "mute": false, "pending": false, "nick": null, "avatar": null, "banner": null, "flags": 0, "communication_disabled_until": null})
}

/// A member as an interaction carries it (and GUILD_MEMBER_ADD, without `permissions`).
fn member(id: &str, permissions: &str) -> Value {
    let mut m = partial_member();
    m["user"] = user(id);
    m["permissions"] = json!(permissions);
    m["unusual_dm_activity_until"] = Value::Null;
    m["collectibles"] = Value::Null;
    m["display_name_styles"] = Value::Null;
    m
}

/// A member as GUILD_CREATE lists it and MESSAGE_REACTION_ADD embeds it: its user says `bot` and
/// `display_name`, and has no `clan`.
fn listed_member(id: &str) -> Value {
    let mut u = user(id);
    if let Some(o) = u.as_object_mut() {
        o.remove("clan");
    }
    u["bot"] = json!(id == BOT_ID);
    u["display_name"] = u["global_name"].clone();
    let mut m = partial_member();
    m["user"] = u;
    m
}

pub fn ready(session: &str, addr: &str) -> Value {
    json!({
        "v": 10, "user_settings": {}, "user": {"id": BOT_ID, "username": "nibble", "discriminator": "0", "global_name": null, "avatar": null, "bot": true, "verified": true, "mfa_enabled": false, "email": null, "flags": 0, "primary_guild": null, "clan": null},
        "guilds": [{"id": GUILD, "unavailable": true}, {"id": super::OTHER_GUILD, "unavailable": true}],
        "session_id": session, "session_type": "normal", "resume_gateway_url": format!("ws://{addr}/gateway"),
        "shard": [0, 1], "application": {"id": APP_ID, "flags": 8953856}, "presences": [], "private_channels": [], "relationships": [], "guild_join_requests": [], "geo_ordered_rtc_regions": ["rotterdam"], "_trace": ["[\"fake-gateway\",{\"micros\":0}]"]
    })
}

pub fn guild_create(id: &str) -> Value {
    json!({
        "id": id, "name": format!("Guild {id}"), "icon": null, "splash": null, "discovery_splash": null, "banner": null, "description": null,
        "owner_id": "830000000000000001", "afk_channel_id": null, "afk_timeout": 300, "verification_level": 1, "default_message_notifications": 1,
        "explicit_content_filter": 0, "mfa_level": 0, "nsfw_level": 0, "premium_tier": 0, "premium_subscription_count": 0, "premium_progress_bar_enabled": false,
        "preferred_locale": "en-US", "features": [], "system_channel_id": null, "system_channel_flags": 0, "rules_channel_id": null,
        "public_updates_channel_id": null, "safety_alerts_channel_id": null, "vanity_url_code": null, "max_members": 500000, "max_video_channel_users": 25,
        "max_stage_video_channel_users": 50, "application_id": null, "joined_at": "2026-01-05T09:00:00.000000+00:00", "large": false, "unavailable": false,
        "member_count": 3, "lazy": true, "nsfw": false,
        "roles": [{"id": id, "name": "@everyone", "color": 0, "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null}, "hoist": false, "icon": null, "unicode_emoji": null, "position": 0, "permissions": "2248473465835073", "managed": false, "mentionable": false, "flags": 0, "tags": {}, "version": 1}],
        "emojis": [], "stickers": [], "voice_states": [], "members": [listed_member(BOT_ID)], "presences": [], "stage_instances": [], "guild_scheduled_events": [],
        "soundboard_sounds": [], "threads": [], "embedded_activities": [], "activity_instances": [], "version": 1,
        "channels": [{"id": format!("{}1", &id[..17]), "type": 0, "name": "learning", "position": 0, "parent_id": null, "topic": null, "last_message_id": null, "rate_limit_per_user": 0, "permission_overwrites": [], "flags": 0, "version": 1}],
    })
}

fn interaction_base(
    id: &str,
    kind: u8,
    guild: Option<&str>,
    channel: &str,
    who: &str,
    permissions: &str,
) -> Value {
    let mut v = json!({
        "id": id, "application_id": APP_ID, "type": kind, "token": format!("tok-{id}"), "version": 1, "locale": "en-GB",
        "channel_id": channel, "app_permissions": "2248473465835073", "entitlements": [], "entitlement_sku_ids": [],
        "attachment_size_limit": 26214400, "context": if guild.is_some() { 0 } else { 1 },
    });
    match guild {
        Some(g) => {
            v["guild_id"] = json!(g);
            v["guild_locale"] = json!("en-US");
            v["guild"] = json!({"id": g, "locale": "en-US", "features": []});
            v["member"] = member(who, permissions);
            v["authorizing_integration_owners"] = json!({"0": g});
            v["channel"] = json!({"id": channel, "type": 0, "guild_id": g, "name": "learning", "nsfw": false, "parent_id": null, "position": 0, "flags": 0, "permissions": "9007199254740991", "rate_limit_per_user": 0, "topic": null, "last_message_id": null});
        }
        None => {
            v["user"] = user(who);
            v["authorizing_integration_owners"] = json!({"0": "830000000000000001"});
            v["channel"] = json!({"id": channel, "type": 1, "flags": 0, "last_message_id": null, "recipients": [user(who)]});
        }
    }
    v
}

/// A slash command (type 2) with string options given as (name, value).
pub fn command(
    id: &str,
    guild: &str,
    channel: &str,
    who: &str,
    name: &str,
    options: Value,
    permissions: &str,
) -> Value {
    let mut v = interaction_base(id, 2, Some(guild), channel, who, permissions);
    v["data"] = json!({"id": "840000000000000001", "name": name, "type": 1, "guild_id": guild, "options": options});
    v
}

/// A button click or select-menu submit (type 3) on `message`.
pub fn component(
    id: &str,
    guild: Option<&str>,
    channel: &str,
    who: &str,
    custom_id: &str,
    values: Option<&[&str]>,
    message: Value,
) -> Value {
    let mut v = interaction_base(id, 3, guild, channel, who, "2248473465835073");
    v["data"] = match values {
        Some(vals) => json!({"custom_id": custom_id, "component_type": 3, "values": vals}),
        None => json!({"custom_id": custom_id, "component_type": 2}),
    };
    v["message"] = message;
    v
}

/// A member's message in a channel or thread (MESSAGE_CREATE), as the capture shapes it.
pub fn message_create(id: &str, guild: &str, channel: &str, who: &str, content: &str) -> Value {
    let partial = partial_member();
    json!({
        "id": id, "channel_id": channel, "guild_id": guild, "channel_type": 11, "type": 0, "content": content,
        "author": user(who), "member": partial, "attachments": [], "embeds": [], "components": [], "mentions": [],
        "mention_roles": [], "mention_everyone": false, "pinned": false, "tts": false, "flags": 0,
        "timestamp": "2026-03-02T09:30:00.000000+00:00", "edited_timestamp": null, "nonce": "1234567890"
    })
}

pub fn member_add(guild: &str, who: &str) -> Value {
    let mut m = member(who, "0");
    m["guild_id"] = json!(guild);
    if let Some(o) = m.as_object_mut() {
        o.remove("permissions");
    }
    m
}

/// A role object as GET /guilds/{id}/roles lists it.
pub fn role(id: &str, name: &str) -> Value {
    json!({"id": id, "name": name, "color": 0, "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null}, "hoist": false, "icon": null, "unicode_emoji": null, "position": 1, "permissions": "2248473465835073", "managed": false, "mentionable": false, "flags": 0, "description": null})
}

/// Puts the member of an interaction or gateway payload in these roles.
pub fn with_roles(mut payload: Value, roles: &[&str]) -> Value {
    payload["member"]["roles"] = json!(roles);
    payload
}

/// A member edited their message (MESSAGE_UPDATE, a partial message).
pub fn message_update(id: &str, guild: &str, channel: &str, who: &str, content: &str) -> Value {
    let mut v = message_create(id, guild, channel, who, content);
    v["edited_timestamp"] = json!("2026-03-02T09:45:00.000000+00:00");
    // The nonce belongs to the message's creation: updates do not repeat it.
    if let Some(o) = v.as_object_mut() {
        o.remove("nonce");
    }
    v
}

/// A message was deleted (MESSAGE_DELETE).
pub fn message_delete(id: &str, guild: &str, channel: &str) -> Value {
    json!({"id": id, "channel_id": channel, "guild_id": guild})
}

/// A member added a unicode reaction (MESSAGE_REACTION_ADD, with the member).
pub fn reaction_add(
    guild: &str,
    channel: &str,
    message: &str,
    who: &str,
    roles: &[&str],
    emoji: &str,
) -> Value {
    let mut m = listed_member(who);
    m["roles"] = json!(roles);
    json!({"user_id": who, "channel_id": channel, "message_id": message, "guild_id": guild, "member": m,
           "emoji": {"id": null, "name": emoji}, "message_author_id": "830000000000000555",
           "burst": false, "type": 0})
}

/// A member removed a reaction (MESSAGE_REACTION_REMOVE: no member object).
pub fn reaction_remove(guild: &str, channel: &str, message: &str, who: &str, emoji: &str) -> Value {
    json!({"user_id": who, "channel_id": channel, "message_id": message, "guild_id": guild,
           "emoji": {"id": null, "name": emoji}, "burst": false, "type": 0})
}
