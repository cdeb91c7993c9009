//! Configuration mistakes stop `nibble` with the name of what is wrong (issue 19, item 7): a
//! misspelled variable, an override of any section, a value out of range at its line.

use crate::support::cli::{nibble_command, stderr};
use std::process::Output;

fn nibble(args: &[&str], cwd: &std::path::Path, env: &[(&str, &str)]) -> Output {
    let mut command = nibble_command(cwd);
    command.args(args);
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().expect("run nibble")
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

/// Every scalar setting can be overridden from the environment: a text setting whose value reads
/// as a TOML time, number or boolean takes it as text (`NIBBLE_REVIEWS_TIME=09:00` was refused
/// with a message whose example was the very value given).
#[test]
fn text_settings_take_values_that_look_like_times_numbers_or_booleans() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("x.db").display().to_string();
    for (var, value) in [
        ("NIBBLE_REVIEWS_TIME", "09:00"),
        ("NIBBLE_XAPI_USERNAME", "12345"),
        ("NIBBLE_LESSONS_DIR", "2024"),
        ("NIBBLE_LESSONS_DIR", "true"),
    ] {
        let out = nibble(
            &["db", "migrate", "--database", &db],
            dir.path(),
            &[(var, value)],
        );
        assert!(out.status.success(), "{var}={value}: {}", stderr(&out));
    }
    // A number setting given text is still refused by name.
    let out = nibble(
        &["db", "migrate", "--database", &db],
        dir.path(),
        &[("NIBBLE_REVIEWS_PER_DAY", "many")],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("NIBBLE_REVIEWS_PER_DAY"), "{err}");
    // A wrong key is suggested a key of its own section.
    let out = nibble(
        &["db", "migrate", "--database", &db],
        dir.path(),
        &[("NIBBLE_CAMPAIGNS_QUIET_HOUR", "20:00-08:00")],
    );
    let err = stderr(&out);
    assert!(
        err.contains("did you mean NIBBLE_CAMPAIGNS_QUIET_HOURS?"),
        "{err}"
    );
}

/// `nibble campaign --tenant T list --database PATH`: the words swallowed `--database`, and the
/// command ran on (and created) ./nibble.db. It is refused, naming the option, and nothing appears.
#[test]
fn a_global_option_among_the_campaign_words_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("team.db").display().to_string();
    let database_option = format!("--database={db}");
    for words in [
        vec!["list", "--database", db.as_str()],
        vec!["list", database_option.as_str()],
        vec!["pause", "1", "--config", "nibble.toml"],
    ] {
        let mut args = vec!["campaign", "--tenant", "slack:T1"];
        args.extend(&words);
        let out = nibble(&args, dir.path(), &[]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{words:?}: {err}");
        assert!(
            err.contains("after the campaign words") && err.contains("--"),
            "{words:?}: {err}"
        );
        assert!(
            !dir.path().join("nibble.db").exists(),
            "{words:?} ran on ./nibble.db"
        );
    }
}
