//! How a lesson's pictures show on Slack: from the web (`image_url`, fetched by Slack as the
//! message is posted), from an uploaded file (`slack_file`), or as text when they cannot be shown.

use super::mrkdwn::{ALT_TEXT_MAX, fit};
use crate::content::is_web_url;
use slack_morphism::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// How a lesson's pictures are shown.
#[derive(Debug, Default, Clone)]
pub struct Pictures {
    /// Slack file ids of the pictures beside lessons that are uploaded to this workspace, by file.
    pub uploaded: HashMap<PathBuf, String>,
    /// No image blocks at all (Slack refused one): a web picture becomes a link, a file its alt text.
    pub text_only: bool,
}

impl Pictures {
    pub fn text_only() -> Self {
        Self {
            text_only: true,
            ..Self::default()
        }
    }
}

/// Where Slack takes a picture from: its web URL (Slack fetches it when the message is posted) or
/// the uploaded file; None when it is shown as text instead.
pub(super) fn source(
    url: &str,
    file: Option<&Path>,
    pictures: &Pictures,
) -> Option<SlackImageUrlOrFile> {
    if pictures.text_only {
        return None;
    }
    match file {
        Some(path) => pictures
            .uploaded
            .get(path)
            .map(|id| SlackImageUrlOrFile::SlackFile {
                slack_file: SlackFileIdOrUrl::Id {
                    id: id.clone().into(),
                },
            }),
        None if is_web_url(url) => url
            .parse()
            .ok()
            .map(|image_url| SlackImageUrlOrFile::ImageUrl { image_url }),
        None => None,
    }
}

/// A picture that is not shown: a link to it on the web, or what it shows (its alt text).
pub(super) fn picture_as_text(url: &str, alt: &str, file: &Option<PathBuf>) -> String {
    let alt = alt.replace(['[', ']'], "");
    if file.is_none() && is_web_url(url) {
        format!("🖼 [{}]({url})", fit(&alt, 300))
    } else {
        format!("🖼 {}", fit(&alt, ALT_TEXT_MAX))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chat::{LessonPart, Message};
    use crate::content::Block;
    use crate::slack::render::{render, render_with};

    fn part(blocks: Vec<Block>) -> Message {
        Message::Lesson(LessonPart {
            lesson_id: "l".into(),
            course_title: "C".into(),
            title: "T".into(),
            objective: "O".into(),
            minutes: 3,
            part: 2,
            parts: 2,
            blocks,
        })
    }

    fn json(content: &SlackMessageContent) -> serde_json::Value {
        serde_json::to_value(content).unwrap_or_default()
    }

    #[test]
    fn pictures_show_from_the_web_or_an_uploaded_file_or_as_text() {
        let web = Block::Image {
            url: "https://example.org/a.png".into(),
            alt: "A web chart".into(),
            file: None,
        };
        let local = Block::Image {
            url: "images/b.png".into(),
            alt: "A local chart".into(),
            file: Some("/c/images/b.png".into()),
        };
        let message = part(vec![web, local]);
        let mut pictures = Pictures::default();
        pictures
            .uploaded
            .insert("/c/images/b.png".into(), "F123".into());
        let shown = json(&render_with(&message, &pictures));
        assert_eq!(shown["blocks"][1]["image_url"], "https://example.org/a.png");
        assert_eq!(
            shown["blocks"][2]["slack_file"],
            serde_json::json!({"id": "F123"})
        );
        assert_eq!(shown["blocks"][2]["alt_text"], "A local chart");

        let not_uploaded = json(&render(&message));
        assert_eq!(not_uploaded["blocks"][1]["type"], "image");
        assert!(
            not_uploaded["blocks"][2]["text"]["text"]
                .as_str()
                .is_some_and(|t| t.contains("🖼 A local chart"))
        );

        let text_only = json(&render_with(&message, &Pictures::text_only()));
        let blocks = text_only["blocks"].as_array().cloned().unwrap_or_default();
        assert!(blocks.iter().all(|b| b["type"] != "image"), "{blocks:?}");
        let text = blocks[1]["text"]["text"].as_str().unwrap_or_default();
        assert!(
            text.contains("<https://example.org/a.png|A web chart>"),
            "{text}"
        );
        assert!(text.contains("🖼 A local chart"), "{text}");
    }
}
