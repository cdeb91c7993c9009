//! Parses a course's optional `prompts.toml`: the discussion prompts its prompt schedules post in order.

use super::Problem;
use super::lesson_file::MAX_PROMPT;
use super::problem::line_of;
use super::questions::check_text;
use serde::Deserialize;
use std::path::Path;
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPrompts {
    prompts: Vec<Spanned<String>>,
}

/// The prompts of the course in `course_dir` (none when it has no `prompts.toml`); every problem
/// is pushed with its line.
pub(super) fn load_prompts(course_dir: &Path, problems: &mut Vec<Problem>) -> Vec<String> {
    let path = course_dir.join("prompts.toml");
    let text = match super::read::read_text(&path) {
        Ok(text) => text,
        Err(super::read::ReadError::NotFound) => return Vec::new(),
        Err(super::read::ReadError::Problem { line, message }) => {
            problems.push(Problem::new(&path, line, format!("prompts file {message}")));
            return Vec::new();
        }
    };
    parse_prompts(&path, &text, problems)
}

fn parse_prompts(path: &Path, text: &str, problems: &mut Vec<Problem>) -> Vec<String> {
    let raw: RawPrompts = match toml::from_str(text) {
        Ok(raw) => raw,
        Err(e) => {
            let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(1);
            problems.push(Problem::new(path, line, e.message().trim().to_string()));
            return Vec::new();
        }
    };
    let before = problems.len();
    let mut check = |ok: bool, offset: usize, msg: String| {
        if !ok {
            problems.push(Problem::new(path, line_of(text, offset), msg));
        }
    };
    check(
        !raw.prompts.is_empty(),
        0,
        "`prompts` is empty: list at least one discussion prompt".into(),
    );
    for p in &raw.prompts {
        check_text(&mut check, "prompts", p, MAX_PROMPT);
    }
    if problems.len() > before {
        return Vec::new();
    }
    raw.prompts
        .into_iter()
        .map(|p| p.into_inner().trim().to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_prompts_and_names_bad_lines() {
        let mut problems = Vec::new();
        let ok = parse_prompts(
            Path::new("p.toml"),
            "prompts = [\"What worked?\", \"What didn't?\"]\n",
            &mut problems,
        );
        assert_eq!(ok, vec!["What worked?", "What didn't?"]);
        assert!(problems.is_empty());
        let bad = parse_prompts(
            Path::new("p.toml"),
            "# header\nprompts = [\n  \"fine\",\n  \"  \",\n]\n",
            &mut problems,
        );
        assert!(bad.is_empty());
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].line, 4, "{problems:?}");
        assert!(problems[0].message.contains("empty"), "{problems:?}");
        problems.clear();
        parse_prompts(Path::new("p.toml"), "prompt = []\n", &mut problems);
        assert!(
            problems[0].message.contains("unknown field"),
            "{problems:?}"
        );
    }
}
