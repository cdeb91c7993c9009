//! The fake's Web API: JSON like Slack's, `ok:false` errors, 429 with Retry-After.

use super::checks::check_message_body;
use super::{APP_TOKEN, BOT_TOKEN, Fault, Recorded, State};
use axum::body::Bytes;
use axum::extract::{Path, Query, State as AxState};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;

fn reply(v: Value) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        v.to_string(),
    )
        .into_response()
}

fn error(code: &str) -> Response {
    reply(json!({"ok": false, "error": code}))
}

pub async fn api(
    AxState(state): AxState<Arc<State>>,
    Path(method): Path<String>,
    http: Method,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let body = parse_body(&headers, &body, &query);
    record(&state, &method, &http, &body);
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let expected = if method == "apps.connections.open" {
        APP_TOKEN
    } else {
        BOT_TOKEN
    };
    if token != format!("Bearer {expected}") {
        return error("invalid_auth");
    }
    let channel = body
        .get("channel")
        .or_else(|| body.get("users"))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    if method != "apps.connections.open"
        && let Err(needed) = state.manifest.authorise(&method, &channel)
    {
        return reply(
            json!({"ok": false, "error": "missing_scope", "needed": needed,
            "provided": state.manifest.bot_scopes.iter().cloned().collect::<Vec<_>>().join(",")}),
        );
    }
    let fault = state
        .faults
        .lock()
        .expect("lock")
        .get_mut(&method)
        .and_then(|q| q.pop_front());
    match fault {
        Some(Fault::RateLimited(secs)) => return too_many_requests(secs),
        Some(Fault::ServerError) => {
            return (StatusCode::INTERNAL_SERVER_ERROR, "upstream failure").into_response();
        }
        Some(Fault::Slow(d)) => tokio::time::sleep(d).await,
        Some(Fault::Error(code)) => return error(code),
        None => {}
    }
    if let Err(wait) = super::limit::admit(&state, &method, &channel) {
        // Whole seconds, as Slack's header: at least one, however short the real wait.
        return too_many_requests(wait.as_secs_f64().ceil().max(1.0) as u64);
    }
    let response = answer(&state, &method, &body);
    *state
        .answered
        .lock()
        .expect("lock")
        .entry(method.clone())
        .or_default() += 1;
    state.changed.notify_waiters();
    response
}

/// HTTP 429 with `Retry-After` in whole seconds, as Slack answers a rate-limited call.
fn too_many_requests(secs: u64) -> Response {
    (
        StatusCode::TOO_MANY_REQUESTS,
        [
            (header::RETRY_AFTER, secs.to_string()),
            (header::CONTENT_TYPE, "application/json".into()),
        ],
        json!({"ok": false, "error": "ratelimited"}).to_string(),
    )
        .into_response()
}

fn parse_body(headers: &HeaderMap, body: &Bytes, query: &HashMap<String, String>) -> Value {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.contains("json"));
    if is_json {
        return serde_json::from_slice(body)
            .unwrap_or_else(|e| json!({"_unparseable": e.to_string()}));
    }
    let mut map: serde_json::Map<String, Value> = query
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    for pair in String::from_utf8_lossy(body)
        .split('&')
        .filter(|p| !p.is_empty())
    {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        map.insert(k.to_string(), Value::String(v.to_string()));
    }
    Value::Object(map)
}

pub(super) fn record(state: &State, method: &str, http: &Method, body: &Value) {
    let n = {
        let mut requests = state.requests.lock().expect("lock");
        requests.push(Recorded {
            method: method.to_string(),
            http: http.to_string(),
            body: body.clone(),
            at: std::time::Instant::now(),
        });
        requests.len()
    };
    if let Some(dir) = &state.record_dir {
        let _ = std::fs::create_dir_all(dir);
        let port = state
            .addr
            .lock()
            .expect("lock")
            .map(|a| a.port())
            .unwrap_or_default();
        let file = dir.join(format!(
            "slack-{}-{port}-{n:05}-{method}.json",
            std::process::id()
        ));
        let doc = json!({"platform": "slack", "method": http.to_string(), "path": format!("/api/{method}"), "body": body});
        let _ = std::fs::write(file, serde_json::to_vec_pretty(&doc).unwrap_or_default());
    }
}

fn next_ts(state: &State) -> String {
    format!(
        "1700000000.{:06}",
        state.next_ts.fetch_add(1, Ordering::SeqCst)
    )
}

