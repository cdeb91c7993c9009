//! Interaction responses: the callback types, and deferring when the engine would miss Discord's
//! 3-second deadline.

use super::render::{EPHEMERAL, render_message};
use crate::chat::Reply;
use serde_json::{Value, json};
use serenity::all::{Context, InteractionId};
use std::time::Duration;

/// Past this the interaction is deferred, well inside Discord's 3 seconds.
const RESPOND_BUDGET: Duration = Duration::from_millis(2000);

pub fn with_flags(mut data: Value, flags: u64) -> Value {
    data["flags"] = json!(flags);
    data
}

/// An interaction callback of `kind` (4 message, 5/6 deferred, 7 update, 8 autocomplete).
pub async fn send_response(ctx: &Context, id: InteractionId, token: &str, kind: u8, data: Value) {
    let mut body = json!({"type": kind});
    if !data.is_null() {
        body["data"] = data;
    }
    if let Err(e) = ctx
        .http
        .create_interaction_response(id, token, &body, Vec::new())
        .await
    {
        tracing::warn!(error = %redact(&e), "cannot answer the interaction");
    }
}

/// The engine's reply if it comes within the budget. Otherwise the interaction is deferred
/// (`defer_kind` 5 for commands, 6 for components), the reply edits the original response when it
/// comes, and None is returned.
pub async fn respond_in_time(
    ctx: &Context,
    id: InteractionId,
    token: &str,
    mut work: tokio::task::JoinHandle<Reply>,
    defer_kind: u8,
    received: std::time::Instant,
) -> Option<Reply> {
    // The budget counts from the interaction's arrival, not from when the engine got it.
    let left = RESPOND_BUDGET.saturating_sub(received.elapsed());
    if let Ok(reply) = tokio::time::timeout(left, &mut work).await {
        return Some(reply.unwrap_or(Reply::None));
    }
    let flags = if defer_kind == 5 {
        json!({"flags": EPHEMERAL})
    } else {
        Value::Null
    };
    send_response(ctx, id, token, defer_kind, flags).await;
    let result = match work.await {
        // A command's deferred answer, or a DM quiz's result: replace the original response.
        Ok(Reply::UpdateSource(m)) => {
            let mut body = render_message(&m);
            body["components"] = json!([]);
            ctx.http
                .edit_original_interaction_response(token, &body, Vec::new())
                .await
                .map(|_| ())
        }
        Ok(Reply::Ephemeral(m)) if defer_kind == 5 => ctx
            .http
            .edit_original_interaction_response(token, &render_message(&m), Vec::new())
            .await
            .map(|_| ()),
        // After a click's deferral the original response *is* the clicked (shared) message: a
        // private answer goes out as an ephemeral follow-up instead.
        Ok(Reply::Ephemeral(m)) => {
            let body = with_flags(render_message(&m), EPHEMERAL);
            ctx.http
                .create_followup_message(token, &body, Vec::new())
                .await
                .map(|_| ())
        }
        _ => Ok(()),
    };
    if let Err(e) = result {
        tracing::warn!(error = %redact(&e), "cannot send the deferred answer");
    }
    None
}

/// The error without the request URL, which carries the interaction token.
pub fn redact(e: &serenity::Error) -> String {
    match e {
        serenity::Error::Http(serenity::http::HttpError::Request(r)) => {
            format!(
                "request failed: {}",
                r.status()
                    .map(|s| s.to_string())
                    .unwrap_or_else(|| "no response".into())
            )
        }
        serenity::Error::Http(serenity::http::HttpError::UnsuccessfulRequest(r)) => {
            format!(
                "HTTP {}: {} {}",
                r.status_code, r.error.code, r.error.message
            )
        }
        other => other.to_string(),
    }
}
