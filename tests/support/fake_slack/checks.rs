//! What the fake checks in every request: Block Kit limits here, Slack's Web API spec (bodies and
//! query parameters) via `../shared/tools/validate_openapi_body.py` when `../shared` is present.

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

/// How a Web API method's request is checked against Slack's spec: None when there is nothing to
/// check; an error for a method nobody has classified yet (every request must be checked).
fn selector(method: &str) -> Result<Option<Vec<String>>, String> {
    let args = |mode: &str| Ok(Some(vec![mode.to_string(), format!("/{method}")]));
    match method {
        // JSON bodies: the spec's form parameters (blocks as Block Kit).
        "chat.postMessage" | "chat.update" | "chat.postEphemeral" | "chat.delete"
        | "conversations.open" => args("--path"),
        // Read methods: their query parameters (names, required ones, types).
        "users.info" | "conversations.members" | "conversations.info" => args("--query"),
        // Slack added `include_all_metadata` (message metadata) after the spec was frozen in 2021:
        // docs.slack.dev, conversations.history / conversations.replies arguments.
        "conversations.history" | "conversations.replies" => Ok(Some(vec![
            "--query".to_string(),
            format!("/{method}"),
            "--also".to_string(),
            "include_all_metadata:boolean".to_string(),
        ])),
        // No parameters to check, or not in the 2021 spec (Socket Mode, external file uploads;
        // the spec's views.* describe a form-encoded `view`, not the JSON object Slack accepts).
        "auth.test"
        | "apps.connections.open"
        | "files.getUploadURLExternal"
        | "files.completeUploadExternal"
        | "views.publish"
        | "views.open"
        | "views.update" => Ok(None),
        // The bytes POSTed to an upload URL (files.slack.com, outside the Web API); recorded by
        // the fake under this name. Their size is checked by files.completeUploadExternal.
        "upload" => Ok(None),
        other => Err(format!(
            "{other}: no spec check is defined; classify it in tests/support/fake_slack/checks.rs"
        )),
    }
}

/// Checks every recorded request against Slack's official Web API spec.
pub fn check_against_spec(requests: &[Recorded]) {
    let mut unclassified = Vec::new();
    let mut bodies: Vec<(Vec<String>, Value)> = Vec::new();
    for r in requests {
        match selector(&r.method) {
            Ok(Some(args)) => bodies.push((args, r.body.clone())),
            Ok(None) => {}
            Err(e) => unclassified.push(e),
        }
    }
    unclassified.dedup();
    assert!(unclassified.is_empty(), "{}", unclassified.join("\n"));
    crate::support::spec_check::validate(
        "reference/slack/web-api/slack_web_openapi_v2.json",
        &bodies,
        "Slack's Web API",
    );
}
