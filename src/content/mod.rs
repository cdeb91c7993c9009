//! Lessons and quizzes as files: the in-memory model, parsing, validation and the loaded catalog.

mod catalog;
mod course_file;
mod diagnostic_file;
pub mod embedded;
mod images;
mod lesson_file;
mod markdown;
mod parts;
mod problem;
mod prompts_file;
mod questions;
mod read;
mod reload;
mod search;

pub use catalog::{Catalog, load_catalog};
pub use diagnostic_file::{Diagnostic, diagnostic_id};
pub use images::{ImageKind, MAX_IMAGE_BYTES, file_name as image_file_name, is_web_url};
pub use markdown::to_blocks;
pub use parts::{MAX_PARTS, PART_MAX_CHARS, split_into_parts};
pub use problem::{Problem, Problems, line_of};
pub use reload::ReloadOutcome;
pub use search::SearchIndex;

/// One lesson file read on its own (the cross-file rules need the whole folder): the lesson if it
/// parsed, and every problem found.
pub fn parse_lesson_text(
    path: &std::path::Path,
    course_id: &str,
    text: &str,
) -> (Option<Lesson>, Vec<Problem>) {
    let mut problems = Vec::new();
    let parsed = lesson_file::parse_lesson_file(path, course_id, text, &mut problems);
    (parsed.map(|p| p.lesson), problems)
}

/// One piece of a lesson body, in the neutral form every platform renders.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "type", content = "data", rename_all = "snake_case")]
pub enum Block {
    /// A section heading (plain text).
    Heading(String),
    /// Light Markdown: `**bold**`, `_italic_`, `` `code` ``, `[label](url)`, bullets, quotes.
    Text(String),
    /// A picture or infographic shown inline.
    Image {
        /// An http(s) URL, or the path written in the lesson for a picture beside it.
        url: String,
        alt: String,
        /// A picture beside the lesson: the checked file, read and uploaded when it is sent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        file: Option<std::path::PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuestionKind {
    Single,
    Multiple,
    TrueFalse,
    Poll,
}

impl QuestionKind {
    pub fn has_right_answer(self) -> bool {
        !matches!(self, QuestionKind::Poll)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuizOption {
    pub text: String,
    pub correct: bool,
    pub explain: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub id: String,
    pub kind: QuestionKind,
    pub prompt: String,
    pub explain: Option<String>,
    /// True/false questions are normalised to two options, "True" and "False".
    pub options: Vec<QuizOption>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lesson {
    pub id: String,
    pub course_id: String,
    pub title: String,
    pub objective: String,
    pub minutes: u32,
    pub tags: Vec<String>,
    pub blocks: Vec<Block>,
    pub questions: Vec<Question>,
    /// A discussion prompt posted with the lesson in a channel ("discuss this" thread).
    pub discuss: Option<String>,
    /// A reply in the lesson's discussion thread completes it.
    pub reflection: bool,
    /// SHA-256 of the file's bytes: a new hash is a new version of the lesson.
    pub content_hash: String,
    pub source: std::path::PathBuf,
}

impl Question {
    /// Changes when the question's kind, options or right answers change (not its wording of
    /// explanations): a card posted before such a change must not be graded against the new options.
    pub fn fingerprint(&self) -> String {
        let mut text = format!("{:?}", self.kind);
        for o in &self.options {
            text.push_str(&format!("|{}:{}", o.text, o.correct));
        }
        content_hash(text.as_bytes())
    }
}

impl Lesson {
    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Course {
    pub id: String,
    pub title: String,
    pub description: String,
    pub tags: Vec<String>,
    /// Lesson ids in delivery order.
    pub lesson_ids: Vec<String>,
    /// Discussion prompts from the course's `prompts.toml`, posted in order by prompt schedules.
    pub prompts: Vec<String>,
}

/// Ids are lowercase ASCII letters, digits and '-', not starting or ending with '-'.
pub(crate) fn is_valid_id(id: &str, max: usize) -> bool {
    !id.is_empty()
        && id.len() <= max
        && !id.starts_with('-')
        && !id.ends_with('-')
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

pub(crate) fn content_hash(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(bytes);
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}
