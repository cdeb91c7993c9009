//! Loads every course under a lessons directory, checks cross-file rules, and serves lookups.

use super::course_file::{ParsedCourse, parse_course_file};
use super::diagnostic_file::{Diagnostic, parse_diagnostic_file};
use super::lesson_file::{ParsedLesson, parse_lesson_file};
use super::read::{ReadError, is_editor_or_hidden, read_text};
use super::search::SearchIndex;
use super::{Course, Lesson, Problem, Problems, is_valid_id};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Every loaded course and lesson. Cheap to share behind an `Arc`; replaced whole on reload.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    pub(super) courses: Vec<Course>,
    pub(super) lessons: HashMap<String, Lesson>,
    /// Course id → its diagnostic quiz.
    pub(super) diagnostics: HashMap<String, Diagnostic>,
    index: SearchIndex,
}

/// Loads strictly: any problem anywhere fails the load, with all problems listed.
pub fn load_catalog(dir: &Path) -> Result<Catalog, Problems> {
    let (catalog, problems) = scan(dir);
    if problems.is_empty() {
        Ok(catalog)
    } else {
        Err(problems)
    }
}

impl Catalog {
    pub fn courses(&self) -> &[Course] {
        &self.courses
    }

    pub fn course(&self, id: &str) -> Option<&Course> {
        self.courses.iter().find(|c| c.id == id)
    }

    pub fn lesson(&self, id: &str) -> Option<&Lesson> {
        self.lessons.get(id)
    }

    /// A course's diagnostic quiz, if it has one.
    pub fn diagnostic(&self, course_id: &str) -> Option<&Diagnostic> {
        self.diagnostics.get(course_id)
    }

    /// The diagnostic delivered under this lesson id (`diagnostic:<course>`).
    pub fn diagnostic_by_lesson(&self, lesson_id: &str) -> Option<&Diagnostic> {
        lesson_id
            .strip_prefix("diagnostic:")
            .and_then(|c| self.diagnostics.get(c))
    }

    pub fn diagnostic_count(&self) -> usize {
        self.diagnostics.len()
    }

    pub fn lesson_count(&self) -> usize {
        self.lessons.len()
    }

    /// The course's lessons in delivery order.
    pub fn lessons_of<'a>(&'a self, course: &'a Course) -> impl Iterator<Item = &'a Lesson> + 'a {
        course
            .lesson_ids
            .iter()
            .filter_map(|id| self.lessons.get(id))
    }

    /// Lessons ranked by relevance to `query` (title, tags, objective, course, body), best first.
    pub fn search(&self, query: &str, limit: usize) -> Vec<&Lesson> {
        self.index
            .search(query, limit)
            .into_iter()
            .filter_map(|(id, _)| self.lessons.get(id))
            .collect()
    }

    /// Rebuilds the search index after the lessons changed.
    pub(super) fn indexed(mut self) -> Self {
        let index = SearchIndex::build(
            self.courses
                .iter()
                .flat_map(|c| self.lessons_of(c).map(move |l| (c, l))),
        );
        self.index = index;
        self
    }
}

pub(super) fn scan(dir: &Path) -> (Catalog, Problems) {
    let mut problems = Vec::new();
    let mut courses: Vec<(PathBuf, ParsedCourse)> = Vec::new();
    let mut lessons: Vec<ParsedLesson> = Vec::new();
    let mut diagnostics = Vec::new();
    // Lessons whose files exist but failed: their own problem says why, so the course listing them
    // and the lessons linking to them are not reported again.
    let mut unreadable: HashSet<String> = HashSet::new();
    let entries = match sorted_entries(dir) {
        Ok(e) => e,
        Err(e) => {
            let hint = if e.kind() == std::io::ErrorKind::NotFound {
                " (run nibble from its own directory, or set [lessons] dir / NIBBLE_LESSONS_DIR)"
            } else {
                ""
            };
            problems.push(Problem::new(
                dir,
                1,
                format!("cannot read lessons directory: {e}{hint}"),
            ));
            return (Catalog::default(), Problems(problems));
        }
    };
    // Hidden folders (`.git`) and editor leftovers are not courses or lessons.
    for course_dir in entries
        .into_iter()
        .filter(|p| p.is_dir() && !is_editor_or_hidden(p))
    {
        let course_id = course_dir
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let course_path = course_dir.join("course.toml");
        if !is_valid_id(&course_id, 40) {
            problems.push(Problem::new(&course_dir, 1, format!("course directory name `{course_id}` is not a valid id: use lowercase letters, digits and '-'")));
            continue;
        }
        match read_text(&course_path) {
            Ok(text) => {
                if let Some(mut c) =
                    parse_course_file(&course_path, &course_id, &text, &mut problems)
                {
                    c.course.prompts =
                        super::prompts_file::load_prompts(&course_dir, &mut problems);
                    let diagnostic_path = course_dir.join("diagnostic.toml");
                    match read_text(&diagnostic_path) {
                        Ok(text) => diagnostics.extend(parse_diagnostic_file(
                            &diagnostic_path,
                            &c.course,
                            &text,
                            &mut problems,
                        )),
                        Err(ReadError::NotFound) => {}
                        Err(ReadError::Problem { line, message }) => problems.push(
                            Problem::new(&diagnostic_path, line, format!("diagnostic file {message}")),
                        ),
                    }
                    courses.push((course_path.clone(), c));
                }
            }
            Err(ReadError::NotFound) => problems.push(Problem::new(
                &course_path,
                1,
                "cannot read course file: it does not exist (each course folder needs a course.toml)",
            )),
            Err(ReadError::Problem { line, message }) => problems.push(Problem::new(
                &course_path,
                line,
                format!("course file {message}"),
            )),
        }
        for file in sorted_entries(&course_dir).unwrap_or_default() {
            if file.extension().is_some_and(|e| e == "md") && !is_editor_or_hidden(&file) {
                match read_text(&file) {
                    // A course folder may hold other Markdown (a README, notes): only files named
                    // `NN-<slug>.md` are lessons; one that looks like a lesson is told to rename.
                    Ok(text) if !is_lesson_name(&file) => {
                        if text.trim_start().starts_with("+++") {
                            problems.push(Problem::new(
                                &file,
                                1,
                                "lesson file names start with their order number (e.g. `07-<id>.md`): rename it, or it is not read as a lesson",
                            ));
                        }
                    }
                    Ok(text) => match parse_lesson_file(&file, &course_id, &text, &mut problems) {
                        Some(lesson) => lessons.push(lesson),
                        None => {
                            unreadable.insert(claimed_lesson_id(&file, Some(&text)));
                        }
                    },
                    Err(ReadError::NotFound) => {} // removed while the folder was read
                    Err(ReadError::Problem { line, message }) => {
                        problems.push(Problem::new(&file, line, format!("lesson file {message}")));
                        unreadable.insert(claimed_lesson_id(&file, None));
                    }
                }
            }
        }
    }
    if courses.is_empty() && problems.is_empty() {
        problems.push(Problem::new(
            dir,
            1,
            "no courses found: expected <course>/course.toml directories",
        ));
    }
    cross_check(&courses, &lessons, &unreadable, &mut problems);
    let mut problems = Problems(problems);
    problems.sort();
    let catalog = Catalog {
        courses: courses.into_iter().map(|(_, c)| c.course).collect(),
        lessons: lessons
            .into_iter()
            .map(|p| (p.lesson.id.clone(), p.lesson))
            .collect(),
        diagnostics: diagnostics
            .into_iter()
            .map(|d| (d.course_id.clone(), d))
            .collect(),
        index: SearchIndex::default(),
    }
    .indexed();
    (catalog, problems)
}

