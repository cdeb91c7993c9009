//! Posting one outgoing message: the channel (a DM opened once), its pictures uploaded or degraded,
//! chat.postMessage paced per channel, and how Web API failures map onto the outbox's retry rules.

use super::Pictures;
use super::files;
use super::render::render_with;
use super::{DELIVERY_EVENT, SlackPlatform};
use crate::chat::{Destination, Outgoing, SendError, SentRef};
use slack_morphism::errors::SlackClientError;
use slack_morphism::prelude::*;
use std::collections::HashMap;

impl SlackPlatform {
    /// Posts one message; a picture Slack cannot show is replaced by a link or its alt text.
    pub(super) async fn post(&self, out: &Outgoing) -> Result<SentRef, SendError> {
        if let (Destination::Member { user }, Some(dm)) = (&out.destination, &out.dm_channel) {
            self.directory.remember_dm(user, dm);
        }
        let (channel, thread) = self.channel_for(&out.destination).await?;
        let prepared = self.prepare_pictures(&out.tenant, &out.message).await?;
        let post = |pictures: Pictures| {
            let metadata = SlackMessageMetadata::new(DELIVERY_EVENT.into()).with_event_payload(
                HashMap::from([("delivery".to_string(), out.dedupe_key.clone())]),
            );
            let content = render_with(&out.message, &pictures).with_metadata(metadata);
            let mut request = SlackApiChatPostMessageRequest::new(channel.clone().into(), content);
            if let Some(ts) = &thread {
                request = request.with_thread_ts(ts.clone().into());
            }
            // Slack allows about one message per second per channel (not per workspace).
            let to = channel.clone();
            async move {
                self.spacing.wait(&to).await;
                self.session()
                    .http_session_api
                    .http_post::<_, SlackApiChatPostMessageResponse>(
                        "chat.postMessage",
                        &request,
                        None,
                    )
                    .await
            }
        };
        // Slack fetches every picture as the message is posted; one it cannot show must not
        // cost the lesson its text, so the part goes again with links instead of pictures.
        let posted = match post(prepared.pictures.clone()).await {
            Err(e) if files::refused_a_picture(&e, &out.message) => {
                self.picture_refused(&out.tenant, &out.message, &prepared, &e)
                    .await;
                post(Pictures::text_only()).await
            }
            other => other,
        }
        .map_err(send_error)?;
        Ok(format!("{}:{}", posted.channel, posted.ts))
    }
}

/// Maps a Web API failure onto the outbox's retry rules.
pub(crate) fn send_error(e: SlackClientError) -> SendError {
    match e {
        SlackClientError::RateLimitError(r) => SendError::RateLimited {
            retry_after: r.retry_after.unwrap_or(std::time::Duration::from_secs(1)),
        },
        SlackClientError::ApiError(api) => match api.code.as_str() {
            "ratelimited" => SendError::RateLimited {
                retry_after: std::time::Duration::from_secs(1),
            },
            "internal_error" | "fatal_error" | "service_unavailable" | "request_timeout" => {
                SendError::Transient(api.code)
            }
            // The app lacks a scope: say which, so the operator can add it to the app and reinstall.
            "missing_scope" => {
                let needed = api
                    .http_response_body
                    .as_deref()
                    .and_then(|b| serde_json::from_str::<serde_json::Value>(b).ok())
                    .and_then(|b| b["needed"].as_str().map(str::to_string))
                    .unwrap_or_else(|| "a scope".into());
                tracing::error!(needed, "the Slack app lacks a scope: add it (config/slack-app-manifest.yaml) and reinstall the app");
                SendError::Permanent(format!(
                    "Slack refused the call: missing_scope (the app needs {needed}; add it to the app's scopes and reinstall)"
                ))
            }
            "not_in_channel" => SendError::Permanent(
                "Slack refused the call: not_in_channel (invite nibble to the channel: /invite @nibble)".into(),
            ),
            _ => SendError::Permanent(format!("Slack refused the call: {}", api.code)),
        },
        SlackClientError::HttpError(h) if h.status_code.is_client_error() => {
            SendError::Permanent(format!("HTTP {}", h.status_code))
        }
        other => SendError::Transient(super::describe(&other)),
    }
}
