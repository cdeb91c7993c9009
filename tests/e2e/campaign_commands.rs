//! Campaign commands as values from outside chat: `Engine::run_command` says what a command came
//! to, and `nibble campaign` sets its exit code from that (never from the reply's wording).

use crate::support::cli::text;
use crate::support::{TENANT, lessons_dir, reply_text, spawn_app, user};
use nibble::chat::{Platform, UserRef};
use nibble::command::{CampaignCommand, Command};
use nibble::engine::{CommandOutcome, CommandStatus, Operator};

fn operator(who: UserRef) -> Operator {
    Operator {
        platform: Platform::Local,
        tenant: TENANT.into(),
        user: who,
    }
}

fn lead() -> UserRef {
    crate::campaigns::lead()
}

fn said(outcome: &CommandOutcome) -> String {
    reply_text(&outcome.reply)
}

#[tokio::test]
async fn a_command_value_comes_back_done_refused_invalid_not_found_or_unchanged() {
    let app = spawn_app().await;
    let run = |who: UserRef, words: &[&str]| {
        let words: Vec<String> = words.iter().map(|w| w.to_string()).collect();
        let command = CampaignCommand::from_words(&words).map(Command::Campaigns);
        let engine = app.engine.clone();
        async move {
            engine
                .run_command(operator(who), command)
                .await
                .expect("runs")
        }
    };
    let create = [
        "create",
        "name=Q1 push",
        "course=security-awareness",
        "channel=C1",
        "cron=0 9 * * Mon-Fri",
        "zone=UTC",
    ];
    let o = run(user("U-LEARNER"), &create).await;
    assert_eq!(o.status, CommandStatus::Refused, "{}", said(&o));
    assert!(said(&o).starts_with("Only team leads"), "{}", said(&o));
    let o = run(lead(), &create).await;
    assert_eq!(o.status, CommandStatus::Done, "{}", said(&o));
    assert!(
        said(&o).contains("Campaign #1 “Q1 push” created"),
        "{}",
        said(&o)
    );
    let o = run(lead(), &create).await;
    assert_eq!(o.status, CommandStatus::Invalid, "a second “Q1 push”");
    assert!(said(&o).contains("already exists"), "{}", said(&o));
    let o = run(
        lead(),
        &["create", "course=security-awareness", "cron=0 9 * * *"],
    )
    .await;
    assert_eq!(o.status, CommandStatus::Invalid, "{}", said(&o));
    assert!(
        said(&o).starts_with("Campaign not created: `zone` is missing"),
        "{}",
        said(&o)
    );
    // In no channel, a campaign must name one.
    let o = run(
        lead(),
        &[
            "create",
            "course=security-awareness",
            "cron=0 9 * * *",
            "zone=UTC",
        ],
    )
    .await;
    assert_eq!(o.status, CommandStatus::Invalid, "{}", said(&o));
    assert!(said(&o).contains("`channel` is missing"), "{}", said(&o));
    let o = run(lead(), &["show", "9"]).await;
    assert_eq!(o.status, CommandStatus::NotFound, "{}", said(&o));
    // A name with a space, one shell word: found as it stands.
    let o = run(lead(), &["pause", "Q1 push"]).await;
    assert_eq!(o.status, CommandStatus::Done, "{}", said(&o));
    let o = run(lead(), &["pause", "#1"]).await;
    assert_eq!(o.status, CommandStatus::Unchanged, "{}", said(&o));
    assert!(
        said(&o).ends_with("is paused: it cannot pause."),
        "{}",
        said(&o)
    );
    let o = run(lead(), &["dance"]).await;
    assert_eq!(o.status, CommandStatus::Done, "{}", said(&o));
    assert!(
        said(&o).starts_with("Campaign commands (team leads)"),
        "{}",
        said(&o)
    );
}

#[test]
fn the_command_lines_exit_code_follows_what_the_command_came_to() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("ops.db").display().to_string();
    let lessons = lessons_dir().display().to_string();
    let run = |words: &[&str]| {
        let mut args = vec!["--database", &db, "campaign", "--tenant", "slack:T0123"];
        args.extend_from_slice(words);
        let out = crate::support::cli::nibble_command(dir.path())
            .args(&args)
            .env("NIBBLE_LESSONS_DIR", &lessons)
            .output()
            .expect("run nibble");
        (out.status.success(), text(&out))
    };
    let (ok, out) = run(&["show", "1"]);
    assert!(
        !ok && out.starts_with("There is no campaign `1` here"),
        "{out}"
    );
    let (ok, out) = run(&[
        "create",
        "course=knitting",
        "channel=C1",
        "cron=0 9 * * *",
        "zone=UTC",
    ]);
    assert!(
        !ok && out.starts_with("Campaign not created: There is no course `knitting`"),
        "{out}"
    );
    let (ok, out) = run(&[
        "create",
        "name=Q1 push",
        "course=security-awareness",
        "channel=C1",
        "cron=0 9 * * *",
        "zone=UTC",
    ]);
    assert!(ok, "{out}");
    let (ok, out) = run(&["stop", "Q1 push"]);
    assert!(ok && out.contains("stopped"), "{out}");
    // Nothing left to stop: not a failure, as before.
    let (ok, out) = run(&["stop", "1"]);
    assert!(ok && out.contains("is finished: it cannot stop."), "{out}");
    let (ok, out) = run(&["help"]);
    assert!(
        ok && out.starts_with("Campaign commands (team leads)"),
        "{out}"
    );
}
