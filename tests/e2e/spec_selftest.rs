//! The checks check: the spec validator rejects known-bad bodies and passes good ones, a fake dropped
//! with a bad request fails its test, a missing `../shared` fails under CI, and so does `.ci/run`.

use crate::support::fake_discord::{self, FakeDiscord};
use crate::support::fake_slack::{self, FakeSlack};
use crate::support::http::call;
use crate::support::spec_check::{locate, shared_dir, validate};
use serde_json::{Value, json};
use std::panic::{AssertUnwindSafe, catch_unwind};

const SLACK_SPEC: &str = "reference/slack/web-api/slack_web_openapi_v2.json";
const DISCORD_SPEC: &str = "reference/discord/openapi.json";

fn args(a: &[&str]) -> Vec<String> {
    a.iter().map(|s| s.to_string()).collect()
}

fn fails(spec: &str, selector: &[&str], body: Value) -> bool {
    catch_unwind(|| validate(spec, &[(args(selector), body)], "self-test")).is_err()
}

#[test]
fn the_spec_validator_rejects_bad_bodies_and_passes_good_ones() {
    // Without ../shared: a notice outside CI; under CI shared_dir fails the test itself.
    if shared_dir(SLACK_SPEC).is_none() || shared_dir(DISCORD_SPEC).is_none() {
        return;
    }
    let post = ["--path", "/chat.postMessage"];
    assert!(fails(SLACK_SPEC, &post, json!({"channel": 5, "text": "x"})));
    assert!(fails(SLACK_SPEC, &post, json!({"text": "no channel"})));
    assert!(!fails(
        SLACK_SPEC,
        &post,
        json!({"channel": "C1", "text": "x"})
    ));
    let query = ["--query", "/conversations.members"];
    assert!(fails(
        SLACK_SPEC,
        &query,
        json!({"channel": "C1", "limit": "many"})
    ));
    assert!(fails(
        SLACK_SPEC,
        &query,
        json!({"channel": "C1", "chanel": "C1"})
    ));
    assert!(fails(
        SLACK_SPEC,
        &query,
        json!({"channel": "C1", "token": "xoxb-1"})
    ));
    assert!(!fails(
        SLACK_SPEC,
        &query,
        json!({"channel": "C1", "limit": "200"})
    ));
    let message = ["--op", "create_message", "--strict"];
    assert!(fails(
        DISCORD_SPEC,
        &message,
        json!({"content": "x", "bogus": 1})
    ));
    assert!(fails(DISCORD_SPEC, &message, json!({"content": 7})));
    assert!(!fails(DISCORD_SPEC, &message, json!({"content": "x"})));
    assert!(fails(
        DISCORD_SPEC,
        &["--op", "no_such_operation"],
        json!({})
    ));
}

#[test]
fn a_missing_shared_folder_is_a_notice_outside_ci_and_a_failure_in_ci() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("shared");
    assert_eq!(locate(&missing, false), None);
    let in_ci = catch_unwind(|| locate(&missing, true));
    assert!(in_ci.is_err(), "CI without ../shared must fail");
    std::fs::create_dir_all(missing.join("reference")).expect("mkdir");
    std::fs::create_dir_all(missing.join("tools")).expect("mkdir");
    assert_eq!(locate(&missing, true), Some(missing));
}

#[test]
fn ci_run_stops_at_once_when_ci_is_set_and_shared_is_missing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = dir.path().join("repo");
    std::fs::create_dir_all(repo.join(".ci")).expect("mkdir");
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/run");
    std::fs::copy(script, repo.join(".ci/run")).expect("copy .ci/run");
    let out = std::process::Command::new("bash")
        .arg(repo.join(".ci/run"))
        .env("CI", "true")
        .output()
        .expect("bash runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stdout}{stderr}");
    assert!(stderr.contains("../shared"), "a clear message: {stderr}");
    assert!(
        !stdout.contains("== toolchain"),
        "nothing else ran: {stdout}"
    );
}

async fn discord_post(body: Value) -> FakeDiscord {
    let fake = FakeDiscord::start().await;
    let auth = format!("Bot {}", fake_discord::TOKEN);
    call(
        fake.addr,
        "POST /api/v10/channels/811000000000000001/messages",
        &auth,
        &body,
    )
    .await;
    fake
}

async fn slack_call(request: &str, body: Value) -> FakeSlack {
    let fake = FakeSlack::start().await;
    let auth = format!("Bearer {}", fake_slack::BOT_TOKEN);
    call(fake.addr, request, &auth, &body).await;
    fake
}

fn drop_fails<T>(fake: T) -> bool {
    catch_unwind(AssertUnwindSafe(|| drop(fake))).is_err()
}

#[tokio::test]
async fn a_fake_dropped_after_a_bad_request_fails_the_test() {
    // Limits are the fakes' own checks: they hold without ../shared.
    let long = "x".repeat(2001);
    assert!(drop_fails(discord_post(json!({"content": long})).await));
    let blocks: Vec<Value> = (0..51).map(|_| json!({"type": "divider"})).collect();
    let too_many = json!({"channel": "C1", "text": "x", "blocks": blocks});
    assert!(drop_fails(
        slack_call("POST /api/chat.postMessage", too_many).await
    ));
    assert!(!drop_fails(discord_post(json!({"content": "fine"})).await));
    assert!(!drop_fails(
        slack_call(
            "POST /api/chat.postMessage",
            json!({"channel": "C1", "text": "x"})
        )
        .await
    ));
    // A method nobody classified cannot slip through unchecked.
    assert!(drop_fails(
        slack_call("POST /api/chat.meMessage", json!({"channel": "C1"})).await
    ));
    if shared_dir(SLACK_SPEC).is_none() || shared_dir(DISCORD_SPEC).is_none() {
        return;
    }
    assert!(drop_fails(
        discord_post(json!({"content": "x", "bogus": 1})).await
    ));
    let lookup = "GET /api/users.info?user=U1&usr=U2";
    assert!(drop_fails(slack_call(lookup, Value::Null).await));
    assert!(!drop_fails(
        slack_call("GET /api/users.info?user=U1", Value::Null).await
    ));
}
