//! Real payloads in: Slack's own framework fixtures and Accord.jl's live Discord captures
//! (`../shared/reference`) are replayed through the fakes into nibble's real listeners (slack-morphism's
//! Socket Mode, serenity's gateway). Only ids are rewritten, to the test tenant's; the files are read
//! as they are.

mod discord;
mod slack;

use nibble::daemon::Daemon;
use serde_json::Value;

pub use crate::support::spec_check::reference_json as capture;

/// Every string in `v` equal to an id of the capture's tenant becomes ours (equality, never a
/// substring: text that mentions an id stays as it was sent).
pub fn rewrite(v: &mut Value, ids: &[(&str, &str)]) {
    match v {
        Value::String(s) => {
            if let Some((_, to)) = ids.iter().find(|(from, _)| from == s) {
                *s = to.to_string();
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| rewrite(i, ids)),
        Value::Object(map) => map.values_mut().for_each(|i| rewrite(i, ids)),
        _ => {}
    }
}

/// The reply nibble recorded for a message id: (length, edited, deleted, featured), once it exists.
pub async fn reply_row(daemon: &Daemon, message: &str) -> Option<(i64, bool, bool, bool)> {
    sqlx::query_as::<_, (i64, bool, bool, bool)>(
        "SELECT length, edited_at IS NOT NULL, deleted_at IS NOT NULL, featured != 0
         FROM discussion_replies WHERE message_id = $1",
    )
    .bind(message)
    .fetch_optional(daemon.store().pool())
    .await
    .expect("read the reply")
}

/// Waits until the reply for `message` satisfies `want`.
pub async fn reply_becomes(
    daemon: &Daemon,
    message: &str,
    what: &str,
    want: impl Fn((i64, bool, bool, bool)) -> bool,
) {
    let want = &want;
    crate::support::eventually(&format!("reply {message}: {what}"), || async move {
        reply_row(daemon, message).await.is_some_and(want)
    })
    .await;
}

/// How many replies nibble recorded.
pub async fn replies(daemon: &Daemon) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM discussion_replies")
        .fetch_one(daemon.store().pool())
        .await
        .expect("count replies")
}
