//! xAPI export against a local LRS that checks every statement's required fields, the version
//! header and Basic auth, and refuses the first batch (the exporter retries); to a file; and to a
//! silent LRS, which fails the send after the request timeout instead of hanging it.

use crate::recognition::take_lesson;
use crate::support::{spawn_app, user};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::{Json, Router, routing::post};
use nibble::engine::CatalogHandle;
use nibble::xapi::{Sink, export_batch};
use serde_json::Value;
use std::collections::HashSet;
use std::sync::{Arc, Mutex};

#[derive(Default)]
struct Lrs {
    requests: usize,
    statements: Vec<Value>,
    problems: Vec<String>,
}

fn iri(v: &Value) -> bool {
    v.as_str()
        .is_some_and(|s| s.contains(':') && !s.contains(' '))
}

fn check(s: &Value) -> Vec<String> {
    let mut p = Vec::new();
    let id = s["id"].as_str().unwrap_or("");
    let parts: Vec<usize> = id.split('-').map(str::len).collect();
    if parts != [8, 4, 4, 4, 12] || !id.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
        p.push(format!("id `{id}` is not a UUID"));
    }
    let account = &s["actor"]["account"];
    if s["actor"]["objectType"] != "Agent"
        || !iri(&account["homePage"])
        || !account["name"].is_string()
    {
        p.push(format!("actor {}", s["actor"]));
    }
    if !iri(&s["verb"]["id"]) || !s["verb"]["display"]["en-US"].is_string() {
        p.push(format!("verb {}", s["verb"]));
    }
    if s["object"]["objectType"] != "Activity" || !iri(&s["object"]["id"]) {
        p.push(format!("object {}", s["object"]));
    }
    if chrono::DateTime::parse_from_rfc3339(s["timestamp"].as_str().unwrap_or("")).is_err() {
        p.push(format!("timestamp {}", s["timestamp"]));
    }
    if let Some(score) = s["result"].get("score") {
        let scaled = score["scaled"].as_f64().unwrap_or(-2.0);
        if !(-1.0..=1.0).contains(&scaled) {
            p.push(format!("score {score}"));
        }
    }
    p
}

async fn statements(
    State(lrs): State<Arc<Mutex<Lrs>>>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> (StatusCode, Json<Value>) {
    let mut lrs = lrs.lock().expect("lock");
    lrs.requests += 1;
    if lrs.requests == 1 {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(serde_json::json!("try again")),
        );
    }
    if headers
        .get("X-Experience-API-Version")
        .and_then(|v| v.to_str().ok())
        != Some("1.0.3")
    {
        lrs.problems
            .push("missing X-Experience-API-Version: 1.0.3".into());
    }
    // "lrs-user:secret"
    if headers.get("Authorization").and_then(|v| v.to_str().ok())
        != Some("Basic bHJzLXVzZXI6c2VjcmV0")
    {
        lrs.problems.push("missing Basic auth".into());
    }
    let list = body.as_array().cloned().unwrap_or_default();
    let mut ids = Vec::new();
    for s in list {
        let found = check(&s);
        lrs.problems.extend(found);
        ids.push(s["id"].clone());
        lrs.statements.push(s);
    }
    (StatusCode::OK, Json(Value::Array(ids)))
}

