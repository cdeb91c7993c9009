//! Replies to Slack interactions: waiting for the engine within the acknowledgement budget, then
//! showing the result (chat.update for the clicked DM quiz, chat.postEphemeral otherwise).

use super::listener::Inbound;
use super::render::render;
use crate::chat::Reply;
use slack_morphism::prelude::*;
use std::time::Duration;

/// Slack wants every envelope acknowledged within 3 seconds; we answer well before that.
const ACK_BUDGET: Duration = Duration::from_millis(2300);

/// The engine's work on one envelope.
pub struct Work(pub(super) tokio::task::JoinHandle<Reply>);

impl Work {
    /// The reply if it comes within the acknowledgement budget; a slow engine does not hold the
    /// acknowledgement back (the work carries on, and `finish` still gets its reply).
    pub async fn within_budget(&mut self, received: std::time::Instant) -> Option<Reply> {
        // The budget counts from the envelope's arrival (the users.info lookup came first).
        let left = ACK_BUDGET.saturating_sub(received.elapsed());
        match tokio::time::timeout(left, &mut self.0).await {
            Ok(reply) => Some(reply.unwrap_or(Reply::None)),
            Err(_) => None,
        }
    }

    pub async fn finish(self) -> Reply {
        self.0.await.unwrap_or(Reply::None)
    }
}

pub async fn show_reply(
    inbound: &Inbound,
    channel: &str,
    user: &str,
    ts: Option<SlackTs>,
    reply: Option<Reply>,
) {
    let session = inbound.platform.session();
    let result = match (reply, ts) {
        (Some(Reply::UpdateSource(m)), Some(ts)) => {
            let request =
                SlackApiChatUpdateRequest::new(channel.to_string().into(), render(&m), ts);
            session.chat_update(&request).await.map(|_| ())
        }
        (Some(Reply::Ephemeral(m)) | Some(Reply::UpdateSource(m)), _) => {
            let request = SlackApiChatPostEphemeralRequest::new(
                channel.to_string().into(),
                user.to_string().into(),
                render(&m),
            );
            session.chat_post_ephemeral(&request).await.map(|_| ())
        }
        _ => Ok(()),
    };
    if let Err(e) = result {
        tracing::warn!(error = %e, "could not show the answer's result in Slack");
    }
}
