//! Lesson files: the bundled courses load, and every kind of broken file is reported as file:line: message.

use nibble::content::{Block, QuestionKind, load_catalog};
use std::path::Path;

use crate::support::lessons_dir;

const COURSE: &str = "title = \"Course\"\ndescription = \"A course.\"\nlessons = [\"one\"]\n";

const GOOD: &str = r#"+++
id = "one"
title = "Lesson one"
objective = "Learn one thing."
minutes = 3

[[questions]]
id = "q1"
kind = "single"
prompt = "Pick B"

[[questions.options]]
text = "A"

[[questions.options]]
text = "B"
correct = true
explain = "B is right."
+++

Some **text** with ![a picture](https://example.org/p.png) and a [video](https://example.org/v).
"#;

fn write_course(root: &Path, course: &str, course_toml: &str, lessons: &[(&str, &str)]) {
    let dir = root.join(course);
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(dir.join("course.toml"), course_toml).expect("write course");
    for (name, text) in lessons {
        std::fs::write(dir.join(name), text).expect("write lesson");
    }
}

/// Loads a one-lesson course and returns the problems as `file:line: message` lines (file name only).
fn problems_for(lesson: &str) -> Vec<String> {
    let root = tempfile::tempdir().expect("tempdir");
    write_course(root.path(), "c", COURSE, &[("01-one.md", lesson)]);
    match load_catalog(root.path()) {
        Ok(_) => Vec::new(),
        Err(p) => {
            p.0.iter()
                .map(|p| {
                    format!(
                        "{}:{}: {}",
                        p.file
                            .file_name()
                            .map(|f| f.to_string_lossy().to_string())
                            .unwrap_or_default(),
                        p.line,
                        p.message
                    )
                })
                .collect()
        }
    }
}

fn assert_problem(lesson: &str, expected: &str) {
    let found = problems_for(lesson);
    assert!(
        found.iter().any(|p| p.contains(expected)),
        "expected `{expected}` in {found:#?}"
    );
}

#[test]
fn the_bundled_courses_load_cleanly() {
    let catalog = load_catalog(&lessons_dir())
        .unwrap_or_else(|p| panic!("bundled lessons have problems:\n{p}"));
    assert!(catalog.courses().len() >= 2);
    for course in catalog.courses() {
        let lessons: Vec<_> = catalog.lessons_of(course).collect();
        assert!(
            lessons.len() >= 5,
            "course {} has {} lessons",
            course.id,
            lessons.len()
        );
        let kinds: Vec<QuestionKind> = lessons
            .iter()
            .flat_map(|l| l.questions.iter().map(|q| q.kind))
            .collect();
        for kind in [
            QuestionKind::Single,
            QuestionKind::Multiple,
            QuestionKind::TrueFalse,
            QuestionKind::Poll,
        ] {
            assert!(
                kinds.contains(&kind),
                "course {} has no {kind:?} question",
                course.id
            );
        }
        for l in lessons {
            assert!(
                l.blocks.iter().any(|b| matches!(b, Block::Image { .. })),
                "lesson {} has no image",
                l.id
            );
        }
    }
}

#[test]
fn a_good_lesson_parses_into_blocks_and_questions() {
    assert_eq!(problems_for(GOOD), Vec::<String>::new());
    let root = tempfile::tempdir().expect("tempdir");
    write_course(root.path(), "c", COURSE, &[("01-one.md", GOOD)]);
    let catalog = load_catalog(root.path()).expect("loads");
    let lesson = catalog.lesson("one").expect("lesson one");
    assert_eq!(
        lesson.questions[0].options[1].explain.as_deref(),
        Some("B is right.")
    );
    assert!(lesson.blocks.contains(&Block::Image {
        url: "https://example.org/p.png".into(),
        alt: "a picture".into(),
        file: None,
    }));
}

#[test]
fn each_malformed_lesson_gets_a_precise_message() {
    assert_problem(
        &GOOD.replace("correct = true\n", ""),
        "01-one.md:8: question `q1`: a single-choice question needs exactly one option with `correct = true`, found 0",
    );
    assert_problem(
        &GOOD.replace("minutes = 3", "minutes = 3\ncolour = \"red\""),
        "01-one.md:6: unknown field `colour`",
    );
    assert_problem(
        &GOOD.replace("minutes = 3", "minutes = 45"),
        "01-one.md:5: minutes must be between 1 and 10",
    );
    assert_problem(
        &GOOD.replace("kind = \"single\"", "kind = \"essay\""),
        "01-one.md:9: unknown variant `essay`",
    );
    assert_problem(
        &GOOD.replace("id = \"one\"", "id = \"One Lesson\""),
        "01-one.md:2: invalid lesson id `One Lesson`",
    );
    assert_problem(
        &GOOD.replacen("+++\n", "", 1),
        "01-one.md:1: missing front matter",
    );
    assert_problem(
        &GOOD.replace("text = \"A\"", &format!("text = \"{}\"", "x".repeat(80))),
        "01-one.md:13: `text` is 80 characters long, the limit is 75",
    );
    assert_problem(
        &GOOD.replace("text = \"A\"", "text = \"B\""),
        "option `B` appears twice",
    );
    assert_problem(
        &GOOD.replace("(https://example.org/p.png)", "(ftp://example.org/p.png)"),
        "01-one.md:21: image `ftp://example.org/p.png` must be an http(s) URL",
    );
    assert_problem(
        &GOOD.replace("[video](https://example.org/v)", "[next](lesson:nowhere)"),
        "01-one.md:21: link to unknown lesson `lesson:nowhere`",
    );
    assert_problem(
        &GOOD.replace("kind = \"single\"", "kind = \"poll\""),
        "a poll has no right answer",
    );
    assert_problem(
        &GOOD.replace("kind = \"single\"", "kind = \"true_false\""),
        "a true_false question takes `answer`, not options",
    );
    let huge = format!("{}\n", "A long paragraph of words. ".repeat(700));
    assert_problem(
        &format!("{GOOD}\n{huge}\n{huge}\n{huge}"),
        "lesson too long: it needs",
    );
    assert_problem(
        &format!("{GOOD}\n{}\n", "y".repeat(2500)),
        "a single word or URL of 2500 characters cannot be split",
    );
    assert_problem(
        &GOOD.replace(
            "https://example.org/p.png",
            &format!("https://example.org/{}.png", "p".repeat(3100)),
        ),
        "01-one.md:21: an image URL may be at most 3,000 characters",
    );
}

#[test]
fn course_level_problems_are_reported() {
    let root = tempfile::tempdir().expect("tempdir");
    write_course(
        root.path(),
        "a",
        "title = \"A\"\ndescription = \"d\"\nlessons = [\"one\", \"ghost\"]\n",
        &[("01-one.md", GOOD)],
    );
    write_course(
        root.path(),
        "b",
        "title = \"B\"\ndescription = \"d\"\nlessons = [\"one\"]\nauthor = \"x\"\n",
        &[("01-one.md", GOOD)],
    );
    let problems = load_catalog(root.path())
        .map(|_| ())
        .expect_err("must fail")
        .to_string();
    assert!(problems.contains("course.toml:3: lesson `ghost` is listed but no valid lesson file in this course has that id"), "{problems}");
    assert!(
        problems.contains("course.toml:4: unknown field `author`"),
        "{problems}"
    );
    assert!(problems.contains("duplicate lesson id `one`"), "{problems}");

    let root = tempfile::tempdir().expect("tempdir");
    write_course(
        root.path(),
        "c",
        "title = \"C\"\ndescription = \"d\"\nlessons = [\"one\",\n  \"one\"]\n",
        &[("01-one.md", GOOD)],
    );
    let problems = load_catalog(root.path())
        .map(|_| ())
        .expect_err("must fail")
        .to_string();
    assert!(
        problems.contains("course.toml:4: lesson `one` is listed twice"),
        "{problems}"
    );
}

#[test]
fn a_missing_directory_is_a_problem_not_a_panic() {
    let err = load_catalog(Path::new("/nonexistent/lessons"))
        .map(|_| ())
        .expect_err("must fail");
    assert!(
        err.to_string().contains("cannot read lessons directory"),
        "{err}"
    );
}

/// Loads the one-lesson course with a diagnostic.toml; returns the problems as in `problems_for`.
fn diagnostic_problems(diagnostic: &str) -> Vec<String> {
    let root = tempfile::tempdir().expect("tempdir");
    write_course(
        root.path(),
        "c",
        COURSE,
        &[("01-one.md", GOOD), ("diagnostic.toml", diagnostic)],
    );
    match load_catalog(root.path()) {
        Ok(catalog) => {
            assert!(catalog.diagnostic("c").is_some());
            Vec::new()
        }
        Err(p) => {
            p.0.iter()
                .map(|p| {
                    let file = p.file.file_name().map(|f| f.to_string_lossy().to_string());
                    format!("{}:{}: {}", file.unwrap_or_default(), p.line, p.message)
                })
                .collect()
        }
    }
}

#[test]
fn diagnostics_load_and_each_mistake_is_named_with_its_line() {
    let question = |covers: &str, kind: &str| {
        format!(
            "[[questions]]\nid = \"d1\"\n{covers}kind = \"{kind}\"\nprompt = \"Pick B\"\n\n\
             [[questions.options]]\ntext = \"A\"\n\n[[questions.options]]\ntext = \"B\"\ncorrect = true\n"
        )
    };
    assert_eq!(
        diagnostic_problems(&question("covers = \"one\"\n", "single")),
        Vec::<String>::new()
    );
    let missing = diagnostic_problems(&question("", "single"));
    assert!(
        missing.len() == 1
            && missing[0].starts_with("diagnostic.toml:2:")
            && missing[0].contains("covers"),
        "{missing:?}"
    );
    let unknown = diagnostic_problems(&question("covers = \"two\"\n", "single"));
    assert!(
        unknown.len() == 1
            && unknown[0].starts_with("diagnostic.toml:3:")
            && unknown[0].contains("not a lesson of course `c`"),
        "{unknown:?}"
    );
    let poll = diagnostic_problems(
        "[[questions]]\nid = \"d1\"\ncovers = \"one\"\nkind = \"poll\"\nprompt = \"Any?\"\n\n\
         [[questions.options]]\ntext = \"A\"\n\n[[questions.options]]\ntext = \"B\"\n",
    );
    assert!(
        poll.iter().any(|p| p.contains("needs a right answer")),
        "{poll:?}"
    );
    let empty = diagnostic_problems("intro = \"Hi\"\n");
    assert!(
        empty.iter().any(|p| p.contains("at least one question")),
        "{empty:?}"
    );
    let typo = diagnostic_problems("intro = \"Hi\"\ncolour = 1\n");
    assert!(
        typo.iter().any(|p| p.starts_with("diagnostic.toml:2:")),
        "{typo:?}"
    );
    // `covers` in a lesson is a mistake of its own.
    let in_lesson =
        problems_for(&GOOD.replace("kind = \"single\"", "covers = \"one\"\nkind = \"single\""));
    assert!(
        in_lesson.iter().any(|p| p.contains("diagnostic.toml")),
        "{in_lesson:?}"
    );
}

#[test]
fn the_bundled_courses_have_diagnostics_covering_their_lessons() {
    let catalog = load_catalog(&lessons_dir()).expect("bundled lessons");
    for course in catalog.courses() {
        let d = catalog.diagnostic(&course.id).expect("a diagnostic");
        let covered: std::collections::HashSet<&String> = d.covers.values().collect();
        assert_eq!(covered.len(), course.lesson_ids.len(), "{}", course.id);
    }
}
