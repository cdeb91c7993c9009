//! The fake's REST pipeline under /api/v10: every request recorded, authenticated, faulted when a
//! test asks, rate-limited, limit-checked, answered, and counted towards the invalid-request ban.

use super::checks::check_body;
use super::limits::Verdict;
use super::resources::answer;
use super::{Fault, Recorded, State, TOKEN};
use axum::body::Bytes;
use axum::extract::{Path, State as AxState};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::Ordering;

pub fn next_id(state: &State) -> String {
    state.ids.fetch_add(1, Ordering::SeqCst).to_string()
}

pub fn ok(v: Value) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], v.to_string()).into_response()
}

pub fn fail(status: StatusCode, code: u32, message: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        json!({"message": message, "code": code}).to_string(),
    )
        .into_response()
}

/// The route template, as the spec and the fault table name it.
fn route_of(method: &Method, parts: &[&str]) -> String {
    let t: Vec<&str> = match parts {
        ["channels", _] => vec!["channels", "{channel_id}"],
        ["channels", _, "messages"] => vec!["channels", "{channel_id}", "messages"],
        ["channels", _, "messages", _] => {
            vec!["channels", "{channel_id}", "messages", "{message_id}"]
        }
        ["channels", _, "messages", _, "threads"] => vec![
            "channels",
            "{channel_id}",
            "messages",
            "{message_id}",
            "threads",
        ],
        ["interactions", _, _, "callback"] => vec![
            "interactions",
            "{interaction_id}",
            "{interaction_token}",
            "callback",
        ],
        ["webhooks", _, _] => vec!["webhooks", "{application_id}", "{interaction_token}"],
        ["webhooks", _, _, "messages", id] if *id != "@original" => vec![
            "webhooks",
            "{application_id}",
            "{interaction_token}",
            "messages",
            "{message_id}",
        ],
        ["webhooks", _, _, "messages", "@original"] => vec![
            "webhooks",
            "{application_id}",
            "{interaction_token}",
            "messages",
            "@original",
        ],
        ["applications", _, "guilds", _, "commands"] => vec![
            "applications",
            "{application_id}",
            "guilds",
            "{guild_id}",
            "commands",
        ],
        ["applications", _, "commands"] => vec!["applications", "{application_id}", "commands"],
        ["guilds", _, "roles"] => vec!["guilds", "{guild_id}", "roles"],
        ["guilds", _, "members"] => vec!["guilds", "{guild_id}", "members"],
        ["guilds", _, "members", _] => vec!["guilds", "{guild_id}", "members", "{user_id}"],
        other => other.to_vec(),
    };
    format!("{method} /{}", t.join("/"))
}

/// The top-level resource a route's bucket is counted per (channel, guild, webhook id + token).
fn major(parts: &[&str]) -> String {
    match parts {
        ["channels", id, ..] | ["guilds", id, ..] => id.to_string(),
        ["webhooks", id, token, ..] => format!("{id}/{token}"),
        _ => String::new(),
    }
}

/// A refusal a test injected for this request: first the exact path ("POST /channels/123/messages"),
/// then the route template; a sticky fault applies to every request.
fn fault_for(state: &State, path_key: &str, route: &str) -> Option<Fault> {
    let mut faults = state.faults.lock().expect("lock");
    for key in [path_key, route] {
        if let Some(f) = faults.get_mut(key).and_then(|q| q.pop_front()) {
            return Some(f);
        }
    }
    drop(faults);
    let sticky = state.sticky_faults.lock().expect("lock");
    [path_key, route]
        .iter()
        .find_map(|k| sticky.get(*k).cloned())
}

fn with_headers(mut r: Response, headers: HeaderMap) -> Response {
    r.headers_mut().extend(headers);
    r
}

fn too_many(headers: HeaderMap, retry_after: f64, global: bool) -> Response {
    let body = json!({"message": "You are being rate limited.", "retry_after": (retry_after * 1000.0).round() / 1000.0, "global": global});
    with_headers(
        (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::CONTENT_TYPE, "application/json")],
            body.to_string(),
        )
            .into_response(),
        headers,
    )
}

