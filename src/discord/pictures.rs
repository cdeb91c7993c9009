//! Pictures beside lessons on Discord: sent with the message as its attachment (multipart:
//! `payload_json` + `files[0]`, the embed showing `attachment://name`), with a text fallback.

use super::render::{Pictures, render_message_with};
use super::{DiscordPlatform, send_error};
use crate::chat::{Message, SendError};
use crate::content::{Block, ImageKind, image_file_name};
use serde_json::{Value, json};
use serenity::builder::CreateAttachment;
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

fn lesson_of(message: &Message) -> &str {
    match message {
        Message::Lesson(part) => &part.lesson_id,
        _ => "",
    }
}

/// Reads the first picture beside the lesson in the message (a part holds at most one; serenity
/// numbers every raw attachment `files[0]`). One that cannot be read shows as its alt text.
pub(super) async fn attach(message: &Message) -> Attached {
    let mut attached = Attached {
        pictures: Pictures::default(),
        file: None,
        entry: None,
    };
    let Message::Lesson(part) = message else {
        return attached;
    };
    let Some((path, alt)) = part.blocks.iter().find_map(|b| match b {
        Block::Image {
            file: Some(file),
            alt,
            ..
        } => Some((file, alt)),
        _ => None,
    }) else {
        return attached;
    };
    let bytes = match tokio::fs::read(path).await {
        Ok(bytes) if ImageKind::of(&bytes).is_some() => bytes,
        Ok(_) | Err(_) => {
            tracing::warn!(lesson = %part.lesson_id, image = %path.display(), "a lesson picture cannot be read as a picture: shown as its alt text on Discord");
            return attached;
        }
    };
    let name = image_file_name(path);
    let description: String = alt.chars().take(DESCRIPTION_MAX).collect();
    attached.entry = Some(json!([{"id": "0", "filename": name, "description": description}]));
    attached.file = Some(CreateAttachment::bytes(bytes, name.clone()));
    attached.pictures.attached.insert(path.clone(), name);
    attached
}

impl DiscordPlatform {
    /// Posts `body` (rendered with `attached.pictures`) with its attachment. If Discord refuses it
    /// for good while it carries pictures, posts it again with links and alt texts instead, so the
    /// lesson's text always arrives.
    pub(super) async fn post_with_pictures(
        &self,
        channel: ChannelId,
        message: &Message,
        attached: &Attached,
        mut body: Value,
    ) -> Result<DiscordMessage, SendError> {
        if let Some(entry) = &attached.entry {
            body["attachments"] = entry.clone();
        }
        let files: Vec<CreateAttachment> = attached.file.iter().cloned().collect();
        let first = self.http.send_message(channel, files, &body).await;
        let has_pictures = body["embeds"]
            .as_array()
            .is_some_and(|e| e.iter().any(|e| e.get("image").is_some()));
        match first.map_err(send_error) {
            Err(SendError::Permanent(why)) if has_pictures => {
                tracing::warn!(lesson = lesson_of(message), error = %why, "Discord refused a lesson picture: the part is sent with a link or the alt text instead");
                let plain = render_message_with(message, &Pictures::text_only());
                body["embeds"] = plain["embeds"].clone();
                if let Some(fields) = body.as_object_mut() {
                    fields.remove("attachments");
                }
                self.pacer.wait().await;
                self.http
                    .send_message(channel, Vec::new(), &body)
                    .await
                    .map_err(send_error)
            }
            other => other,
        }
    }
}
