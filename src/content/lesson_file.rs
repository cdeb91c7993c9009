//! Parses one lesson file (`+++` TOML front matter, then a Markdown body) and validates it.

use super::images::resolve as resolve_image;
use super::markdown::{BodyParse, parse_body};
use super::parts::{MAX_PARTS, PART_MAX_CHARS, split_into_parts};
use super::problem::line_of;
use super::questions::{build_question, check_text};
use super::{Block, Lesson, Problem, content_hash, is_valid_id};
use serde::Deserialize;
use std::collections::HashSet;
use std::path::Path;
use toml::Spanned;

pub const MAX_TITLE: usize = 150;
pub const MAX_OBJECTIVE: usize = 300;
pub const MAX_PROMPT: usize = 1000;
pub const MAX_OPTION_TEXT: usize = 75;
pub const MAX_EXPLAIN: usize = 1000;
pub const MAX_OPTIONS: usize = 10;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLesson {
    id: Spanned<String>,
    title: Spanned<String>,
    objective: Spanned<String>,
    minutes: Spanned<i64>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    questions: Vec<Spanned<RawQuestion>>,
    /// A discussion prompt posted with the lesson in a channel, opening a "discuss this" thread.
    discuss: Option<Spanned<String>>,
    /// A reply in the lesson's discussion thread completes the lesson (a reflection as assessment).
    reflection: Option<Spanned<bool>>,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub(super) enum RawKind {
    Single,
    Multiple,
    TrueFalse,
    Poll,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawQuestion {
    pub(super) id: Spanned<String>,
    pub(super) kind: RawKind,
    pub(super) prompt: Spanned<String>,
    pub(super) explain: Option<Spanned<String>>,
    pub(super) answer: Option<Spanned<bool>>,
    #[serde(default)]
    pub(super) options: Vec<Spanned<RawOption>>,
    /// Diagnostic questions only: the lesson whose objective the question tests.
    pub(super) covers: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawOption {
    pub(super) text: Spanned<String>,
    #[serde(default)]
    pub(super) correct: bool,
    pub(super) explain: Option<Spanned<String>>,
}

/// A lesson that parsed, with what the catalog still has to check across files.
pub struct ParsedLesson {
    pub lesson: Lesson,
    pub id_line: usize,
    /// `lesson:<id>` links in the body, with their lines.
    pub lesson_links: Vec<(String, usize)>,
}

/// Validates the file's text; every problem found is pushed, and a lesson is returned only if none was.
pub fn parse_lesson_file(
    path: &Path,
    course_id: &str,
    text: &str,
    problems: &mut Vec<Problem>,
) -> Option<ParsedLesson> {
    let before = problems.len();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Some((fm_start, fm, body_start)) = split_front_matter(text) else {
        problems.push(Problem::new(
            path,
            1,
            "missing front matter: the file must start with a `+++` line and close it with another",
        ));
        return None;
    };
    let at = |offset: usize| line_of(text, fm_start + offset);
    let raw: RawLesson = match toml::from_str(fm) {
        Ok(raw) => raw,
        Err(e) => {
            let line = e.span().map(|s| at(s.start)).unwrap_or(2);
            problems.push(Problem::new(path, line, e.message().trim().to_string()));
            return None;
        }
    };
    let mut check = |ok: bool, offset: usize, msg: String| {
        if !ok {
            problems.push(Problem::new(path, at(offset), msg));
        }
    };
    let id = raw.id.get_ref();
    check(
        is_valid_id(id, 40),
        raw.id.span().start,
        format!("invalid lesson id `{id}`: use 1-40 lowercase letters, digits and '-'"),
    );
    check_text(&mut check, "title", &raw.title, MAX_TITLE);
    check_text(&mut check, "objective", &raw.objective, MAX_OBJECTIVE);
    let minutes = *raw.minutes.get_ref();
    check(
        (1..=10).contains(&minutes),
        raw.minutes.span().start,
        format!("minutes must be between 1 and 10 (a bite-sized read), found {minutes}"),
    );
    if let Some(discuss) = &raw.discuss {
        check_text(&mut check, "discuss", discuss, MAX_PROMPT);
    }
    let reflection = raw.reflection.as_ref().is_some_and(|r| *r.get_ref());
    check(
        !reflection || raw.discuss.is_some(),
        raw.reflection.as_ref().map_or(0, |r| r.span().start),
        "`reflection = true` needs a `discuss` prompt: learners reflect by replying in its thread"
            .into(),
    );
    check(
        !raw.questions.is_empty() || reflection,
        0,
        "a lesson needs at least one quiz question ([[questions]]) or a reflection (`discuss` with `reflection = true`)".into(),
    );
    let mut seen = HashSet::new();
    let mut questions = Vec::new();
    for q in &raw.questions {
        let qid = q.get_ref().id.get_ref();
        check(
            seen.insert(qid.clone()),
            q.get_ref().id.span().start,
            format!("duplicate question id `{qid}` in this lesson"),
        );
        if let Some(c) = &q.get_ref().covers {
            check(
                false,
                c.span().start,
                "`covers` is for diagnostic questions: put them in the course's diagnostic.toml"
                    .into(),
            );
        }
        questions.push(build_question(q.get_ref(), &mut check));
    }

    let body_text = &text[body_start..];
    let BodyParse {
        mut blocks,
        lesson_links,
        local_images,
        problems: body_problems,
    } = parse_body(body_text);
    let body_line = |offset: usize| line_of(text, body_start + offset);
    for (offset, msg) in body_problems {
        problems.push(Problem::new(path, body_line(offset), msg));
    }
    // Pictures beside the lesson live in its course folder (the lesson file's own folder).
    let course_dir = path.parent().unwrap_or(Path::new("."));
    for image in local_images {
        match resolve_image(course_dir, &image.path) {
            Ok(file) => {
                if let Some(Block::Image { file: slot, .. }) = blocks.get_mut(image.block) {
                    *slot = Some(file);
                }
            }
            Err(msg) => problems.push(Problem::new(path, body_line(image.at), msg)),
        }
    }
    if blocks.is_empty() {
        problems.push(Problem::new(path, body_line(0), "the lesson body is empty"));
    }
    match split_into_parts(&blocks) {
        Ok(parts) if parts.len() > MAX_PARTS => problems.push(Problem::new(
            path,
            body_line(0),
            format!(
                "lesson too long: it needs {} messages after splitting, at most {MAX_PARTS} are allowed",
                parts.len()
            ),
        )),
        Ok(_) => {}
        Err(word) => problems.push(Problem::new(
            path,
            body_line(body_text.find(&word).unwrap_or(0)),
            format!(
                "a single word or URL of {} characters cannot be split to fit a message ({PART_MAX_CHARS} max)",
                word.chars().count()
            ),
        )),
    }
    if problems.len() > before {
        return None;
    }
    Some(ParsedLesson {
        id_line: at(raw.id.span().start),
        lesson_links: lesson_links
            .into_iter()
            .map(|(id, offset)| (id, body_line(offset)))
            .collect(),
        lesson: Lesson {
            id: id.clone(),
            course_id: course_id.to_string(),
            title: raw.title.into_inner().trim().to_string(),
            objective: raw.objective.into_inner().trim().to_string(),
            minutes: minutes as u32,
            tags: raw.tags,
            blocks,
            questions,
            discuss: raw.discuss.map(|d| d.into_inner().trim().to_string()),
            reflection,
            content_hash: content_hash(text.as_bytes()),
            source: path.to_path_buf(),
        },
    })
}

/// Returns (offset of the TOML text, the TOML text, offset of the body).
fn split_front_matter(text: &str) -> Option<(usize, &str, usize)> {
    let rest = text
        .strip_prefix("+++\n")
        .or_else(|| text.strip_prefix("+++\r\n"))?;
    let fm_start = text.len() - rest.len();
    let mut offset = fm_start;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "+++" {
            return Some((fm_start, &text[fm_start..offset], offset + line.len()));
        }
        offset += line.len();
    }
    None
}