pub async fn route(
    AxState(state): AxState<Arc<State>>,
    Path(rest): Path<String>,
    method: Method,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = rest.split('?').next().unwrap_or("").to_string();
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    let route = route_of(&method, &parts);
    let (body, files) = super::multipart::parse(&headers, &body)
        .unwrap_or_else(|e| (json!({"_unparseable": e}), Vec::new()));
    record(&state, &method, &path, &route, &body);
    // Interaction endpoints authenticate by their token and are outside the global limit.
    let is_interaction = parts
        .first()
        .is_some_and(|p| *p == "interactions" || *p == "webhooks");
    let auth = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !is_interaction && auth != format!("Bot {TOKEN}") {
        return refused(
            &state,
            fail(StatusCode::UNAUTHORIZED, 0, "401: Unauthorized"),
        );
    }
    let response = match fault_for(&state, &format!("{method} /{path}"), &route) {
        Some(Fault::RateLimited(secs)) => {
            let mut h = HeaderMap::new();
            for (k, v) in [
                ("retry-after", format!("{}", secs.ceil() as u64)),
                ("x-ratelimit-limit", "5".into()),
                ("x-ratelimit-remaining", "0".into()),
                ("x-ratelimit-reset-after", format!("{secs:.3}")),
                ("x-ratelimit-bucket", "fake-bucket-messages".into()),
                ("x-ratelimit-scope", "shared".into()),
            ] {
                if let Ok(v) = v.parse() {
                    h.insert(k, v);
                }
            }
            Some(too_many(h, secs, false))
        }
        Some(Fault::ServerError) => Some(fail(StatusCode::BAD_GATEWAY, 0, "502: Bad Gateway")),
        Some(Fault::MissingAccess) => Some(fail(StatusCode::FORBIDDEN, 50001, "Missing Access")),
        Some(Fault::MissingPermissions) => {
            Some(fail(StatusCode::FORBIDDEN, 50013, "Missing Permissions"))
        }
        Some(Fault::UnknownChannel) => Some(fail(StatusCode::NOT_FOUND, 10003, "Unknown Channel")),
        Some(Fault::Slow(d)) => {
            tokio::time::sleep(d).await;
            None
        }
        None => None,
    };
    if let Some(r) = response {
        return refused(&state, r);
    }
    let verdict = {
        let limits = state.limits.lock().expect("lock").clone();
        state
            .meter
            .lock()
            .expect("lock")
            .check(&limits, &route, &major(&parts), is_interaction)
    };
    let limit_headers = match verdict {
        Verdict::Allowed(h) => h,
        Verdict::Limited {
            headers,
            retry_after,
            global,
        } => {
            return refused(&state, too_many(headers, retry_after, global));
        }
    };
    for v in check_body(&route, &body) {
        state.violations.lock().expect("lock").push(v);
    }
    // Discord refuses files where the bot lacks Attach Files (403, 50013), whatever the text.
    if let ["channels", channel, "messages"] = parts.as_slice()
        && !files.is_empty()
        && state
            .no_attach_files
            .lock()
            .expect("lock")
            .contains(*channel)
    {
        let denied = fail(StatusCode::FORBIDDEN, 50013, "Missing Permissions");
        return refused(&state, with_headers(denied, limit_headers));
    }
    let body = with_files(&state, &route, body, files);
    let response = match (method.as_str(), parts.as_slice()) {
        ("POST", ["interactions", id, token, "callback"]) => {
            super::interactions::callback(&state, id, token, &body)
        }
        (m, ["webhooks", app, token, rest @ ..]) => {
            super::interactions::webhook(&state, m, app, token, rest, &body)
        }
        _ => answer(&state, &method, &parts, &body),
    };
    let response = refused(&state, with_headers(response, limit_headers));
    state.changed.notify_waiters();
    response
}

/// Checks a multipart body's files against its JSON and keeps them; the message Discord creates
/// lists them (under a key of the fake's own, `_attached`, never recorded or spec-checked).
fn with_files(
    state: &State,
    route: &str,
    mut body: Value,
    files: Vec<super::multipart::FilePart>,
) -> Value {
    if files.is_empty() && body.get("attachments").is_none() {
        return body;
    }
    for v in super::multipart::check(&body, &files) {
        state
            .violations
            .lock()
            .expect("lock")
            .push(format!("{route}: {v}"));
    }
    let first = state.ids.fetch_add(files.len() as u64, Ordering::SeqCst);
    body["_attached"] = super::multipart::attachment_objects(&files, first);
    state.files.lock().expect("lock").extend(files);
    body
}

/// Counts the responses Discord counts towards its invalid-request ban (401, 403, 429 but shared).
fn refused(state: &State, r: Response) -> Response {
    let shared = r
        .headers()
        .get("x-ratelimit-scope")
        .is_some_and(|s| s == "shared");
    if matches!(r.status().as_u16(), 401 | 403) || (r.status() == 429 && !shared) {
        state.invalid_requests.fetch_add(1, Ordering::SeqCst);
    }
    state.changed.notify_waiters();
    r
}

fn record(state: &State, method: &Method, path: &str, route: &str, body: &Value) {
    let n = {
        let mut r = state.requests.lock().expect("lock");
        r.push(Recorded {
            method: method.to_string(),
            path: format!("/api/v10/{path}"),
            route: route.to_string(),
            body: body.clone(),
            at: std::time::Instant::now(),
        });
        r.len()
    };
    if let Some(dir) = &state.record_dir {
        let _ = std::fs::create_dir_all(dir);
        let port = state
            .addr
            .lock()
            .expect("lock")
            .map(|a| a.port())
            .unwrap_or_default();
        let file = dir.join(format!("discord-{}-{port}-{n:05}.json", std::process::id()));
        let doc = json!({"platform": "discord", "method": method.to_string(), "path": format!("/api/v10/{path}"), "body": body});
        let _ = std::fs::write(file, serde_json::to_vec_pretty(&doc).unwrap_or_default());
    }
}
