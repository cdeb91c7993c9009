//! Configuration mistakes stop `nibble` with the name of what is wrong (issue 19, item 7): a
//! misspelled variable, an override of any section, a value out of range at its line.

use std::process::{Command, Output};

fn nibble(args: &[&str], cwd: &std::path::Path, env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_nibble"));
    command
        .args(args)
        .current_dir(cwd)
        .env_remove("NIBBLE_CONFIG");
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().expect("run nibble")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

#[test]
fn a_misspelled_variable_is_refused_and_no_default_database_appears() {
    let dir = tempfile::tempdir().expect("tempdir");
    let wanted = dir.path().join("wanted.db").display().to_string();
    let out = nibble(
        &["db", "migrate"],
        dir.path(),
        &[("NIBBLE_DATABSE_URL", &format!("sqlite://{wanted}"))],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("NIBBLE_DATABSE_URL") && err.contains("did you mean NIBBLE_DATABASE_URL?"),
        "{err}"
    );
    assert!(
        !dir.path().join("nibble.db").exists(),
        "fell back to ./nibble.db"
    );
}

#[test]
fn campaigns_and_recognition_are_overridden_from_the_environment() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("x.db").display().to_string();
    for (var, value, key) in [
        (
            "NIBBLE_CAMPAIGNS_QUIET_HOURS",
            "all night",
            "campaigns.quiet_hours",
        ),
        (
            "NIBBLE_RECOGNITION_TIME_ZONE",
            "Mars/Olympus",
            "recognition.time_zone",
        ),
        ("NIBBLE_COMMUNITIES_DAILY_REPLY_CAP", "1000", "communities"),
    ] {
        let out = nibble(
            &["db", "migrate", "--database", &db],
            dir.path(),
            &[(var, value)],
        );
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{var} ignored: {err}");
        assert!(err.contains(var) && err.contains(key), "{err}");
    }
    // A valid override is taken and the command runs.
    let out = nibble(
        &["db", "migrate", "--database", &db],
        dir.path(),
        &[("NIBBLE_RECOGNITION_TIME_ZONE", "Europe/Berlin")],
    );
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_value_out_of_range_in_the_file_names_its_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = dir.path().join("n.toml");
    std::fs::write(
        &cfg,
        "[database]\nurl = \"sqlite://x.db\"\n\n[outbox]\n# retries\nmax_attempts = 500\n",
    )
    .expect("write");
    let out = nibble(
        &["--config", &cfg.display().to_string(), "db", "migrate"],
        dir.path(),
        &[],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("n.toml:6:") && err.contains("outbox.max_attempts"),
        "{err}"
    );
    assert!(!dir.path().join("x.db").exists());
}
