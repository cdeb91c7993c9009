//! Parses one lesson file (`+++` TOML front matter, then a Markdown body) and validates it.

use super::markdown::{BodyParse, parse_body};
use super::parts::{MAX_PARTS, PART_MAX_CHARS, split_into_parts};
use super::problem::line_of;
use super::{Lesson, Problem, Question, QuestionKind, QuizOption, content_hash, is_valid_id};
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
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum RawKind {
    Single,
    Multiple,
    TrueFalse,
    Poll,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    id: Spanned<String>,
    kind: RawKind,
    prompt: Spanned<String>,
    explain: Option<Spanned<String>>,
    answer: Option<Spanned<bool>>,
    #[serde(default)]
    options: Vec<Spanned<RawOption>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOption {
    text: Spanned<String>,
    #[serde(default)]
    correct: bool,
    explain: Option<Spanned<String>>,
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
    check(
        !raw.questions.is_empty(),
        0,
        "a lesson needs at least one quiz question ([[questions]])".into(),
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
        questions.push(build_question(q.get_ref(), &mut check));
    }

    let body_text = &text[body_start..];
    let BodyParse {
        blocks,
        lesson_links,
        problems: body_problems,
    } = parse_body(body_text);
    let body_line = |offset: usize| line_of(text, body_start + offset);
    for (offset, msg) in body_problems {
        problems.push(Problem::new(path, body_line(offset), msg));
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
            title: raw.title.into_inner(),
            objective: raw.objective.into_inner(),
            minutes: minutes as u32,
            tags: raw.tags,
            blocks,
            questions,
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

fn check_text(
    check: &mut impl FnMut(bool, usize, String),
    key: &str,
    value: &Spanned<String>,
    max: usize,
) {
    let len = value.get_ref().trim().chars().count();
    check(len > 0, value.span().start, format!("`{key}` is empty"));
    check(
        len <= max,
        value.span().start,
        format!("`{key}` is {len} characters long, the limit is {max}"),
    );
}

fn build_question(q: &RawQuestion, check: &mut impl FnMut(bool, usize, String)) -> Question {
    let id = q.id.get_ref();
    let at = q.id.span().start;
    check(
        is_valid_id(id, 20),
        at,
        format!("invalid question id `{id}`: use 1-20 lowercase letters, digits and '-'"),
    );
    check_text(check, "prompt", &q.prompt, MAX_PROMPT);
    if let Some(explain) = &q.explain {
        check_text(check, "explain", explain, MAX_EXPLAIN);
    }
    let kind = match q.kind {
        RawKind::Single => QuestionKind::Single,
        RawKind::Multiple => QuestionKind::Multiple,
        RawKind::TrueFalse => QuestionKind::TrueFalse,
        RawKind::Poll => QuestionKind::Poll,
    };
    let options = if kind == QuestionKind::TrueFalse {
        check(
            q.options.is_empty(),
            at,
            format!("question `{id}`: a true_false question takes `answer`, not options"),
        );
        check(
            q.answer.is_some(),
            at,
            format!(
                "question `{id}`: a true_false question needs `answer = true` or `answer = false`"
            ),
        );
        let answer = q.answer.as_ref().is_some_and(|a| *a.get_ref());
        [("True", answer), ("False", !answer)]
            .into_iter()
            .map(|(text, correct)| QuizOption {
                text: text.into(),
                correct,
                explain: None,
            })
            .collect()
    } else {
        check(
            q.answer.is_none(),
            at,
            format!(
                "question `{id}`: `answer` is only for true_false questions; mark options with `correct = true`"
            ),
        );
        build_options(id, at, kind, &q.options, check)
    };
    Question {
        id: id.clone(),
        kind,
        prompt: q.prompt.get_ref().trim().to_string(),
        explain: q.explain.as_ref().map(|e| e.get_ref().trim().to_string()),
        options,
    }
}

fn build_options(
    id: &str,
    at: usize,
    kind: QuestionKind,
    raw: &[Spanned<RawOption>],
    check: &mut impl FnMut(bool, usize, String),
) -> Vec<QuizOption> {
    check(
        (2..=MAX_OPTIONS).contains(&raw.len()),
        at,
        format!(
            "question `{id}` has {} options, it needs 2 to {MAX_OPTIONS}",
            raw.len()
        ),
    );
    let correct = raw.iter().filter(|o| o.get_ref().correct).count();
    match kind {
        QuestionKind::Single => check(
            correct == 1,
            at,
            format!(
                "question `{id}`: a single-choice question needs exactly one option with `correct = true`, found {correct}"
            ),
        ),
        QuestionKind::Multiple => check(
            correct >= 1,
            at,
            format!(
                "question `{id}` has no correct option: mark at least one with `correct = true`"
            ),
        ),
        _ => check(
            correct == 0,
            at,
            format!("question `{id}`: a poll has no right answer, remove `correct = true`"),
        ),
    }
    let mut texts = HashSet::new();
    raw.iter()
        .map(|o| {
            let o = o.get_ref();
            check_text(check, "text", &o.text, MAX_OPTION_TEXT);
            let text = o.text.get_ref().trim().to_string();
            check(
                texts.insert(text.clone()),
                o.text.span().start,
                format!("question `{id}`: option `{text}` appears twice"),
            );
            if let Some(explain) = &o.explain {
                check_text(check, "explain", explain, MAX_EXPLAIN);
            }
            QuizOption {
                text,
                correct: o.correct,
                explain: o.explain.as_ref().map(|e| e.get_ref().trim().to_string()),
            }
        })
        .collect()
}
