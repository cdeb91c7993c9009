//! `nibble run` as an operator runs it: the binary against the fake Discord, SIGHUP reloads lessons,
//! SIGTERM stops it cleanly.

use crate::discord::{CHANNEL, LEARNER, wait_ready};
use crate::support::cli::{nibble_command, on_fake_discord};
use crate::support::fake_discord::{FakeDiscord, GUILD, TOKEN, payloads};
use crate::support::lessons_dir;
use serde_json::json;
use std::process::{Command, Stdio};
use std::time::Duration;

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir").flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}

fn signal(pid: u32, sig: &str) {
    let status = Command::new("kill")
        .args([sig, &pid.to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nibble_run_serves_reloads_on_sighup_and_stops_on_sigterm() {
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let lessons = dir.path().join("lessons");
    copy_dir(&lessons_dir(), &lessons);
    let log = dir.path().join("nibble.log");
    let mut child = on_fake_discord(&mut nibble_command(dir.path()), &fake)
        .args([
            "run",
            "--database",
            &dir.path().join("run.db").display().to_string(),
        ])
        .env("NIBBLE_LESSONS_DIR", &lessons)
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).expect("log file"))
        .spawn()
        .expect("nibble run starts");
    wait_ready(&fake).await;

    let file = lessons.join("security-awareness/01-spot-phishing.md");
    let text = std::fs::read_to_string(&file).expect("read lesson");
    std::fs::write(&file, text.replacen("title = \"", "title = \"Edited: ", 1))
        .expect("edit lesson");
    signal(child.id(), "-HUP");
    fake.wait_for("the reload", || {
        std::fs::read_to_string(&log)
            .ok()
            .filter(|l| l.contains("lessons reloaded"))
            .map(|_| ())
    })
    .await;

    let id = fake.next_id();
    fake.dispatch(
        "INTERACTION_CREATE",
        payloads::command(
            &id,
            GUILD,
            CHANNEL,
            LEARNER,
            "learn",
            json!([{"name": "topic", "type": 3, "value": "spot-phishing"}]),
            "0",
        ),
    );
    let dm_channel = format!("7{}", &LEARNER[1..]);
    let title = fake
        .wait_for("the reloaded lesson", || {
            fake.messages(&dm_channel)
                .first()
                .and_then(|m| m["embeds"][0]["title"].as_str().map(str::to_string))
        })
        .await;
    assert!(title.starts_with("Edited: "), "{title}");

    signal(child.id(), "-TERM");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "nibble run did not stop on SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let log = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(status.success(), "{status:?}\n{log}");
    assert!(log.contains("nibble stopped"), "{log}");
    assert!(!log.contains(TOKEN), "the token must never be logged");
}
