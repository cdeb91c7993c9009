//! Parses a course's optional `diagnostic.toml`: quiz questions that each test one lesson's objective,
//! so a learner who already masters a lesson can skip it.

use super::lesson_file::RawQuestion;
use super::problem::line_of;
use super::questions::{build_question, check_text};
use super::{Block, Course, Lesson, Problem, content_hash};
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDiagnostic {
    intro: Option<Spanned<String>>,
    #[serde(default)]
    questions: Vec<Spanned<RawQuestion>>,
}

/// A course's diagnostic quiz: sent like a lesson (its own id, never part of the course's order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub course_id: String,
    pub lesson: Lesson,
    /// Question id → the lesson it tests.
    pub covers: HashMap<String, String>,
}

/// The id a course's diagnostic is delivered under (`:` never appears in lesson ids).
pub fn diagnostic_id(course_id: &str) -> String {
    format!("diagnostic:{course_id}")
}

const DEFAULT_INTRO: &str = "A few questions to see what you know already. Every lesson whose \
questions you all answer right is skipped, so your lessons start where you need them.";

/// Validates the file against its course; every problem is pushed, a diagnostic returned only if
/// none was.
pub fn parse_diagnostic_file(
    path: &Path,
    course: &Course,
    text: &str,
    problems: &mut Vec<Problem>,
) -> Option<Diagnostic> {
    let before = problems.len();
    let raw: RawDiagnostic = match toml::from_str(text) {
        Ok(raw) => raw,
        Err(e) => {
            let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(1);
            problems.push(Problem::new(path, line, e.message().trim().to_string()));
            return None;
        }
    };
    let mut check = |ok: bool, offset: usize, msg: String| {
        if !ok {
            problems.push(Problem::new(path, line_of(text, offset), msg));
        }
    };
    if let Some(intro) = &raw.intro {
        check_text(&mut check, "intro", intro, 1000);
    }
    check(
        !raw.questions.is_empty(),
        0,
        "a diagnostic needs at least one question ([[questions]])".into(),
    );
    let mut seen = HashSet::new();
    let mut covers = HashMap::new();
    let mut questions = Vec::new();
    for q in &raw.questions {
        let q = q.get_ref();
        let qid = q.id.get_ref();
        let at = q.id.span().start;
        check(
            seen.insert(qid.clone()),
            at,
            format!("duplicate question id `{qid}` in this diagnostic"),
        );
        let question = build_question(q, &mut check);
        check(
            question.kind.has_right_answer(),
            at,
            format!("question `{qid}`: a diagnostic question needs a right answer (not a poll)"),
        );
        match &q.covers {
            None => check(
                false,
                at,
                format!("question `{qid}` needs `covers = \"<lesson id>\"`: the lesson it tests"),
            ),
            Some(lesson) => {
                let id = lesson.get_ref();
                check(
                    course.lesson_ids.contains(id),
                    lesson.span().start,
                    format!(
                        "`covers = \"{id}\"` is not a lesson of course `{}`",
                        course.id
                    ),
                );
                covers.insert(qid.clone(), id.clone());
            }
        }
        questions.push(question);
    }
    if problems.len() > before {
        return None;
    }
    let intro = raw.intro.map_or(DEFAULT_INTRO.to_string(), |i| {
        i.into_inner().trim().to_string()
    });
    Some(Diagnostic {
        course_id: course.id.clone(),
        covers,
        lesson: Lesson {
            id: diagnostic_id(&course.id),
            course_id: course.id.clone(),
            title: format!("{}: what do you know already?", course.title),
            objective: "Find out which lessons you can skip.".into(),
            minutes: 2,
            tags: Vec::new(),
            blocks: vec![Block::Text(intro)],
            questions,
            discuss: None,
            reflection: false,
            content_hash: content_hash(text.as_bytes()),
            source: path.to_path_buf(),
        },
    })
}
