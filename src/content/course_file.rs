//! Parses a course's `course.toml` (title, description, tags, lesson order).

use super::problem::line_of;
use super::{Course, Problem};
use serde::Deserialize;
use std::path::Path;
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCourse {
    title: Spanned<String>,
    description: Spanned<String>,
    #[serde(default)]
    tags: Vec<String>,
    lessons: Vec<Spanned<String>>,
}

/// A parsed course with the line of each listed lesson id (for cross-file problems).
pub struct ParsedCourse {
    pub course: Course,
    pub lesson_lines: Vec<usize>,
}

pub fn parse_course_file(
    path: &Path,
    course_id: &str,
    text: &str,
    problems: &mut Vec<Problem>,
) -> Option<ParsedCourse> {
    let raw: RawCourse = match toml::from_str(text) {
        Ok(raw) => raw,
        Err(e) => {
            let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(1);
            problems.push(Problem::new(path, line, e.message().trim().to_string()));
            return None;
        }
    };
    let before = problems.len();
    for (key, value, max) in [
        ("title", &raw.title, 150),
        ("description", &raw.description, 500),
    ] {
        let len = value.get_ref().trim().chars().count();
        if len == 0 || len > max {
            problems.push(Problem::new(
                path,
                line_of(text, value.span().start),
                format!("`{key}` must be 1 to {max} characters, found {len}"),
            ));
        }
    }
    if raw.lessons.is_empty() {
        problems.push(Problem::new(path, 1, "`lessons` lists no lesson ids"));
    }
    let mut listed = std::collections::HashSet::new();
    for id in &raw.lessons {
        if !listed.insert(id.get_ref()) {
            problems.push(Problem::new(
                path,
                line_of(text, id.span().start),
                format!("lesson `{}` is listed twice", id.get_ref()),
            ));
        }
    }
    if problems.len() > before {
        return None;
    }
    Some(ParsedCourse {
        lesson_lines: raw
            .lessons
            .iter()
            .map(|l| line_of(text, l.span().start))
            .collect(),
        course: Course {
            id: course_id.to_string(),
            title: raw.title.into_inner().trim().to_string(),
            description: raw.description.into_inner().trim().to_string(),
            tags: raw.tags,
            lesson_ids: raw.lessons.into_iter().map(Spanned::into_inner).collect(),
            prompts: Vec::new(),
        },
    })
}
