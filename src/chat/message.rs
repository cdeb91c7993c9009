//! The neutral outgoing message model, rendered by each adapter into its platform's format.

use crate::content::Block;
use serde::{Deserialize, Serialize};

/// Where a message goes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "to", rename_all = "snake_case")]
pub enum Destination {
    /// A channel, visible to its members.
    Channel { channel: String },
    /// A direct message to one member (the adapter opens the DM channel).
    Member { user: String },
    /// A reply in a thread under a message.
    Thread { channel: String, thread: String },
    /// A conversation with several members (Slack: a group DM; elsewhere: a DM to each).
    Group { users: Vec<String> },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Message {
    /// Light-Markdown text (`**bold**`, `_italic_`, `` `code` ``, `[label](url)`, bullets).
    Text {
        text: String,
    },
    Lesson(LessonPart),
    Question(QuestionCard),
    Feedback(Feedback),
    /// Text with a row of buttons (e.g. search results, each sending its lesson).
    Menu {
        text: String,
        choices: Vec<Choice>,
    },
}

impl Message {
    pub fn text(text: impl Into<String>) -> Self {
        Message::Text { text: text.into() }
    }

    /// The lesson a lesson part belongs to ("" for any other message), for logs.
    pub fn lesson_id(&self) -> &str {
        match self {
            Message::Lesson(part) => &part.lesson_id,
            _ => "",
        }
    }

    /// The pictures beside the lesson this message shows (file, alt text), in order.
    pub fn local_pictures(&self) -> Vec<(&std::path::Path, &str)> {
        let Message::Lesson(part) = self else {
            return Vec::new();
        };
        part.blocks
            .iter()
            .filter_map(|b| match b {
                crate::content::Block::Image {
                    file: Some(file),
                    alt,
                    ..
                } => Some((file.as_path(), alt.as_str())),
                _ => None,
            })
            .collect()
    }
}

/// One message-sized part of a lesson (see `content::split_into_parts`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LessonPart {
    pub lesson_id: String,
    pub course_title: String,
    pub title: String,
    pub objective: String,
    pub minutes: u32,
    /// 1-based part number and the total, e.g. 2 of 3.
    pub part: u32,
    pub parts: u32,
    pub blocks: Vec<Block>,
}

/// A quiz question with one-tap choices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionCard {
    pub lesson_title: String,
    /// e.g. "Question 1 of 2"
    pub label: String,
    pub prompt: String,
    /// Several choices may be ticked, then submitted with `submit_action`.
    pub multi: bool,
    pub choices: Vec<Choice>,
    /// For a multiple-select question: the action id the ticked values are submitted under.
    pub submit_action: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub label: String,
    /// Opaque payload of at most 100 characters (a button's custom_id / value).
    pub payload: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Correct,
    Incorrect,
    /// A poll answer (no right answer).
    Recorded,
    /// A second click: the first answer stands.
    AlreadyAnswered,
}

/// The result shown after answering, replacing the question's buttons.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Feedback {
    pub prompt: String,
    pub verdict: Verdict,
    /// Labels of what the member chose.
    pub chosen: Vec<String>,
    /// Labels of the right options (empty for a poll).
    pub right: Vec<String>,
    /// Explanations to show, in Markdown.
    pub explanations: Vec<String>,
    /// Points this answer earned (0 when none).
    pub points: i64,
    /// e.g. "Lesson complete: +10 points" when this answer finished the lesson.
    pub note: Option<String>,
}
