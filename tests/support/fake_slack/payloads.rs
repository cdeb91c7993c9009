//! Envelope payloads the fake sends, modelled on Slack's own (see ../shared/reference/slack/fixtures).

use super::TEAM;
use serde_json::{Value, json};

/// The `hello` Slack sends first on every Socket Mode connection.
pub fn hello() -> Value {
    json!({"type": "hello", "num_connections": 1, "debug_info": {"host": "fake-slack", "build_number": 1, "approximate_connection_time": 18060}, "connection_info": {"app_id": "A0NIBBLE"}})
}

/// A `disconnect` (`refresh_requested`, `warning`, `too_many_websockets`…): the client reconnects.
pub fn disconnect(reason: &str) -> Value {
    json!({"type": "disconnect", "reason": reason, "debug_info": {"host": "fake-slack"}})
}

/// A Socket Mode envelope as Slack wraps each kind: only Events API envelopes carry retry fields,
/// and only slash commands and view submissions accept a response payload in the ack.
pub fn envelope(id: &str, kind: &str, payload: Value) -> Value {
    let accepts = kind == "slash_commands" || payload["type"] == "view_submission";
    let mut e = json!({"envelope_id": id, "type": kind, "payload": payload, "accepts_response_payload": accepts});
    if kind == "events_api" {
        e["retry_attempt"] = json!(0);
        e["retry_reason"] = json!("");
    }
    e
}

pub fn slash_command(channel: &str, user: &str, command: &str, text: &str, trigger: &str) -> Value {
    json!({
        "token": "verification-token",
        "team_id": TEAM,
        "team_domain": "nibble-test",
        "channel_id": channel,
        "channel_name": "learning",
        "user_id": user,
        "user_name": user.to_lowercase(),
        "command": command,
        "text": text,
        "api_app_id": "A0NIBBLE",
        "is_enterprise_install": "false",
        "response_url": "https://hooks.slack.com/commands/T0NIBBLE/1/xyz",
        "trigger_id": trigger,
    })
}

/// A click on a button (single-choice quiz) in a message.
pub fn button_click(
    team: &str,
    channel: &str,
    user: &str,
    message_ts: &str,
    value: &str,
    trigger: &str,
) -> Value {
    block_actions(
        team,
        channel,
        user,
        message_ts,
        json!([{
            "action_id": value, "block_id": "quiz", "type": "button", "value": value,
            "text": {"type": "plain_text", "text": "An answer", "emoji": true}, "action_ts": "1700000100.000001"
        }]),
        json!({"values": {}}),
        trigger,
    )
}

/// The Submit button of a multiple-select quiz, with the ticked checkboxes in the state.
pub fn multi_submit(
    channel: &str,
    user: &str,
    message_ts: &str,
    submit: &str,
    toggle: &str,
    values: &[&str],
    trigger: &str,
) -> Value {
    let selected: Vec<Value> = values.iter().map(|v| json!({"text": {"type": "plain_text", "text": format!("option {v}"), "emoji": true}, "value": v})).collect();
    block_actions(
        TEAM,
        channel,
        user,
        message_ts,
        json!([{
            "action_id": submit, "block_id": "quiz", "type": "button", "value": submit,
            "text": {"type": "plain_text", "text": "Submit answer", "emoji": true}, "action_ts": "1700000100.000002"
        }]),
        json!({"values": {"quiz": {toggle: {"type": "checkboxes", "selected_options": selected}}}}),
        trigger,
    )
}

fn block_actions(
    team: &str,
    channel: &str,
    user: &str,
    message_ts: &str,
    actions: Value,
    state: Value,
    trigger: &str,
) -> Value {
    json!({
        "type": "block_actions",
        "user": {"id": user, "username": user.to_lowercase(), "name": user.to_lowercase(), "team_id": team},
        "api_app_id": "A0NIBBLE",
        "token": "verification-token",
        "container": {"type": "message", "message_ts": message_ts, "channel_id": channel, "is_ephemeral": false},
        "trigger_id": trigger,
        "team": {"id": team, "domain": "nibble-test"},
        "enterprise": null,
        "is_enterprise_install": false,
        "channel": {"id": channel, "name": "learning"},
        "state": state,
        "response_url": "https://hooks.slack.com/actions/T0NIBBLE/1/xyz",
        "actions": actions,
    })
}

