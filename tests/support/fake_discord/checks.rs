//! What the fake checks in every request: Discord's real limits here (content 2,000 characters,
//! embeds, components, custom_id), and Discord's official OpenAPI spec with
//! `../shared/tools/validate_openapi_body.py --strict` when `../shared/reference` is present.

use super::Recorded;
use serde_json::Value;

fn chars(v: Option<&Value>) -> usize {
    v.and_then(Value::as_str)
        .map(|s| s.chars().count())
        .unwrap_or(0)
}

/// Limit violations in a message-like body (a message, or an interaction callback's `data`).
pub fn check_body(route: &str, body: &Value) -> Vec<String> {
    let message = if route.ends_with("/callback") {
        body.get("data").cloned().unwrap_or(Value::Null)
    } else {
        body.clone()
    };
    let mut out = Vec::new();
    let mut limit = |what: &str, n: usize, max: usize| {
        if n > max {
            out.push(format!("{route}: {what} is {n}, the limit is {max}"));
        }
    };
    limit("content", chars(message.get("content")), 2000);
    let embeds = message
        .get("embeds")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    limit("embeds", embeds.len(), 10);
    let mut total = 0;
    for e in &embeds {
        limit("embed title", chars(e.get("title")), 256);
        limit("embed description", chars(e.get("description")), 4096);
        limit("embed footer", chars(e.pointer("/footer/text")), 2048);
        total +=
            chars(e.get("title")) + chars(e.get("description")) + chars(e.pointer("/footer/text"));
    }
    limit("embed characters in total", total, 6000);
    let rows = message
        .get("components")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    limit("action rows", rows.len(), 5);
    for row in &rows {
        let items = row
            .get("components")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        limit("components in a row", items.len(), 5);
        for c in &items {
            let id = chars(c.get("custom_id"));
            if c.get("custom_id").is_some() && id == 0 {
                limit("an empty custom_id", 1, 0);
            }
            limit("custom_id", id, 100);
            limit("button label", chars(c.get("label")), 80);
            limit(
                "select options",
                c.get("options")
                    .and_then(Value::as_array)
                    .map_or(0, Vec::len),
                25,
            );
        }
    }
    if let Some(n) = message.get("nonce").and_then(Value::as_str) {
        limit("nonce", n.chars().count(), 25);
    }
    out
}

fn operation(route: &str) -> Option<&'static str> {
    Some(match route {
        "POST /channels/{channel_id}/messages" => "create_message",
        "PATCH /channels/{channel_id}/messages/{message_id}" => "update_message",
        "PATCH /channels/{channel_id}" => "update_channel",
        "POST /interactions/{interaction_id}/{interaction_token}/callback" => {
            "create_interaction_response"
        }
        "POST /users/@me/channels" => "create_dm",
        "POST /channels/{channel_id}/messages/{message_id}/threads" => "create_thread_from_message",
        "PATCH /webhooks/{application_id}/{interaction_token}/messages/@original" => {
            "update_original_webhook_message"
        }
        "POST /webhooks/{application_id}/{interaction_token}" => "execute_webhook",
        "PATCH /webhooks/{application_id}/{interaction_token}/messages/{message_id}" => {
            "update_webhook_message"
        }
        "PUT /applications/{application_id}/guilds/{guild_id}/commands" => {
            "bulk_set_guild_application_commands"
        }
        _ => return None,
    })
}

/// Validates every checked request body against Discord's official spec (strict: no unknown fields).
pub fn check_against_spec(requests: &[Recorded]) {
    let bodies: Vec<(Vec<String>, Value)> = requests
        .iter()
        .filter_map(|r| {
            let op = operation(&r.route)?;
            Some((
                vec!["--op".to_string(), op.to_string(), "--strict".to_string()],
                r.body.clone(),
            ))
        })
        .collect();
    crate::support::spec_check::validate("reference/discord/openapi.json", &bodies, "Discord");
}
