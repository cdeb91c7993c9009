//! The `nibble` binary as a user runs it: help, lessons check, database errors, report and the demo.

use crate::support::cli::nibble_command;
pub use crate::support::cli::text;
use crate::support::lessons_dir;
use std::process::Output;

pub fn nibble(args: &[&str], cwd: &std::path::Path) -> Output {
    nibble_command(cwd).args(args).output().expect("run nibble")
}

#[test]
fn every_subcommand_has_help() {
    let here = std::env::temp_dir();
    for args in [
        vec!["--help"],
        vec!["demo", "--help"],
        vec!["run", "--help"],
        vec!["lessons", "check", "--help"],
        vec!["db", "migrate", "--help"],
        vec!["report", "--help"],
        vec!["campaign", "--help"],
        vec!["bench", "--help"],
    ] {
        let out = nibble(&args, &here);
        assert!(out.status.success(), "{args:?}: {}", text(&out));
        assert!(text(&out).contains("Usage"), "{args:?}");
    }
}

#[test]
fn lessons_check_passes_the_bundled_lessons_and_fails_broken_ones() {
    let here = std::env::temp_dir();
    let ok = nibble(
        &["lessons", "check", &lessons_dir().display().to_string()],
        &here,
    );
    assert!(ok.status.success(), "{}", text(&ok));
    assert!(text(&ok).contains("no problems"));

    let dir = tempfile::tempdir().expect("tempdir");
    let course = dir.path().join("c");
    std::fs::create_dir_all(&course).expect("mkdir");
    std::fs::write(
        course.join("course.toml"),
        "title = \"C\"\ndescription = \"d\"\nlessons = [\"x\"]\n",
    )
    .expect("write");
    std::fs::write(
        course.join("01-x.md"),
        "+++\nid = \"x\"\ntitle = \"\"\nobjective = \"o\"\nminutes = 2\n+++\nBody\n",
    )
    .expect("write");
    let bad = nibble(
        &["lessons", "check", &dir.path().display().to_string()],
        &here,
    );
    assert_eq!(bad.status.code(), Some(1), "{}", text(&bad));
    let out = text(&bad);
    assert!(out.contains("01-x.md:3: `title` is empty"), "{out}");
    assert!(
        out.contains("01-x.md:2: a lesson needs at least one quiz question"),
        "{out}"
    );
}

#[test]
fn a_corrupted_database_fails_with_a_clear_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("garbage.db");
    std::fs::write(&db, "not sqlite at all ".repeat(500)).expect("write");
    let out = nibble(
        &["db", "migrate", "--database", &db.display().to_string()],
        dir.path(),
    );
    assert!(!out.status.success());
    assert!(
        text(&out).contains("garbage.db") && text(&out).contains("corrupted"),
        "{}",
        text(&out)
    );

    let ro = nibble(
        &["db", "migrate", "--database", "/proc/no/such/dir/x.db"],
        dir.path(),
    );
    assert!(!ro.status.success());
    assert!(text(&ro).contains("cannot open database"), "{}", text(&ro));
}

#[test]
fn unknown_config_keys_are_rejected_with_their_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = dir.path().join("n.toml");
    std::fs::write(&cfg, "[database]\nurll = \"sqlite://x.db\"\n").expect("write");
    let out = nibble(
        &["--config", &cfg.display().to_string(), "db", "migrate"],
        dir.path(),
    );
    assert!(!out.status.success());
    assert!(
        text(&out).contains("unknown field `urll`"),
        "{}",
        text(&out)
    );
}

#[test]
fn the_demo_runs_and_its_database_can_be_read_afterwards() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let db = dir.path().join("demo.db");
    let out = nibble_command(repo)
        .args([
            "demo",
            "--days",
            "3",
            "--database",
            &db.display().to_string(),
        ])
        .output()
        .expect("run demo");
    let transcript = text(&out);
    assert!(out.status.success(), "{transcript}");
    for expected in [
        "bot → Ana (DM): 📘",
        "Question 1 of",
        "✅ Correct",
        "This quiz was sent to someone else",
        "You already answered",
        "Points totals match the ledger: yes",
        "Progress after the week",
        "Campaign #1 “daily-drip” created",
        "Next five sends (UTC)",
        "campaigns: 12 lesson(s) queued",
        "🏅 New badge: 🌱 **First steps**",
        "🔥 Streak: ",
        "🏆 **Leaderboard, this week**",
        "Recipients: 12 (0 had every lesson) · lessons sent: 36",
    ] {
        assert!(
            transcript.contains(expected),
            "missing `{expected}` in:\n{transcript}"
        );
    }
    let report = nibble(
        &["report", "--database", &db.display().to_string()],
        dir.path(),
    );
    assert!(report.status.success(), "{}", text(&report));
    assert!(text(&report).contains("Ana"));
    let missing = nibble(
        &[
            "report",
            "--database",
            &dir.path().join("nope.db").display().to_string(),
        ],
        dir.path(),
    );
    assert!(!missing.status.success());
}

#[test]
fn run_without_a_platform_says_what_is_missing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = nibble(
        &[
            "run",
            "--database",
            &dir.path().join("x.db").display().to_string(),
        ],
        dir.path(),
    );
    assert!(!out.status.success());
    assert!(
        text(&out).contains("no chat platform is enabled"),
        "{}",
        text(&out)
    );
}

#[test]
fn the_shipped_config_files_are_valid() {
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for file in ["config/nibble.example.toml", "config/demo.toml"] {
        let config = nibble::config::Config::load(Some(&repo.join(file)), Vec::new());
        assert!(config.is_ok(), "{file}: {:?}", config.err());
    }
}

#[test]
fn operators_manage_campaigns_from_the_command_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("ops.db").display().to_string();
    let lessons = lessons_dir().display().to_string();
    let run = |words: &[&str]| {
        let mut args = vec!["--database", &db, "campaign", "--tenant", "slack:T0123"];
        args.extend_from_slice(words);
        let out = nibble_command(dir.path())
            .args(&args)
            .env("NIBBLE_LESSONS_DIR", &lessons)
            .output()
            .expect("run nibble");
        (out.status.success(), text(&out))
    };
    // The shell takes the quotes off `cron="…"`: the CLI still reads one expression.
    let (ok, out) = run(&[
        "create",
        "name=phishing",
        "course=security-awareness",
        "channel=C0456",
        "cron=0 9 * * Mon-Fri",
        "zone=Europe/Berlin",
    ]);
    assert!(ok, "{out}");
    assert!(
        out.contains("Campaign #1 “phishing” created")
            && out.contains("Next five sends (Europe/Berlin)"),
        "{out}"
    );
    let (ok, out) = run(&[
        "create",
        "course=security-awareness",
        "channel=C0456",
        "cron=0 9 * * Mon-Fry",
        "zone=Europe/Berlin",
    ]);
    assert!(!ok && out.contains("cron field 5 (day of week)"), "{out}");
    let (ok, out) = run(&["pause", "phishing"]);
    assert!(ok && out.contains("paused"), "{out}");
    let (_, out) = run(&["list"]);
    assert!(out.contains("#1 “phishing” (paused)"), "{out}");
    assert!(
        !out.contains("#2"),
        "the refused campaign left no row: {out}"
    );
}

#[test]
fn an_error_prints_each_cause_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("missing.toml");
    let out = nibble(
        &["--config", &missing.display().to_string(), "db", "migrate"],
        dir.path(),
    );
    assert!(!out.status.success());
    let err = text(&out);
    assert!(err.contains("cannot read config file"), "{err}");
    assert_eq!(err.matches("No such file or directory").count(), 1, "{err}");
}
