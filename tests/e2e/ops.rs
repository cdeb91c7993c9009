//! Operations of `nibble run` as a child process against the fake Slack: `/healthz` and `/metrics`
//! scraped mid-fan-out, JSON logs, and SIGTERM with work in flight stopping within 10 s, after which
//! a restart finishes the fan-out with nothing lost or doubled.

use crate::campaign_fanout::{FAN_OUT_SCALE, LEARNERS, messages_per_learner, start, write_config};
use crate::support::fake_slack::{BOT_TOKEN, FakeSlack, Manifest};
use std::collections::HashSet;
use std::process::Command;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A port free right now on 127.0.0.1.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// GET over plain HTTP/1.1: (status code, body).
async fn get(port: u16, path: &str) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("connect to the ops endpoint");
    let request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("write");
    let mut raw = String::new();
    stream.read_to_string(&mut raw).await.expect("read");
    let status = raw
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = raw
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

fn metric(text: &str, name: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or_else(|| panic!("no `{name}` in\n{text}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_metrics_json_logs_and_a_clean_sigterm_mid_fan_out() {
    let fake = FakeSlack::start_with(Manifest::project(), FAN_OUT_SCALE).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let port = free_port();
    let config = write_config(
        dir.path(),
        &fake,
        &format!("[ops]\nlisten = \"127.0.0.1:{port}\""),
    );
    let total = LEARNERS * messages_per_learner();
    let log = dir.path().join("first.log");
    let mut child = start(&config, &log, &["--log-format", "json"]);

    fake.wait_for("a quarter of the fan-out", || {
        (fake.post_count() >= total / 4).then_some(())
    })
    .await;
    let (status, health) = get(port, "/healthz").await;
    assert_eq!(status, 200, "{health}");
    let health: serde_json::Value = serde_json::from_str(&health).expect("JSON health");
    assert_eq!(health["database"], "ok");
    assert_eq!(health["platforms"]["slack"], "connected");
    let (status, metrics) = get(port, "/metrics").await;
    assert_eq!(status, 200);
    assert!(
        metric(&metrics, "nibble_deliveries_sent_total") >= (total / 4) as f64 - 50.0,
        "{metrics}"
    );
    assert!(
        metric(&metrics, "nibble_outbox_pending") > 0.0,
        "work in flight: {metrics}"
    );
    assert!(metrics.contains("# TYPE nibble_handler_latency_seconds histogram"));
    assert_eq!(get(port, "/nope").await.0, 404);

    // SIGTERM while the fan-out is under way: the process finishes what it holds and exits.
    let signalled = Instant::now();
    let sent = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    assert!(sent.is_ok_and(|s| s.success()));
    let exit = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        assert!(
            signalled.elapsed() < Duration::from_secs(10),
            "still running 10 s after SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(exit.success(), "clean exit: {exit:?}");
    let at_stop = fake.post_count();
    assert!(
        at_stop < total,
        "the fan-out was still under way ({at_stop} of {total})"
    );

    // Logs were JSON objects, one per line, and never held the token.
    let text = std::fs::read_to_string(&log).expect("log");
    assert!(!text.contains(BOT_TOKEN));
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert!(v["level"].is_string() && v["fields"].is_object(), "{line}");
    }
    assert!(
        text.contains("stopping: finishing in-flight work"),
        "{text}"
    );

    // A restart finishes the fan-out: every message once.
    let mut again = start(&config, &dir.path().join("second.log"), &[]);
    fake.wait_for("the whole fan-out", || {
        (fake.post_count() >= total).then_some(())
    })
    .await;
    let _ = Command::new("kill")
        .args(["-TERM", &again.id().to_string()])
        .status();
    assert!(again.wait().expect("reaped").success());
    let keys = fake.delivery_keys();
    let unique: HashSet<_> = keys.iter().map(|(_, k)| k).collect();
    assert_eq!(
        (keys.len(), unique.len()),
        (total, total),
        "nothing lost, nothing twice"
    );
}
