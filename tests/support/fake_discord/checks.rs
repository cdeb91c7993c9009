//! What the fake checks in every request: Discord's real limits here (content 2,000 characters,
//! embeds, components, custom_id), and Discord's official OpenAPI spec with
//! `../shared/tools/validate_openapi_body.py --strict` when `../shared` is present.

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

/// The spec's operation for a request with a body, from its method and path (not the fake's route
/// table, so that a route the fake does not know yet is still checked); None for a request without a
/// body; an error for a body nobody has classified yet (every request must be checked).
fn operation(r: &Recorded) -> Result<Option<&'static str>, String> {
    let path = r.path.trim_start_matches("/api/v10/");
    let parts: Vec<&str> = path.split('/').collect();
    Ok(Some(match (r.method.as_str(), parts.as_slice()) {
        ("POST", ["channels", _, "messages"]) => "create_message",
        ("PATCH", ["channels", _, "messages", _]) => "update_message",
        ("PATCH", ["channels", _]) => "update_channel",
        ("POST", ["channels", _, "threads"]) => "create_thread",
        ("POST", ["channels", _, "messages", _, "threads"]) => "create_thread_from_message",
        ("POST", ["interactions", _, _, "callback"]) => "create_interaction_response",
        ("POST", ["users", "@me", "channels"]) => "create_dm",
        // Interaction follow-ups: the application's webhook with the interaction token.
        ("POST", ["webhooks", _, _]) => "execute_webhook",
        ("PATCH", ["webhooks", _, _, "messages", "@original"]) => "update_original_webhook_message",
        ("PATCH", ["webhooks", _, _, "messages", _]) => "update_webhook_message",
        ("PUT", ["applications", _, "guilds", _, "commands"]) => {
            "bulk_set_guild_application_commands"
        }
        ("PUT", ["applications", _, "commands"]) => "bulk_set_application_commands",
        _ if r.body.is_null() => return Ok(None),
        (method, _) => {
            return Err(format!(
                "{method} /{path}: no spec operation is defined; classify it in \
                 tests/support/fake_discord/checks.rs"
            ));
        }
    }))
}

/// Validates every request body against Discord's official spec (strict: no unknown fields).
pub fn check_against_spec(requests: &[Recorded]) {
    let mut unclassified = Vec::new();
    let mut bodies: Vec<(Vec<String>, Value)> = Vec::new();
    for r in requests {
        match operation(r) {
            // A callback without data (type 6, deferred update) and a GET carry no body.
            Ok(Some(_)) if r.body.is_null() => {}
            Ok(Some(op)) => bodies.push((
                vec!["--op".to_string(), op.to_string(), "--strict".to_string()],
                r.body.clone(),
            )),
            Ok(None) => {}
            Err(e) => unclassified.push(e),
        }
    }
    assert!(unclassified.is_empty(), "{}", unclassified.join("\n"));
    crate::support::spec_check::validate("reference/discord/openapi.json", &bodies, "Discord");
}