/// Rules across files: unique lesson ids, course lists that match the files, links that resolve.
fn cross_check(
    courses: &[(PathBuf, ParsedCourse)],
    lessons: &[ParsedLesson],
    unreadable: &HashSet<String>,
    problems: &mut Vec<Problem>,
) {
    let mut first_seen: HashMap<&str, &ParsedLesson> = HashMap::new();
    for p in lessons {
        if let Some(prev) = first_seen.insert(&p.lesson.id, p) {
            problems.push(Problem::new(
                &p.lesson.source,
                p.id_line,
                format!(
                    "duplicate lesson id `{}` (also in {}:{})",
                    p.lesson.id,
                    prev.lesson.source.display(),
                    prev.id_line
                ),
            ));
        }
    }
    for (path, c) in courses {
        for (id, line) in c.course.lesson_ids.iter().zip(&c.lesson_lines) {
            match first_seen.get(id.as_str()) {
                Some(l) if l.lesson.course_id == c.course.id => {}
                None if unreadable.contains(id) => {}
                Some(l) => problems.push(Problem::new(
                    path,
                    *line,
                    format!(
                        "lesson `{id}` belongs to course `{}`, not this one",
                        l.lesson.course_id
                    ),
                )),
                None => problems.push(Problem::new(
                    path,
                    *line,
                    format!(
                        "lesson `{id}` is listed but no valid lesson file in this course has that id"
                    ),
                )),
            }
        }
    }
    for p in lessons {
        let listed = courses.iter().any(|(_, c)| {
            c.course.id == p.lesson.course_id && c.course.lesson_ids.contains(&p.lesson.id)
        });
        let course_parsed = courses
            .iter()
            .any(|(_, c)| c.course.id == p.lesson.course_id);
        if course_parsed && !listed {
            problems.push(Problem::new(
                &p.lesson.source,
                p.id_line,
                format!(
                    "lesson `{}` is not listed in its course.toml `lessons`",
                    p.lesson.id
                ),
            ));
        }
        for (target, line) in &p.lesson_links {
            if !first_seen.contains_key(target.as_str()) && !unreadable.contains(target) {
                problems.push(Problem::new(
                    &p.lesson.source,
                    *line,
                    format!("link to unknown lesson `lesson:{target}`"),
                ));
            }
        }
    }
}

fn sorted_entries(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    out.sort();
    Ok(out)
}

/// The id a lesson file that failed to parse meant to have: its `id = "…"` line if it has one, else
/// its file name without the order prefix (`01-spot-phishing.md` → `spot-phishing`).
fn claimed_lesson_id(file: &Path, text: Option<&str>) -> String {
    let declared = text.and_then(|t| {
        t.lines().take(60).find_map(|line| {
            let value = line
                .trim()
                .strip_prefix("id")?
                .trim_start()
                .strip_prefix('=')?;
            Some(value.trim().trim_matches(['"', '\'']).to_string())
        })
    });
    declared.filter(|id| !id.is_empty()).unwrap_or_else(|| {
        let stem = file
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default();
        stem.trim_start_matches(|c: char| c.is_ascii_digit())
            .trim_start_matches(['-', '_'])
            .to_string()
    })
}

/// Is this a lesson file's name: `NN-<slug>.md` (the number orders the files)?
fn is_lesson_name(file: &Path) -> bool {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let digits = name.chars().take_while(char::is_ascii_digit).count();
    digits > 0 && name[digits..].starts_with('-') && name.len() > digits + 1 + ".md".len()
}