fn answer(state: &State, method: &str, body: &Value) -> Response {
    let text = |k: &str| {
        body.get(k)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    match method {
        "apps.connections.open" => {
            let addr = state
                .addr
                .lock()
                .expect("lock")
                .map(|a| a.to_string())
                .unwrap_or_default();
            reply(json!({"ok": true, "url": format!("ws://{addr}/link?ticket={}", next_ts(state))}))
        }
        "auth.test" => reply(json!({
            "ok": true, "url": "https://nibble-test.slack.com/", "team": "Nibble Test", "user": "nibble",
            "team_id": super::TEAM, "user_id": "UBOT", "bot_id": "BBOT", "is_enterprise_install": false
        })),
        "chat.postMessage" | "chat.update" | "chat.postEphemeral" => {
            for v in check_message_body(method, body) {
                state.violations.lock().expect("lock").push(v);
            }
            let channel = text("channel");
            if channel.is_empty() {
                return error("channel_not_found");
            }
            if let Some(refusal) = super::files::refuse_pictures(state, body) {
                return reply(refusal);
            }
            if channel == "C-ARCHIVED" {
                return error("is_archived");
            }
            match method {
                "chat.postMessage" => {
                    let ts = next_ts(state);
                    let mut message = body.clone();
                    message["ts"] = json!(ts);
                    message["bot_id"] = json!("BBOT");
                    message["type"] = json!("message");
                    state
                        .history
                        .lock()
                        .expect("lock")
                        .entry(channel.clone())
                        .or_default()
                        .insert(0, message.clone());
                    reply(json!({"ok": true, "channel": channel, "ts": ts, "message": message}))
                }
                "chat.update" => reply(
                    json!({"ok": true, "channel": channel, "ts": text("ts"), "text": text("text")}),
                ),
                _ => reply(json!({"ok": true, "message_ts": next_ts(state)})),
            }
        }
        "conversations.open" => match body.get("users").and_then(Value::as_str) {
            Some(users) if !users.is_empty() && !users.contains(',') => {
                reply(json!({"ok": true, "channel": {"id": format!("D{users}")}}))
            }
            Some(users) => reply(
                json!({"ok": true, "channel": {"id": format!("G{}", users.replace(',', ""))}}),
            ),
            None => error("users_not_found"),
        },
        "conversations.history" => {
            // Like Slack: top-level messages only; thread replies are read with conversations.replies.
            let history = state.history.lock().expect("lock");
            let messages: Vec<Value> = history
                .get(&text("channel"))
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .filter(|m| m.get("thread_ts").is_none_or(|t| t == &m["ts"]))
                .collect();
            reply(json!({"ok": true, "messages": messages, "has_more": false}))
        }
        "conversations.replies" => {
            let history = state.history.lock().expect("lock");
            let ts = text("ts");
            let mut messages: Vec<Value> = history
                .get(&text("channel"))
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .filter(|m| m["ts"] == ts.as_str() || m["thread_ts"] == ts.as_str())
                .collect();
            messages.reverse();
            if messages.is_empty() {
                return error("thread_not_found");
            }
            reply(json!({"ok": true, "messages": messages, "has_more": false}))
        }
        "conversations.members" => {
            // Paged like Slack: `cursor` continues where the previous page (of `limit`) ended.
            let members = state
                .channel_members
                .lock()
                .expect("lock")
                .get(&text("channel"))
                .cloned();
            let Some(members) = members else {
                return error("channel_not_found");
            };
            let from: usize = text("cursor").parse().unwrap_or(0);
            let limit: usize = text("limit").parse().unwrap_or(100).max(1);
            let page: Vec<&String> = members.iter().skip(from).take(limit).collect();
            let next = if from + limit < members.len() {
                (from + limit).to_string()
            } else {
                String::new()
            };
            reply(json!({"ok": true, "members": page, "response_metadata": {"next_cursor": next}}))
        }
        "users.info" => {
            let user = text("user");
            let admin = state.admins.lock().expect("lock").contains(&user);
            let name = state
                .user_names
                .lock()
                .expect("lock")
                .get(&user)
                .cloned()
                .unwrap_or_else(|| user.to_lowercase());
            reply(json!({"ok": true, "user": {
                "id": user, "team_id": super::TEAM, "name": name, "real_name": format!("Learner {user}"),
                "tz": "Europe/Berlin", "tz_label": "Central European Time", "tz_offset": 3600,
                "is_admin": admin, "is_owner": false, "is_primary_owner": false, "is_bot": user == "UBOT", "deleted": false,
                "profile": {"real_name": format!("Learner {user}"), "display_name": name}
            }}))
        }
        "files.getUploadURLExternal" | "files.completeUploadExternal" => {
            reply(super::files::answer(state, method, body))
        }
        _ => error("unknown_method"),
    }
}
