//! Renders neutral messages as Discord message JSON (content, embeds, components) in the documented
//! shape and inside Discord's limits by construction.

use crate::chat::{Choice, Feedback, LessonPart, Message, QuestionCard, Verdict};
use crate::content::{Block, is_web_url};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub const CONTENT_MAX: usize = 2000;
const TITLE_MAX: usize = 256;
const DESCRIPTION_MAX: usize = 4096;
const FOOTER_MAX: usize = 1024;
const LABEL_MAX: usize = 80;
const OPTION_LABEL_MAX: usize = 100;
const EMBEDS_MAX: usize = 10;
const BUTTONS_PER_ROW: usize = 5;
const ROWS_MAX: usize = 5;
const LESSON_COLOUR: u32 = 0x2C4A6E;
/// Message flag: only the member who acted sees it.
pub const EPHEMERAL: u64 = 64;

/// Cuts to at most `max` characters, ending with "…" when it had to cut.
pub(crate) fn fit(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

/// A nonce of at most 25 characters derived from the delivery key: the same key, the same nonce.
pub fn nonce_for(dedupe_key: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(dedupe_key.as_bytes());
    let hex: String = digest.iter().take(11).map(|b| format!("{b:02x}")).collect();
    format!("nb{hex}")
}

/// How a lesson's pictures are shown.
#[derive(Debug, Default, Clone)]
pub struct Pictures {
    /// Pictures beside lessons sent with the message as attachments: file → attachment file name.
    pub attached: HashMap<PathBuf, String>,
    /// No embedded pictures (Discord refused the message with them): links and alt texts instead.
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

/// The message body: `content` (if any), `embeds`, `components`. Pictures beside lessons are not
/// attached here, so they show as their alt text (see [`render_message_with`]).
pub fn render_message(message: &Message) -> Value {
    render_message_with(message, &Pictures::default())
}

/// [`render_message`], with attached pictures shown in the embeds as `attachment://name`.
pub fn render_message_with(message: &Message, pictures: &Pictures) -> Value {
    let (content, embeds, components) = match message {
        Message::Text { text } => (fit(text, CONTENT_MAX), vec![], vec![]),
        Message::Lesson(p) => lesson(p, pictures),
        Message::Question(q) => question(q),
        Message::Feedback(f) => (fit(&feedback(f), CONTENT_MAX), vec![], vec![]),
        Message::Menu { text, choices } => (fit(text, CONTENT_MAX), vec![], buttons(choices, 2)),
    };
    let mut body = json!({"embeds": embeds, "components": components});
    if !content.is_empty() {
        body["content"] = json!(content);
    }
    body
}

fn lesson(p: &LessonPart, pictures: &Pictures) -> (String, Vec<Value>, Vec<Value>) {
    let title = if p.parts > 1 {
        format!("{} ({}/{})", p.title, p.part, p.parts)
    } else {
        p.title.clone()
    };
    let mut description = String::new();
    let mut images = Vec::new();
    for block in &p.blocks {
        match block {
            Block::Heading(h) => description.push_str(&format!("**{h}**\n\n")),
            Block::Text(t) => description.push_str(&format!("{t}\n\n")),
            Block::Image { url, alt, file } => match source(url, file.as_deref(), pictures) {
                Some(source) => images.push((source, alt.clone())),
                None => description.push_str(&format!("{}\n\n", picture_as_text(url, alt, file))),
            },
        }
    }
    let mut first = json!({
        "title": fit(&title, TITLE_MAX),
        "description": fit(description.trim_end(), DESCRIPTION_MAX),
        "color": LESSON_COLOUR,
    });
    if p.part == 1 {
        let footer = format!(
            "{} · {} min · 🎯 {}",
            p.course_title, p.minutes, p.objective
        );
        first["footer"] = json!({"text": fit(&footer, FOOTER_MAX)});
    }
    let mut images = images.into_iter();
    if let Some((url, _)) = images.next() {
        first["image"] = json!({"url": url});
    }
    let mut embeds = vec![first];
    // Further pictures get an embed each (at most 10 embeds, 6,000 characters in all).
    for (url, alt) in images.take(EMBEDS_MAX - 1) {
        embeds.push(
            json!({"description": fit(&alt, 200), "image": {"url": url}, "color": LESSON_COLOUR}),
        );
    }
    let content = if p.part == 1 {
        format!("📘 **{}**", fit(&p.course_title, 200))
    } else {
        String::new()
    };
    (content, embeds, vec![])
}

/// Where Discord takes a picture from: its web URL or the message's attachment; None when it is
/// shown as text instead.
fn source(url: &str, file: Option<&Path>, pictures: &Pictures) -> Option<String> {
    if pictures.text_only {
        return None;
    }
    match file {
        Some(path) => pictures
            .attached
            .get(path)
            .map(|name| format!("attachment://{name}")),
        None if is_web_url(url) => Some(url.to_string()),
        None => None,
    }
}

/// A picture that is not shown: a link to it on the web, or what it shows (its alt text).
fn picture_as_text(url: &str, alt: &str, file: &Option<PathBuf>) -> String {
    let alt = alt.replace(['[', ']'], "");
    if file.is_none() && is_web_url(url) {
        format!("🖼 [{}]({url})", fit(&alt, 300))
    } else {
        format!("🖼 {}", fit(&alt, 1000))
    }
}

fn question(q: &QuestionCard) -> (String, Vec<Value>, Vec<Value>) {
    let content = fit(
        &format!("**{}** · {}\n{}", q.label, q.lesson_title, q.prompt),
        CONTENT_MAX,
    );
    let components = match &q.submit_action {
        Some(submit) if q.multi => {
            let options: Vec<Value> = q
                .choices
                .iter()
                .take(25)
                .map(|c| json!({"label": fit(&c.label, OPTION_LABEL_MAX), "value": c.payload}))
                .collect();
            let n = options.len();
            vec![json!({"type": 1, "components": [{
                "type": 3, "custom_id": submit, "options": options,
                "placeholder": "Pick every right answer", "min_values": 1, "max_values": n
            }]})]
        }
        _ => buttons(&q.choices, 1),
    };
    (content, vec![], components)
}

/// Action rows of buttons (5 per row, at most 5 rows) in a style (1 primary, 2 secondary).
fn buttons(choices: &[Choice], style: u8) -> Vec<Value> {
    choices
        .chunks(BUTTONS_PER_ROW)
        .take(ROWS_MAX)
        .map(|row| {
            let buttons: Vec<Value> = row
                .iter()
                .map(|c| json!({"type": 2, "style": style, "label": fit(&c.label, LABEL_MAX), "custom_id": c.payload}))
                .collect();
            json!({"type": 1, "components": buttons})
        })
        .collect()
}

fn feedback(f: &Feedback) -> String {
    let head = match f.verdict {
        Verdict::Correct => "✅ **Correct!**".to_string(),
        Verdict::Incorrect => format!("❌ **Not quite.** The answer: {}", f.right.join(" + ")),
        Verdict::Recorded => "🗳 **Thanks, your answer is recorded.**".to_string(),
        Verdict::AlreadyAnswered => format!("↩ **You already answered:** {}", f.chosen.join(" + ")),
    };
    let mut out = format!("{}\n{head}", f.prompt);
    if f.points > 0 {
        out.push_str(&format!("  +{} points", f.points));
    }
    if f.verdict != Verdict::AlreadyAnswered && !f.chosen.is_empty() {
        out.push_str(&format!("\nYour answer: {}", f.chosen.join(" + ")));
    }
    for e in &f.explanations {
        out.push_str(&format!("\n> {}", e.replace('\n', "\n> ")));
    }
    if let Some(note) = &f.note {
        out.push_str(&format!("\n🏁 {note}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonces_are_short_and_stable() {
        assert_eq!(nonce_for("d1:m0"), nonce_for("d1:m0"));
        assert_ne!(nonce_for("d1:m0"), nonce_for("d1:m1"));
        assert!(nonce_for("a very long dedupe key indeed: d123456789:m12").len() <= 25);
    }

    #[test]
    fn pictures_show_from_the_web_an_attachment_or_as_text() {
        let message = Message::Lesson(LessonPart {
            lesson_id: "l".into(),
            course_title: "C".into(),
            title: "T".into(),
            objective: "O".into(),
            minutes: 3,
            part: 1,
            parts: 1,
            blocks: vec![
                Block::Text("Read this.".into()),
                Block::Image {
                    url: "images/b.png".into(),
                    alt: "A local chart".into(),
                    file: Some("/c/images/b.png".into()),
                },
                Block::Image {
                    url: "https://example.org/a.png".into(),
                    alt: "A web chart".into(),
                    file: None,
                },
            ],
        });
        let mut pictures = Pictures::default();
        pictures
            .attached
            .insert("/c/images/b.png".into(), "b.png".into());
        let shown = render_message_with(&message, &pictures);
        assert_eq!(shown["embeds"][0]["image"]["url"], "attachment://b.png");
        assert_eq!(
            shown["embeds"][1]["image"]["url"],
            "https://example.org/a.png"
        );

        let unattached = render_message(&message);
        let description = unattached["embeds"][0]["description"]
            .as_str()
            .unwrap_or("");
        assert!(description.contains("🖼 A local chart"), "{description}");
        assert_eq!(
            unattached["embeds"][0]["image"]["url"],
            "https://example.org/a.png"
        );

        let text_only = render_message_with(&message, &Pictures::text_only());
        assert_eq!(text_only["embeds"].as_array().map(Vec::len), Some(1));
        let description = text_only["embeds"][0]["description"].as_str().unwrap_or("");
        assert!(description.contains("🖼 [A web chart](https://example.org/a.png)"));
        assert!(text_only["embeds"][0].get("image").is_none());
    }

    #[test]
    fn long_text_fits_the_content_limit() {
        let body = render_message(&Message::text("x".repeat(5000)));
        assert_eq!(
            body["content"].as_str().map(|s| s.chars().count()),
            Some(CONTENT_MAX)
        );
    }
}
