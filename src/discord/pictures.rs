//! Pictures beside lessons on Discord: sent with the message as its attachment (multipart:
//! `payload_json` + `files[0]`, the embed showing `attachment://name`), with a text fallback.

use super::DiscordPlatform;
use super::refusal::{Action, refused};
use super::render::{Pictures, render_message_with};
use crate::chat::{Message, SendError};
use crate::content::{ImageKind, image_file_name};
use serde_json::{Value, json};
use serenity::builder::CreateAttachment;
use serenity::http::HttpError;
use serenity::model::channel::Message as DiscordMessage;
use serenity::model::id::ChannelId;

/// Discord's limit for an attachment's description.
const DESCRIPTION_MAX: usize = 1024;

/// A message's attachment: the picture's bytes under the name its embed refers to.
pub(super) struct Attached {
    pub pictures: Pictures,
    file: Option<CreateAttachment>,
    /// The `attachments` entry of `payload_json`: its id is the `files[0]` part's index.
    entry: Option<Value>,
}

/// Reads the first picture beside the lesson in the message (a part holds at most one; serenity
/// numbers every raw attachment `files[0]`). One that cannot be read shows as its alt text.
pub(super) async fn attach(message: &Message) -> Attached {
    let mut attached = Attached {
        pictures: Pictures::default(),
        file: None,
        entry: None,
    };
    let Some((path, alt)) = message.local_pictures().first().copied() else {
        return attached;
    };
    let bytes = match tokio::fs::read(path).await {
        Ok(bytes) if ImageKind::of(&bytes).is_some() => bytes,
        Ok(_) | Err(_) => {
            tracing::warn!(lesson = message.lesson_id(), image = %path.display(), "a lesson picture cannot be read as a picture: shown as its alt text on Discord");
            return attached;
        }
    };
    let name = image_file_name(path);
    let description: String = alt.chars().take(DESCRIPTION_MAX).collect();
    attached.entry = Some(json!([{"id": "0", "filename": name, "description": description}]));
    attached.file = Some(CreateAttachment::bytes(bytes, name.clone()));
    attached.pictures.attached.insert(path.to_path_buf(), name);
    attached
}

/// Could Discord have refused the message for its picture (a body it would not take, a file too
/// large, or no Attach Files permission)? A missing channel or access is not, and is not retried.
fn may_be_the_picture(error: &serenity::Error) -> bool {
    match error {
        serenity::Error::Http(HttpError::UnsuccessfulRequest(r)) => {
            matches!(r.status_code.as_u16(), 400 | 413) || matches!(r.error.code, 40005 | 50013)
        }
        _ => false,
    }
}

impl DiscordPlatform {
    /// Posts `body` (rendered with `attached.pictures`) with its attachment to `channel` (named
    /// `place` in errors). If Discord refuses it for something the picture may cause while it
    /// carries pictures, posts it again with links and alt texts instead, so the lesson's text
    /// always arrives.
    pub(super) async fn post_with_pictures(
        &self,
        tenant: &str,
        channel: ChannelId,
        place: &str,
        message: &Message,
        attached: &Attached,
        mut body: Value,
    ) -> Result<DiscordMessage, SendError> {
        if let Some(entry) = &attached.entry {
            body["attachments"] = entry.clone();
        }
        let files: Vec<CreateAttachment> = attached.file.iter().cloned().collect();
        let has_pictures = body["embeds"]
            .as_array()
            .is_some_and(|e| e.iter().any(|e| e.get("image").is_some()));
        match self.http.send_message(channel, files, &body).await {
            Ok(sent) => Ok(sent),
            Err(e) if has_pictures && may_be_the_picture(&e) => {
                // Grouped for the team lead by what went wrong, not where (one line, not one a DM).
                let reason = match &e {
                    serenity::Error::Http(HttpError::UnsuccessfulRequest(r)) => format!(
                        "lesson pictures shown as links or alt text: Discord refused them (HTTP {}, code {}: {}); nibble's role needs Attach Files and Embed Links",
                        r.status_code.as_u16(),
                        r.error.code,
                        r.error.message
                    ),
                    other => format!("lesson pictures shown as links or alt text: {other}"),
                };
                let why = refused(e, Action::Post, place);
                tracing::warn!(lesson = message.lesson_id(), error = %why, "Discord refused a lesson picture: the part is sent with a link or the alt text instead");
                // The text arrives, but a team lead must hear of the missing permission.
                if let Some(store) = self.store.get()
                    && let Err(e) = store
                        .record_setup_warning("discord", tenant, &reason, chrono::Utc::now())
                        .await
                {
                    tracing::warn!(error = %e, "cannot record a setup warning");
                }
                let plain = render_message_with(message, &Pictures::text_only());
                body["embeds"] = plain["embeds"].clone();
                if let Some(fields) = body.as_object_mut() {
                    fields.remove("attachments");
                }
                self.pacer.wait().await;
                self.http
                    .send_message(channel, Vec::new(), &body)
                    .await
                    .map_err(|e| refused(e, Action::Post, place))
            }
            Err(e) => Err(refused(e, Action::Post, place)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serenity::http::ErrorResponse;

    async fn refusal(status: u16, code: isize) -> serenity::Error {
        let body = serde_json::json!({"code": code, "message": "refused"}).to_string();
        let response = axum::http::Response::builder()
            .status(status)
            .body(body)
            .expect("response");
        let response =
            ErrorResponse::from_response(reqwest::Response::from(response), reqwest::Method::POST)
                .await;
        serenity::Error::Http(HttpError::UnsuccessfulRequest(response))
    }

    #[tokio::test]
    async fn only_refusals_a_picture_may_cause_are_retried_without_it() {
        // No Attach Files, a body Discord would not take, a file too large: the picture's fault.
        assert!(may_be_the_picture(&refusal(403, 50013).await));
        assert!(may_be_the_picture(&refusal(400, 50035).await));
        assert!(may_be_the_picture(&refusal(413, 40005).await));
        // A channel nibble cannot see or that is gone refuses the text just the same.
        assert!(!may_be_the_picture(&refusal(403, 50001).await));
        assert!(!may_be_the_picture(&refusal(404, 10003).await));
        assert!(!may_be_the_picture(&refusal(502, 0).await));
    }
}