#[tokio::test]
async fn statements_reach_a_checking_lrs_once_each_after_a_refusal() {
    let app = spawn_app().await;
    for (who, right) in [("U-X1", true), ("U-X2", false)] {
        take_lesson(&app, &user(who), "spot-phishing", right, None).await;
    }
    app.deliver().await;
    let lrs = Arc::new(Mutex::new(Lrs::default()));
    let router = Router::new()
        .route("/xapi/statements", post(statements))
        .with_state(lrs.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, router).await });
    let password = secrecy::SecretString::new("secret".into());
    let sink = Sink::http(&format!("http://{addr}/xapi/"), "lrs-user", &password).expect("sink");
    let catalog = CatalogHandle::new(app.catalog.clone());

    assert!(
        export_batch(&app.store, &catalog, &sink, 10).await.is_err(),
        "the LRS refused the first batch"
    );
    let mut sent = 0;
    loop {
        let n = export_batch(&app.store, &catalog, &sink, 10)
            .await
            .expect("export");
        if n == 0 {
            break;
        }
        sent += n;
    }
    let mut expected = 0;
    for sql in [
        "SELECT COUNT(*) FROM answers",
        "SELECT COUNT(*) FROM points_ledger WHERE source LIKE 'lesson:%' OR source LIKE 'course:%'",
        "SELECT COUNT(*) FROM deliveries WHERE member_id IS NOT NULL",
    ] {
        expected += sqlx::query_scalar::<_, i64>(sql)
            .fetch_one(app.store.pool())
            .await
            .expect("count");
    }
    let lrs = lrs.lock().expect("lock");
    assert!(lrs.problems.is_empty(), "{:?}", lrs.problems);
    assert_eq!(sent as i64, expected);
    assert_eq!(lrs.statements.len() as i64, expected);
    let ids: HashSet<&str> = lrs
        .statements
        .iter()
        .filter_map(|s| s["id"].as_str())
        .collect();
    assert_eq!(ids.len(), lrs.statements.len(), "every statement once");
    let verbs: HashSet<&str> = lrs
        .statements
        .iter()
        .filter_map(|s| s["verb"]["display"]["en-US"].as_str())
        .collect();
    assert_eq!(
        verbs,
        HashSet::from(["answered", "completed", "experienced"])
    );
    let wrong = lrs
        .statements
        .iter()
        .find(|s| s["result"]["success"] == false)
        .expect("a wrong answer");
    assert_eq!(wrong["result"]["score"]["scaled"], 0.0);
}

#[tokio::test]
async fn statements_can_go_to_a_file() {
    let app = spawn_app().await;
    take_lesson(&app, &user("U-F"), "turn-on-mfa", true, None).await;
    app.deliver().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("statements.jsonl");
    let sink = Sink::File(path.clone());
    let catalog = CatalogHandle::new(app.catalog.clone());
    while export_batch(&app.store, &catalog, &sink, 50)
        .await
        .expect("export")
        > 0
    {}
    let text = std::fs::read_to_string(&path).expect("file");
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    assert!(lines.len() >= 4, "{}", lines.len());
    assert!(lines.iter().all(|s| check(s).is_empty()));
}

/// An LRS that accepts connections and never answers: the send fails after `REQUEST_TIMEOUT`
/// (tokio's paused clock jumps ahead while everything waits, so the test takes no real 30 s).
#[tokio::test(start_paused = true)]
async fn a_silent_lrs_fails_the_send_after_the_request_timeout() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (accepted, mut accepted_rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            let _ = accepted.send(());
            held.push(stream); // kept open, never read, never answered
        }
    });
    let password = secrecy::SecretString::new("secret".into());
    let sink = Sink::http(&format!("http://{addr}/xapi"), "lrs-user", &password).expect("sink");
    let started = tokio::time::Instant::now();
    let sent = tokio::time::timeout(
        nibble::xapi::REQUEST_TIMEOUT * 2,
        sink.send(&[serde_json::json!({"id": "silent"})]),
    )
    .await
    .expect("the send gave up by itself");
    let took = started.elapsed();
    assert!(
        accepted_rx.try_recv().is_ok(),
        "the LRS accepted the connection"
    );
    match sent {
        Err(nibble::xapi::SinkError::Silent(after)) => {
            assert_eq!(after, nibble::xapi::REQUEST_TIMEOUT)
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert!(
        took >= nibble::xapi::REQUEST_TIMEOUT && took < nibble::xapi::REQUEST_TIMEOUT * 2,
        "gave up after {took:?}"
    );
}
