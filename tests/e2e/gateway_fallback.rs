//! With `[discord] api_address` set (a test's fake), the gateway comes only from that server
//! (issue 19, item 11): serenity, when its lookup fails, would connect to Discord's public gateway.

use crate::support::cli::{nibble_command, on_fake_discord};
use crate::support::fake_discord::{FakeDiscord, Fault};
use crate::support::lessons_dir;
use std::path::Path;
use std::process::{Child, ExitStatus, Stdio};
use std::time::Duration;

/// `nibble run` against the fake; killed when dropped, so a test that fails leaves no daemon.
struct Daemon(Child);

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(fake: &FakeDiscord, dir: &Path) -> Daemon {
    let log = std::fs::File::create(dir.join("nibble.log")).expect("log file");
    let child = on_fake_discord(&mut nibble_command(dir), fake)
        .args([
            "run",
            "--database",
            &dir.join("run.db").display().to_string(),
        ])
        .env("NIBBLE_LESSONS_DIR", lessons_dir())
        .env("NIBBLE_OPS_LISTEN", "")
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("nibble run starts");
    Daemon(child)
}

async fn exit_of(daemon: &mut Daemon) -> ExitStatus {
    let never = tokio::sync::Notify::new();
    crate::support::wait_on(
        &never,
        "nibble run to stop",
        Duration::from_secs(20),
        || daemon.0.try_wait().expect("wait"),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_gateway_lookup_stops_nibble_instead_of_reaching_discord() {
    let fake = FakeDiscord::start().await;
    fake.inject_always("GET /gateway/bot", Fault::ServerError);
    fake.inject_always("GET /gateway", Fault::ServerError);
    let dir = tempfile::tempdir().expect("tempdir");
    let mut daemon = start(&fake, dir.path());
    let status = exit_of(&mut daemon).await;
    let log = std::fs::read_to_string(dir.path().join("nibble.log")).unwrap_or_default();
    assert_eq!(status.code(), Some(1), "{log}");
    assert!(
        log.contains("gateway lookup (GET /gateway/bot)")
            && log.contains(&fake.api_address())
            && log.contains("never to Discord's public one"),
        "{log}"
    );
    assert!(!log.contains("gateway.discord.gg"), "{log}");
    assert_eq!(fake.identifies(), 0, "a gateway connection was made");
    assert!(!fake.connected());
    assert!(
        !fake.timed_requests("GET /gateway/bot").is_empty(),
        "the lookup was not asked of the configured server"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_gateway_the_server_names_is_used_even_when_serenitys_lookup_fails() {
    let fake = FakeDiscord::start().await;
    // serenity asks GET /gateway; failing, it would fall back to wss://gateway.discord.gg.
    fake.inject_always("GET /gateway", Fault::ServerError);
    let dir = tempfile::tempdir().expect("tempdir");
    let _daemon = start(&fake, dir.path());
    fake.wait_for("an IDENTIFY at the fake's gateway", || {
        (fake.identifies() > 0).then_some(())
    })
    .await;
}
