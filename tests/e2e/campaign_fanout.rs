//! A campaign's fan-out through the fake Slack: `nibble run` killed with SIGKILL in the middle of a
//! 500-learner fan-out and restarted delivers every lesson exactly once; 429s are waited out as told.

use crate::slack::spawn_slack_app;
use crate::support::fake_slack::{APP_TOKEN, BOT_TOKEN, FakeSlack, Fault, Manifest, TEAM};
use crate::support::lessons_dir;
use chrono::{Datelike, Duration, Timelike, Utc};
use nibble::chat::{Event, EventKind, Platform, UserRef};
use nibble::content::{load_catalog, split_into_parts};
use std::collections::HashMap;
use std::path::Path;
use std::process::{Child, Command, Stdio};

pub(crate) const LEARNERS: usize = 500;
/// Slack's limits (and nibble's pacing) run this much faster in the child-process fan-outs: 500
/// first DMs need 500 conversations.open calls, ten minutes of Tier 3 in Slack's own time.
pub(crate) const FAN_OUT_SCALE: f64 = 300.0;

/// Messages one learner receives for the campaign's first lesson (its parts and its questions).
pub(crate) fn messages_per_learner() -> usize {
    let catalog = load_catalog(&lessons_dir()).expect("lessons");
    let lesson = catalog.lesson("spot-phishing").expect("first lesson");
    split_into_parts(&lesson.blocks).expect("parts").len() + lesson.questions.len()
}

pub(crate) fn write_config(dir: &Path, fake: &FakeSlack, extra: &str) -> std::path::PathBuf {
    // One slot, three seconds from now (a yearly date): the fan-out starts soon after the daemon.
    let at = Utc::now() + Duration::seconds(3);
    let cron = format!(
        "{} {} {} {} {} *",
        at.second(),
        at.minute(),
        at.hour(),
        at.day(),
        at.month()
    );
    let members: Vec<String> = (1..=LEARNERS).map(|i| format!("\"U{i:04}\"")).collect();
    let config = format!(
        r#"[database]
url = "sqlite://{db}"

[lessons]
dir = "{lessons}"

[slack]
enabled = true
api_url = "{api}"
connections = 1
pacing_scale = {scale:.1}

[campaigns]
quiet_hours = "off"

[[campaign]]
tenant = "slack:{TEAM}"
name = "fan-out"
course = "security-awareness"
dm = true
members = [{members}]
cron = "{cron}"
zone = "UTC"
{extra}
"#,
        db = dir.join("fanout.db").display(),
        lessons = lessons_dir().display(),
        api = fake.api_url(),
        scale = fake.time_scale(),
        members = members.join(", "),
    );
    let path = dir.join("nibble.toml");
    std::fs::write(&path, config).expect("write config");
    path
}

