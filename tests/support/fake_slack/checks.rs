//! What the fake checks in every message body: Block Kit limits here, Slack's Web API spec via
//! `../shared/tools/validate_openapi_body.py` when `../shared/reference` is present.

use super::Recorded;
use serde_json::Value;
use std::path::PathBuf;

fn len(v: Option<&Value>) -> usize {
    v.and_then(Value::as_str)
        .map(|s| s.chars().count())
        .unwrap_or(0)
}

/// Violations of Slack's documented limits in a chat.* body.
pub fn check_message_body(method: &str, body: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut limit = |what: &str, n: usize, max: usize| {
        if n > max {
            out.push(format!("{method}: {what} is {n}, the limit is {max}"));
        }
    };
    limit("text", len(body.get("text")), 40_000);
    let blocks = body
        .get("blocks")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    limit("blocks", blocks.len(), 50);
    if blocks.is_empty() && len(body.get("text")) == 0 {
        limit("a message without text or blocks", 1, 0);
    }
    for b in &blocks {
        match b.get("type").and_then(Value::as_str).unwrap_or("") {
            "section" => limit("section text", len(b.pointer("/text/text")), 3000),
            "header" => limit("header text", len(b.pointer("/text/text")), 150),
            "image" => {
                limit("image alt_text", len(b.get("alt_text")), 2000);
                limit("image_url", len(b.get("image_url")), 3000);
            }
            "context" => limit(
                "context elements",
                b.get("elements")
                    .and_then(Value::as_array)
                    .map_or(0, Vec::len),
                10,
            ),
            "actions" => {
                let elements = b
                    .get("elements")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                limit("actions elements", elements.len(), 25);
                for e in &elements {
                    limit("action_id", len(e.get("action_id")), 255);
                    limit("button value", len(e.get("value")), 2000);
                    limit("button text", len(e.pointer("/text/text")), 75);
                    limit(
                        "checkbox options",
                        e.get("options")
                            .and_then(Value::as_array)
                            .map_or(0, Vec::len),
                        10,
                    );
                }
            }
            "divider" => {}
            other => limit(&format!("unexpected block type `{other}`"), 1, 0),
        }
    }
    out
}

fn reference_dir() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared");
    dir.join("reference/slack/web-api/slack_web_openapi_v2.json")
        .exists()
        .then_some(dir)
}

/// Checks every chat.* and conversations.open body against Slack's official Web API spec.
pub fn check_against_spec(requests: &[Recorded]) {
    let Some(shared) = reference_dir() else {
        eprintln!(
            "notice: ../shared/reference is absent: Slack spec checks skipped (CI runs them)"
        );
        return;
    };
    let checked = [
        "chat.postMessage",
        "chat.update",
        "chat.postEphemeral",
        "conversations.open",
    ];
    let dir = tempfile::tempdir().expect("tempdir");
    let mut files = Vec::new();
    for (i, r) in requests
        .iter()
        .filter(|r| checked.contains(&r.method.as_str()))
        .enumerate()
    {
        let path = dir.path().join(format!("{i:04}.json"));
        std::fs::write(&path, serde_json::to_vec(&r.body).expect("json")).expect("write body");
        files.push((r.method.clone(), path));
    }
    if files.is_empty() {
        return;
    }
    let list: Vec<String> = files
        .iter()
        .map(|(m, p)| format!("/{m} {}", p.display()))
        .collect();
    let driver = r#"
import runpy, sys
spec, tool = sys.argv[1], sys.argv[2]
bad = 0
for line in sys.stdin.read().splitlines():
    path, body = line.split(" ", 1)
    sys.argv = [tool, spec, "--path", path, body]
    try:
        runpy.run_path(tool, run_name="__main__")
    except SystemExit as e:
        if e.code not in (0, None):
            bad += 1
            print("INVALID:", path, body, e.code)
sys.exit(1 if bad else 0)
"#;
    let spec = shared.join("reference/slack/web-api/slack_web_openapi_v2.json");
    let tool = shared.join("tools/validate_openapi_body.py");
    let mut child = std::process::Command::new("python3")
        .args([
            "-c",
            driver,
            &spec.display().to_string(),
            &tool.display().to_string(),
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("python3 runs the spec validator");
    use std::io::Write;
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(list.join("\n").as_bytes())
        .expect("write list");
    let out = child.wait_with_output().expect("validator finished");
    let report =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "bodies failed Slack's Web API spec:\n{report}"
    );
}
