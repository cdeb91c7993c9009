//! What the fake checks in every message body: Block Kit limits here, Slack's Web API spec via
//! `../shared/tools/validate_openapi_body.py` when `../shared/reference` is present.

use super::Recorded;
use serde_json::Value;

fn len(v: Option<&Value>) -> usize {
    v.and_then(Value::as_str)
        .map(|s| s.chars().count())
        .unwrap_or(0)
}

/// Violations of Slack's documented limits in a chat.* body.
pub fn check_message_body(method: &str, body: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut limit = |what: &str, n: usize, max: usize| {
        if n > max {
            out.push(format!("{method}: {what} is {n}, the limit is {max}"));
        }
    };
    limit("text", len(body.get("text")), 40_000);
    let blocks = body
        .get("blocks")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    limit("blocks", blocks.len(), 50);
    if blocks.is_empty() && len(body.get("text")) == 0 {
        limit("a message without text or blocks", 1, 0);
    }
    for b in &blocks {
        match b.get("type").and_then(Value::as_str).unwrap_or("") {
            "section" => limit("section text", len(b.pointer("/text/text")), 3000),
            "header" => limit("header text", len(b.pointer("/text/text")), 150),
            "image" => {
                limit("image alt_text", len(b.get("alt_text")), 2000);
                limit("image_url", len(b.get("image_url")), 3000);
            }
            "context" => limit(
                "context elements",
                b.get("elements")
                    .and_then(Value::as_array)
                    .map_or(0, Vec::len),
                10,
            ),
            "actions" => {
                let elements = b
                    .get("elements")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                limit("actions elements", elements.len(), 25);
                for e in &elements {
                    limit("action_id", len(e.get("action_id")), 255);
                    limit("button value", len(e.get("value")), 2000);
                    limit("button text", len(e.pointer("/text/text")), 75);
                    limit(
                        "checkbox options",
                        e.get("options")
                            .and_then(Value::as_array)
                            .map_or(0, Vec::len),
                        10,
                    );
                }
            }
            "divider" => {}
            other => limit(&format!("unexpected block type `{other}`"), 1, 0),
        }
    }
    out
}

/// Checks every chat.* and conversations.open body against Slack's official Web API spec.
pub fn check_against_spec(requests: &[Recorded]) {
    let checked = [
        "chat.postMessage",
        "chat.update",
        "chat.postEphemeral",
        "conversations.open",
    ];
    let bodies: Vec<(Vec<String>, Value)> = requests
        .iter()
        .filter(|r| checked.contains(&r.method.as_str()))
        .map(|r| {
            (
                vec!["--path".to_string(), format!("/{}", r.method)],
                r.body.clone(),
            )
        })
        .collect();
    crate::support::spec_check::validate(
        "reference/slack/web-api/slack_web_openapi_v2.json",
        &bodies,
        "Slack's Web API",
    );
}
