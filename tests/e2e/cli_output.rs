//! Where the CLI writes when its output cannot be written (issue 19, item 12): a closed pipe ends
//! quietly, a full disk is one clear error, never a panic; redirected logs carry no colour codes.

use crate::support::cli::{nibble_command, stderr};
use std::path::Path;
use std::process::{Command, Stdio};

fn command(args: &[&str], cwd: &Path) -> Command {
    let mut command = nibble_command(cwd);
    command
        .args(args)
        .env_remove("NO_COLOR")
        .env("NIBBLE_LESSONS_DIR", crate::support::lessons_dir());
    command
}

/// A nibble database with one campaign, so report and export have rows to write.
fn database(dir: &Path) -> String {
    crate::demo_refusal::real_database(dir)
        .display()
        .to_string()
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = database(dir.path());
    for args in [
        vec!["report", "--database", &db],
        vec!["export", "--database", &db],
        vec!["lessons", "check"],
    ] {
        let mut child = command(&args, dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        // The reader goes away before nibble writes a byte (`nibble report | true`).
        drop(child.stdout.take());
        let out = child.wait_with_output().expect("wait");
        let err = stderr(&out);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_eq!(out.status.code(), Some(141), "{args:?}: {err}");
        assert!(!err.contains("error:"), "{args:?}: {err}");
    }
}

#[test]
fn a_full_disk_is_a_clear_error() {
    if !Path::new("/dev/full").exists() {
        eprintln!("notice: no /dev/full on this system: the full-disk check is skipped");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let db = database(dir.path());
    for args in [
        vec!["report", "--database", &db],
        vec!["export", "--database", &db],
        vec!["db", "migrate", "--database", &db],
    ] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("open /dev/full");
        let out = command(&args, dir.path())
            .stdout(full)
            .output()
            .expect("run nibble");
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(
            err.contains("error: cannot write the output: No space left on device"),
            "{args:?}: {err}"
        );
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

#[test]
fn redirected_logs_carry_no_colour_codes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("x.db").display().to_string();
    let out = command(&["db", "migrate", "--database", &db], dir.path())
        .env("RUST_LOG", "debug")
        .output()
        .expect("run nibble");
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("DEBUG"), "no log lines to check: {err}");
    assert!(
        !err.contains('\u{1b}'),
        "ANSI escape in a redirected log: {err:?}"
    );
}

/// A port nothing listens on.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

/// An unreachable platform at start is named as a network problem with its cause, once: Slack's
/// client printed its cause as `Some(hyper_util::…)` and nibble called it a rejected token;
/// serenity's lookup error said only "Error while sending HTTP request.".
#[test]
fn an_unreachable_platform_is_said_plainly_with_its_cause() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("n.db").display().to_string();
    let port = closed_port();
    let slack_url = format!("http://127.0.0.1:{port}/api");
    let discord_address = format!("127.0.0.1:{port}");
    let runs: [(&str, Vec<(&str, &str)>); 2] = [
        (
            "cannot reach Slack at",
            vec![
                ("NIBBLE_SLACK_ENABLED", "true"),
                ("NIBBLE_SLACK_BOT_TOKEN", "xoxb-1"),
                ("NIBBLE_SLACK_APP_TOKEN", "xapp-1"),
                ("NIBBLE_SLACK_API_URL", slack_url.as_str()),
            ],
        ),
        (
            "gateway lookup",
            vec![
                ("NIBBLE_DISCORD_ENABLED", "true"),
                ("NIBBLE_DISCORD_TOKEN", "abc.def.ghi"),
                ("NIBBLE_DISCORD_API_ADDRESS", discord_address.as_str()),
            ],
        ),
    ];
    for (said, env) in runs {
        let mut run = command(&["--database", &db, "run"], dir.path());
        run.env("NIBBLE_OPS_LISTEN", "\"\"");
        for (k, v) in &env {
            run.env(k, v);
        }
        let out = run.output().expect("run nibble");
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{err}");
        let last = err.lines().last().unwrap_or_default();
        assert!(last.contains(said), "{last}");
        assert!(last.contains("Connection refused"), "no cause: {last}");
        assert!(
            !last.contains("Some(") && !last.contains("rejected"),
            "{last}"
        );
    }
}
