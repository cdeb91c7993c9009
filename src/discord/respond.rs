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
        tracing::warn!(error = %e, "cannot answer the interaction");
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
) -> Option<Reply> {
    if let Ok(reply) = tokio::time::timeout(RESPOND_BUDGET, &mut work).await {
        return Some(reply.unwrap_or(Reply::None));
    }
    let flags = if defer_kind == 5 {
        json!({"flags": EPHEMERAL})
    } else {
        Value::Null
    };
    send_response(ctx, id, token, defer_kind, flags).await;
    if let Ok(Reply::Ephemeral(m) | Reply::UpdateSource(m)) = work.await {
        let mut body = render_message(&m);
        if defer_kind == 6 {
            body["components"] = json!([]);
        }
        if let Err(e) = ctx
            .http
            .edit_original_interaction_response(token, &body, Vec::new())
            .await
        {
            tracing::warn!(error = %e, "cannot send the deferred answer");
        }
    }
    None
}