pub fn event_callback(event_id: &str, event: Value) -> Value {
    json!({
        "token": "verification-token",
        "team_id": TEAM,
        "api_app_id": "A0NIBBLE",
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": 1700000000,
        "authorizations": [{"enterprise_id": null, "team_id": TEAM, "user_id": "UBOT", "is_bot": true, "is_enterprise_install": false}],
        "is_ext_shared_channel": false,
        "event_context": "4-eyJldCI6Im1lc3NhZ2UifQ",
    })
}

pub fn member_joined(user: &str, channel: &str) -> Value {
    json!({"type": "member_joined_channel", "user": user, "channel": channel, "channel_type": "C", "team": TEAM, "event_ts": "1700000000.000100"})
}

/// The `rich_text` block Slack adds to every message a person types (the text as one section).
fn rich_text(text: &str) -> Value {
    json!([{"type": "rich_text", "block_id": "nB1x", "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}]}])
}

pub fn message(user: &str, channel: &str, text: &str, thread_ts: Option<&str>) -> Value {
    let mut m = json!({
        "client_msg_id": "5b1c2e9a-0000-4000-8000-000000000001",
        "type": "message", "text": text, "user": user, "ts": "1700000200.000100", "team": TEAM,
        "blocks": rich_text(text), "channel": channel, "event_ts": "1700000200.000100", "channel_type": "channel"
    });
    if let Some(t) = thread_ts {
        // A reply names its thread and the thread's author (nibble's threads start with its posts).
        m["thread_ts"] = json!(t);
        m["parent_user_id"] = json!("UBOT");
    }
    m
}

/// A member's message with its own ts (a thread reply when `thread_ts` is set).
pub fn message_at(
    user: &str,
    channel: &str,
    text: &str,
    ts: &str,
    thread_ts: Option<&str>,
) -> Value {
    let mut m = message(user, channel, text, thread_ts);
    m["ts"] = json!(ts);
    m["event_ts"] = json!(ts);
    m
}

/// `message_changed`: the edited message is nested, as Slack sends it.
pub fn message_changed(user: &str, channel: &str, ts: &str, thread_ts: &str, text: &str) -> Value {
    json!({"type": "message", "subtype": "message_changed", "hidden": true, "channel": channel,
           "channel_type": "channel", "ts": "1700000900.000100", "event_ts": "1700000900.000100",
           "message": {"client_msg_id": "5b1c2e9a-0000-4000-8000-000000000002", "type": "message", "user": user,
                       "text": text, "blocks": rich_text(text), "team": TEAM, "ts": ts, "thread_ts": thread_ts,
                       "edited": {"user": user, "ts": "1700000900.000000"}, "source_team": TEAM, "user_team": TEAM},
           "previous_message": {"client_msg_id": "5b1c2e9a-0000-4000-8000-000000000002", "type": "message", "user": user,
                                "text": "before", "blocks": rich_text("before"), "team": TEAM, "ts": ts, "thread_ts": thread_ts}})
}

/// `message_deleted`, with the deleted message as `previous_message`.
pub fn message_deleted(user: &str, channel: &str, ts: &str, thread_ts: &str) -> Value {
    json!({"type": "message", "subtype": "message_deleted", "hidden": true, "channel": channel,
           "channel_type": "channel", "ts": "1700000950.000100", "deleted_ts": ts, "event_ts": "1700000950.000100",
           "previous_message": {"type": "message", "user": user, "text": "gone", "ts": ts, "thread_ts": thread_ts}})
}

/// `reaction_added` / `reaction_removed` on a message.
pub fn reaction(kind: &str, user: &str, channel: &str, ts: &str, name: &str) -> Value {
    json!({"type": kind, "user": user, "reaction": name, "item_user": "U-ANA",
           "item": {"type": "message", "channel": channel, "ts": ts}, "event_ts": "1700000990.000100"})
}
