//! Pictures beside lessons on Slack: each is uploaded once per workspace, ever
//! (files.getUploadURLExternal → the bytes to the returned URL → files.completeUploadExternal),
//! remembered by content hash, and shown as a `slack_file` image block.

use super::pictures::Pictures;
use super::{SlackPlatform, send_error};
use crate::chat::{Message, SendError};
use crate::content::{Block, ImageKind, image_file_name};
use crate::store::Store;
use slack_morphism::errors::SlackClientError;
use slack_morphism::prelude::*;
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::OnceLock;

/// Slack's limit for an upload's `alt_txt` (`alt_txt_too_large` above it).
const ALT_TXT_MAX: usize = 1000;

/// Where uploads are remembered, given by the dispatcher (see `ChatPlatform::attach_store`).
#[derive(Default)]
pub(super) struct Uploads {
    store: OnceLock<Store>,
    /// Held from looking a picture up to remembering its upload: deliveries sent side by side
    /// (the dispatcher sends several destinations at once) upload a shared picture only once.
    one_at_a_time: tokio::sync::Mutex<()>,
}

impl Uploads {
    pub(super) fn attach(&self, store: &Store) {
        let _ = self.store.set(store.clone());
    }
}

/// The pictures a message shows, and which of them were uploaded by this very send.
pub(super) struct Prepared {
    pub pictures: Pictures,
    /// Uploaded now: Slack may still be processing them, so a refusal does not forget them.
    fresh: HashSet<PathBuf>,
}

