//! The lessons folder as an operator's disk really holds it: named pipes, editor leftovers, oversized
//! or non-UTF-8 files, and one broken lesson reported once (not again by the files that refer to it).

use crate::support::{copy_dir, lessons_dir};
use nibble::content::load_catalog;

/// A named pipe among the lessons would block a reader forever; editor and hidden files are not
/// lessons. Loading finishes (in a worker thread, awaited with a deadline), reports the pipe with
/// its path, and ignores the editor's files.
#[tokio::test]
async fn a_named_pipe_is_refused_and_editor_files_are_skipped() {
    let root = tempfile::tempdir().expect("tempdir");
    copy_dir(
        &lessons_dir().join("giving-feedback"),
        &root.path().join("giving-feedback"),
    );
    let course = root.path().join("giving-feedback");
    let pipe = course.join("07-pipe.md");
    let made = std::process::Command::new("mkfifo")
        .arg(&pipe)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    for (name, text) in [
        (".#01-why-feedback-matters.md", "not a lesson at all"),
        (".08-hidden.md", "+++\nbroken"),
        ("02-sbi-model.md~", "an editor backup"),
    ] {
        std::fs::write(course.join(name), text).expect("write");
    }
    std::fs::create_dir(root.path().join(".git")).expect("a hidden folder");
    let dir = root.path().to_path_buf();
    let loading = tokio::task::spawn_blocking(move || load_catalog(&dir));
    let result = tokio::time::timeout(std::time::Duration::from_secs(10), loading)
        .await
        .expect("loading never blocks on a pipe")
        .expect("loader thread");
    let problems = match result {
        Ok(_) => panic!("the pipe must be reported"),
        Err(problems) => problems.to_string(),
    };
    assert!(
        problems.contains("07-pipe.md:1: lesson file is not a regular file"),
        "{problems}"
    );
    for skipped in [".#01", ".08-hidden", "02-sbi-model.md~", ".git"] {
        assert!(
            !problems.contains(skipped),
            "{skipped} is not content: {problems}"
        );
    }
}

/// Problems of a copy of the bundled lessons after `change` edits it, one per line.
fn problems_after(change: impl FnOnce(&std::path::Path)) -> Vec<String> {
    let root = tempfile::tempdir().expect("tempdir");
    copy_dir(&lessons_dir(), root.path());
    change(root.path());
    match load_catalog(root.path()) {
        Ok(_) => Vec::new(),
        Err(problems) => problems
            .to_string()
            .lines()
            .map(|l| l.replace(&root.path().display().to_string(), ""))
            .collect(),
    }
}

#[test]
fn one_broken_lesson_is_one_problem_not_three() {
    let problems = problems_after(|root| {
        std::fs::write(
            root.join("security-awareness/01-spot-phishing.md"),
            "+++\nid = \"spot-phishing\"\nbroken = \n+++\n",
        )
        .expect("write");
    });
    assert_eq!(
        problems,
        [
            "/security-awareness/01-spot-phishing.md:3: string values must be quoted, expected literal string"
        ],
        "the course listing it and the lesson linking to it are not reported again"
    );
    // Without an `id` line the file name says which lesson it was meant to be.
    let problems = problems_after(|root| {
        std::fs::write(
            root.join("security-awareness/01-spot-phishing.md"),
            "no front matter at all",
        )
        .expect("write");
    });
    assert_eq!(problems.len(), 1, "{problems:?}");
    // A lesson that is really missing is still reported where it is listed and linked.
    let problems = problems_after(|root| {
        std::fs::remove_file(root.join("security-awareness/01-spot-phishing.md")).expect("rm");
    });
    assert!(
        problems.iter().any(|p| p
            .contains("course.toml:5: lesson `spot-phishing` is listed but no valid lesson file")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.contains("link to unknown lesson `lesson:spot-phishing`")),
        "{problems:?}"
    );
}

#[test]
fn invalid_utf8_and_oversized_files_are_named_with_their_line() {
    let problems = problems_after(|root| {
        let file = root.join("giving-feedback/01-why-feedback-matters.md");
        let mut bytes = std::fs::read(&file).expect("read");
        bytes.extend_from_slice(b"\nfine line\n\xff\xfe broken\n");
        std::fs::write(&file, bytes).expect("write");
    });
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].starts_with("/giving-feedback/01-why-feedback-matters.md:")
            && !problems[0].starts_with("/giving-feedback/01-why-feedback-matters.md:1:")
            && problems[0].contains("not valid UTF-8"),
        "{problems:?}"
    );
    let problems = problems_after(|root| {
        let file = root.join("giving-feedback/01-why-feedback-matters.md");
        let mut text = std::fs::read_to_string(&file).expect("read");
        text.push_str(&"padding line\n".repeat(30_000));
        std::fs::write(&file, text).expect("write");
    });
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("KiB"), "{problems:?}");
}

/// A course folder may hold other Markdown: a README or notes are not lessons; a lesson saved
/// without its order number is told to rename.
#[test]
fn other_markdown_in_a_course_folder_is_not_a_lesson() {
    let problems = problems_after(|root| {
        let course = root.join("security-awareness");
        std::fs::write(
            course.join("README.md"),
            "# Notes for authors\n\nNot a lesson.\n",
        )
        .expect("write");
        std::fs::write(course.join("notes.md"), "- todo: a seventh lesson\n").expect("write");
    });
    assert!(problems.is_empty(), "{problems:?}");
    let problems = problems_after(|root| {
        let course = root.join("security-awareness");
        let text = std::fs::read_to_string(course.join("03-turn-on-mfa.md")).expect("read");
        std::fs::write(course.join("mfa-draft.md"), text).expect("write");
    });
    assert_eq!(
        problems,
        [
            "/security-awareness/mfa-draft.md:1: lesson file names start with their order number (e.g. `07-<id>.md`): rename it, or it is not read as a lesson"
        ]
    );
}