pub(crate) fn start(config: &Path, log: &Path, flags: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_nibble"))
        .args(["--config", &config.display().to_string(), "run"])
        .args(flags)
        .env("NIBBLE_SLACK_BOT_TOKEN", BOT_TOKEN)
        .env("NIBBLE_SLACK_APP_TOKEN", APP_TOKEN)
        .env("NO_COLOR", "1")
        .env_remove("RUST_LOG")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log).expect("log file"))
        .spawn()
        .expect("nibble run starts")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fan_out_killed_midway_and_restarted_reaches_every_learner_exactly_once() {
    let fake = FakeSlack::start_with(Manifest::project(), FAN_OUT_SCALE).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let config = write_config(dir.path(), &fake, "[ops]\nlisten = \"\"");
    let per_learner = messages_per_learner();
    let total = LEARNERS * per_learner;

    let mut first = start(&config, &dir.path().join("first.log"), &[]);
    fake.wait_for("a third of the fan-out", || {
        (fake.post_count() >= total / 3).then_some(())
    })
    .await;
    first.kill().expect("SIGKILL"); // no shutdown, no flush: in-flight sends are left in doubt
    first.wait().expect("reaped");
    let at_kill = fake.post_count();
    assert!(
        at_kill < total,
        "the kill came after the fan-out finished ({at_kill} of {total})"
    );

    let mut second = start(&config, &dir.path().join("second.log"), &[]);
    fake.wait_for("the whole fan-out", || {
        (fake.post_count() >= total).then_some(())
    })
    .await;
    // A clean stop this time: the dispatcher records the last sends before exiting.
    let status = Command::new("kill")
        .args(["-TERM", &second.id().to_string()])
        .status();
    assert!(status.is_ok_and(|s| s.success()), "SIGTERM sent");
    assert!(second.wait().expect("reaped").success(), "clean exit");

    // Checked on the platform's side: one copy of every message, every learner complete.
    let keys = fake.delivery_keys();
    let mut copies: HashMap<&str, usize> = HashMap::new();
    for (_, key) in &keys {
        *copies.entry(key.as_str()).or_default() += 1;
    }
    let duplicated: Vec<_> = copies.iter().filter(|(_, n)| **n > 1).collect();
    assert!(duplicated.is_empty(), "duplicates: {duplicated:?}");
    for i in 1..=LEARNERS {
        let got = fake.posted(&format!("DU{i:04}")).len();
        assert_eq!(got, per_learner, "learner U{i:04} got {got} messages");
    }
    assert_eq!(keys.len(), total);
    fake.assert_valid();

    // The operator sees the finished fan-out.
    let show = Command::new(env!("CARGO_BIN_EXE_nibble"))
        .args([
            "--config",
            &config.display().to_string(),
            "campaign",
            "--tenant",
            &format!("slack:{TEAM}"),
            "show",
            "fan-out",
        ])
        .output()
        .expect("campaign show");
    let show = String::from_utf8_lossy(&show.stdout).to_string();
    assert!(show.contains(&format!("Recipients: {LEARNERS}")), "{show}");
    assert!(
        show.contains(&format!("messages sent {total}, waiting 0, failed 0")),
        "{show}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fan_out_waits_out_429s_as_told_and_loses_nothing() {
    let app = spawn_slack_app().await;
    let lead = UserRef {
        id: "ULEAD".into(),
        name: "Lead".into(),
        time_zone: None,
        is_lead: true,
        is_moderator: false,
    };
    let command = |key: &str, args: &str| Event {
        key: key.into(),
        platform: Platform::Slack,
        tenant: TEAM.into(),
        channel: "C-LEADS".into(),
        is_dm: false,
        user: lead.clone(),
        kind: EventKind::Command {
            name: "nibble".into(),
            args: args.into(),
        },
    };
    let engine = app.daemon.engine();
    let members: Vec<String> = (1..=20).map(|i| format!("U{i:03}")).collect();
    let create = format!(
        "campaign create name=rl course=giving-feedback dm members={} cron=\"0 9 1 1 *\" zone=UTC",
        members.join(",")
    );
    // Whatever the hour the test runs at, quiet hours must not hold the DMs.
    engine
        .handle(command("e0", "quiet-hours off"))
        .await
        .expect("quiet hours");
    engine.handle(command("e1", &create)).await.expect("create");
    // Slack answers the next three posts with 429 and Retry-After: 1.
    app.fake
        .inject("chat.postMessage", Fault::RateLimited(1), 3);
    engine
        .handle(command("e2", "campaign send-next rl"))
        .await
        .expect("send-next");
    let per_learner = {
        let catalog = load_catalog(&lessons_dir()).expect("lessons");
        let l = catalog.lesson("why-feedback-matters").expect("lesson");
        split_into_parts(&l.blocks).expect("parts").len() + l.questions.len()
    };
    let total = members.len() * per_learner;
    app.fake
        .wait_for("every message despite the 429s", || {
            (app.fake.post_count() >= total).then_some(())
        })
        .await;
    let posts: Vec<_> = app
        .fake
        .all_requests()
        .into_iter()
        .filter(|r| r.method == "chat.postMessage")
        .collect();
    // Each refused post was sent again once: the three injected 429s, and any the fake's own
    // per-channel limit answered when a loaded machine let two posts arrive closer than sent.
    assert_eq!(
        posts.len(),
        total + 3 + app.fake.rate_limited(),
        "each refused post was sent again once"
    );
    // The first three posts were refused. Posts already on the wire may still land just after a 429;
    // after that, nothing is sent to the workspace until Retry-After (1 s) has passed.
    for refused in &posts[..3] {
        let early: Vec<_> = posts
            .iter()
            .map(|p| p.at.saturating_duration_since(refused.at))
            .filter(|gap| {
                *gap > std::time::Duration::from_millis(150)
                    && *gap < std::time::Duration::from_millis(900)
            })
            .collect();
        assert!(
            early.is_empty(),
            "posts sent during the Retry-After pause: {early:?}"
        );
    }
    let keys = app.fake.delivery_keys();
    let unique: std::collections::HashSet<_> = keys.iter().map(|(_, k)| k).collect();
    assert_eq!(
        (keys.len(), unique.len()),
        (total, total),
        "nothing lost, nothing twice"
    );
    app.fake.assert_valid();
}