/// Did Slack refuse the message because of a picture it could not show?
pub(super) fn refused_a_picture(error: &SlackClientError, message: &Message) -> bool {
    let has_picture = matches!(message, Message::Lesson(p) if p.blocks.iter().any(|b| matches!(b, Block::Image { .. })));
    has_picture && matches!(error, SlackClientError::ApiError(api) if api.code == "invalid_blocks")
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl SlackPlatform {
    /// Slack file ids for the message's pictures beside the lesson, uploading those this workspace
    /// lacks. A picture that cannot be read or is refused for good is left out (shown as its alt
    /// text); a transient failure fails the send before anything is posted, so it is retried.
    pub(super) async fn prepare_pictures(
        &self,
        tenant: &str,
        message: &Message,
    ) -> Result<Prepared, SendError> {
        let mut prepared = Prepared {
            pictures: Pictures::default(),
            fresh: HashSet::new(),
        };
        let store = self.uploads.store.get();
        for (path, alt) in message.local_pictures() {
            if prepared.pictures.uploaded.contains_key(path) {
                continue;
            }
            let warn = |why: &str| {
                tracing::warn!(lesson = message.lesson_id(), image = %path.display(), reason = why, "a lesson picture is shown as its alt text on Slack");
            };
            let bytes = match tokio::fs::read(path).await {
                Ok(bytes) => bytes,
                Err(e) => {
                    warn(&format!("cannot read it: {e}"));
                    continue;
                }
            };
            let Some(kind) = ImageKind::of(&bytes) else {
                warn("it is no longer a PNG, JPEG or GIF picture");
                continue;
            };
            let hash = sha256_hex(&bytes);
            let _turn = self.uploads.one_at_a_time.lock().await;
            let known = match store {
                Some(store) => store
                    .uploaded_image("slack", tenant, &hash)
                    .await
                    .map_err(|e| SendError::Transient(e.to_string()))?,
                None => None,
            };
            let id = match known {
                Some(id) => id,
                None => match self.upload(&bytes, kind, &image_file_name(path), alt).await {
                    Ok(id) => {
                        if let Some(store) = store {
                            store
                                .remember_uploaded_image(
                                    "slack",
                                    tenant,
                                    &hash,
                                    &id,
                                    chrono::Utc::now(),
                                )
                                .await
                                .map_err(|e| SendError::Transient(e.to_string()))?;
                        }
                        prepared.fresh.insert(path.to_path_buf());
                        id
                    }
                    Err(SendError::Permanent(why)) => {
                        warn(&format!("the upload was refused: {why}"));
                        self.tell_lead(
                            tenant,
                            format!("lesson pictures shown as their alt text: the upload was refused ({why})"),
                        )
                        .await;
                        continue;
                    }
                    Err(other) => return Err(other),
                },
            };
            prepared.pictures.uploaded.insert(path.to_path_buf(), id);
        }
        Ok(prepared)
    }

    /// The three upload steps; returns the completed file's id.
    async fn upload(
        &self,
        bytes: &[u8],
        kind: ImageKind,
        name: &str,
        alt: &str,
    ) -> Result<String, SendError> {
        let session = self.session();
        let alt: String = alt.chars().take(ALT_TXT_MAX).collect();
        let ticket = session
            .get_upload_url_external(
                &SlackApiFilesGetUploadUrlExternalRequest::new(name.to_string(), bytes.len())
                    .with_alt_txt(alt),
            )
            .await
            .map_err(send_error)?;
        session
            .files_upload_via_url(&SlackApiFilesUploadViaUrlRequest::new(
                ticket.upload_url,
                bytes.to_vec(),
                kind.mime().to_string(),
            ))
            .await
            .map_err(send_error)?;
        // Without a channel the file stays private to the bot, which is what the image block needs.
        session
            .files_complete_upload_external(&SlackApiFilesCompleteUploadExternalRequest::new(vec![
                SlackApiFilesComplete::new(ticket.file_id.clone()).with_title(name.to_string()),
            ]))
            .await
            .map_err(send_error)?;
        Ok(ticket.file_id.to_string())
    }

    /// Slack refused a part for its pictures: log which, and forget remembered uploads it used (a
    /// file deleted in the workspace is uploaded again next time; fresh ones may be processing).
    pub(super) async fn picture_refused(
        &self,
        tenant: &str,
        message: &Message,
        prepared: &Prepared,
        error: &SlackClientError,
    ) {
        let images: Vec<String> = match message {
            Message::Lesson(part) => part
                .blocks
                .iter()
                .filter_map(|b| match b {
                    Block::Image { url, .. } => Some(url.clone()),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        let detail = match error {
            SlackClientError::ApiError(api) => format!("{} {:?}", api.code, api.errors),
            other => super::describe(other),
        };
        tracing::warn!(lesson = message.lesson_id(), images = ?images, error = %detail, "Slack could not show a lesson picture: the part is sent with a link or the alt text instead");
        let code = match error {
            SlackClientError::ApiError(api) => api.code.clone(),
            other => super::describe(other),
        };
        self.tell_lead(
            tenant,
            format!("lesson pictures shown as links or alt text: Slack refused them ({code})"),
        )
        .await;
        // A web picture Slack could not download is the likely cause: the uploads stay remembered
        // (forgetting them would upload good pictures again at every send of such a part).
        let has_web_picture = matches!(message, Message::Lesson(p) if p.blocks.iter().any(|b| matches!(b, Block::Image { file: None, .. })));
        let Some(store) = self.uploads.store.get().filter(|_| !has_web_picture) else {
            return;
        };
        for (path, id) in &prepared.pictures.uploaded {
            if !prepared.fresh.contains(path)
                && let Err(e) = store.forget_uploaded_image("slack", tenant, id).await
            {
                tracing::warn!(error = %e, "cannot forget a refused upload");
            }
        }
    }

    /// Lets the next team lead know (see `engine::setup_notices`): the log alone is easy to miss.
    async fn tell_lead(&self, tenant: &str, reason: String) {
        if let Some(store) = self.uploads.store.get()
            && let Err(e) = store
                .record_setup_warning("slack", tenant, &reason, chrono::Utc::now())
                .await
        {
            tracing::warn!(error = %e, "cannot record a setup warning");
        }
    }
}
