//! The starter courses travel in the binary: the demo and `lessons check` work from any directory,
//! `lessons export` writes them out to start from, and a configured folder always wins.

use crate::cli::{nibble, text};
use crate::support::lessons_dir;
use std::path::Path;

fn files(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let name = path
                    .strip_prefix(root)
                    .expect("inside")
                    .display()
                    .to_string();
                out.push((name, std::fs::read(&path).expect("read")));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn the_demo_runs_from_a_directory_without_lessons() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = nibble(&["demo", "--days", "1"], dir.path());
    assert!(out.status.success(), "{}", text(&out));
    let transcript = String::from_utf8_lossy(&out.stdout);
    assert!(
        transcript.contains("Lessons: 2 courses, 12 lessons from the courses built into nibble"),
        "{transcript}"
    );
    let check = nibble(&["lessons", "check"], dir.path());
    assert!(check.status.success(), "{}", text(&check));
    // `nibble report` right after points at the demo's database.
    let report = nibble(&["report"], dir.path());
    assert_eq!(report.status.code(), Some(1));
    assert!(
        text(&report).contains("`nibble report --database nibble-demo.db`"),
        "{}",
        text(&report)
    );
}

#[test]
fn lessons_export_writes_the_built_in_courses_and_never_overwrites() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = nibble(&["lessons", "export", "mine"], dir.path());
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(files(&dir.path().join("mine")), files(&lessons_dir()));
    let check = nibble(&["lessons", "check", "mine"], dir.path());
    assert!(check.status.success(), "{}", text(&check));
    std::fs::write(dir.path().join("mine/notes.txt"), "mine").expect("write");
    let again = nibble(&["lessons", "export", "mine"], dir.path());
    assert_eq!(again.status.code(), Some(1));
    assert!(
        text(&again).contains("`mine` is not empty"),
        "{}",
        text(&again)
    );
}

#[test]
fn a_configured_folder_wins_even_when_it_is_missing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = crate::support::cli::nibble_command(dir.path())
        .args(["lessons", "check"])
        .env("NIBBLE_LESSONS_DIR", "courses-not-here")
        .output()
        .expect("run nibble");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains("courses-not-here:1: cannot read lessons directory"),
        "{}",
        text(&out)
    );
}
