//! The fake's REST API under /api/v10: Discord-shaped bodies, errors and 429s.

use super::checks::check_body;
use super::{APP_ID, BOT_ID, Fault, GUILD, Recorded, State, TOKEN};
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

fn ok(v: Value) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], v.to_string()).into_response()
}

fn fail(status: StatusCode, code: u32, message: &str) -> Response {
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
    let is_interaction = parts
        .first()
        .is_some_and(|p| *p == "interactions" || *p == "webhooks");
    let auth = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if !is_interaction && auth != format!("Bot {TOKEN}") {
        return fail(StatusCode::UNAUTHORIZED, 0, "401: Unauthorized");
    }
    let fault = state
        .faults
        .lock()
        .expect("lock")
        .get_mut(&route)
        .and_then(|q| q.pop_front());
    match fault {
        Some(Fault::RateLimited(secs)) => {
            let h = [
                ("retry-after", format!("{}", secs.ceil() as u64)),
                ("x-ratelimit-limit", "5".into()),
                ("x-ratelimit-remaining", "0".into()),
                ("x-ratelimit-reset-after", format!("{secs:.3}")),
                ("x-ratelimit-bucket", "fake-bucket-messages".into()),
                ("x-ratelimit-scope", "shared".into()),
            ];
            let mut r = (StatusCode::TOO_MANY_REQUESTS, json!({"message": "You are being rate limited.", "retry_after": secs, "global": false}).to_string()).into_response();
            for (k, v) in h {
                if let Ok(v) = v.parse() {
                    r.headers_mut().insert(k, v);
                }
            }
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                header::HeaderValue::from_static("application/json"),
            );
            return r;
        }
        Some(Fault::ServerError) => return fail(StatusCode::BAD_GATEWAY, 0, "502: Bad Gateway"),
        Some(Fault::Slow(d)) => tokio::time::sleep(d).await,
        None => {}
    }
    for v in check_body(&route, &body) {
        state.violations.lock().expect("lock").push(v);
    }
    let body = with_files(&state, &route, body, files);
    let response = answer(&state, &method, &parts, &body);
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

fn record(state: &State, method: &Method, path: &str, route: &str, body: &Value) {
    let n = {
        let mut r = state.requests.lock().expect("lock");
        r.push(Recorded {
            method: method.to_string(),
            path: format!("/api/v10/{path}"),
            route: route.to_string(),
            body: body.clone(),
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

pub fn bot_user() -> Value {
    json!({"id": BOT_ID, "username": "nibble", "discriminator": "0", "global_name": null, "avatar": null, "bot": true, "public_flags": 0, "flags": 0, "banner": null, "accent_color": null, "avatar_decoration_data": null, "collectibles": null, "primary_guild": null, "clan": null})
}

/// A message object shaped like Discord's (see the rest_create_message capture).
pub fn message_object(id: &str, channel: &str, body: &Value) -> Value {
    json!({
        "id": id, "channel_id": channel, "type": 0, "content": body.get("content").cloned().unwrap_or(json!("")),
        "author": bot_user(), "attachments": body.get("_attached").cloned().unwrap_or(json!([])), "embeds": body.get("embeds").cloned().unwrap_or(json!([])),
        "components": body.get("components").cloned().unwrap_or(json!([])), "mentions": [], "mention_roles": [],
        "pinned": false, "mention_everyone": false, "tts": false, "timestamp": "2026-03-02T09:00:00.000000+00:00",
        "edited_timestamp": null, "flags": 0, "nonce": body.get("nonce").cloned().unwrap_or(Value::Null),
    })
}

fn answer(state: &State, method: &Method, parts: &[&str], body: &Value) -> Response {
    let addr = state
        .addr
        .lock()
        .expect("lock")
        .map(|a| a.to_string())
        .unwrap_or_default();
    match (method.as_str(), parts) {
        ("GET", ["gateway"]) => ok(json!({"url": format!("ws://{addr}/gateway")})),
        ("GET", ["gateway", "bot"]) => ok(
            json!({"url": format!("ws://{addr}/gateway"), "shards": 1, "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 86_400_000, "max_concurrency": 1}}),
        ),
        ("GET", ["users", "@me"]) => ok(bot_user()),
        ("GET", ["oauth2", "applications", "@me"]) => ok(
            json!({"id": APP_ID, "name": "nibble", "icon": null, "description": "", "bot_public": true, "bot_require_code_grant": false, "verify_key": "00", "flags": 0, "owner": bot_user(), "team": null, "summary": ""}),
        ),
        ("POST", ["channels", channel, "messages"]) => {
            if channel.starts_with('9') && channel.ends_with("404") {
                return fail(StatusCode::NOT_FOUND, 10003, "Unknown Channel");
            }
            // With enforce_nonce, a repeated nonce returns the original message instead of a new post.
            let nonce = body
                .get("nonce")
                .and_then(Value::as_str)
                .map(|n| format!("{channel}/{n}"));
            if body.get("enforce_nonce") == Some(&json!(true))
                && let Some(existing) = nonce
                    .as_ref()
                    .and_then(|n| state.nonces.lock().expect("lock").get(n).cloned())
            {
                return ok(existing);
            }
            let message = message_object(&next_id(state), channel, body);
            state
                .messages
                .lock()
                .expect("lock")
                .entry(channel.to_string())
                .or_default()
                .push(message.clone());
            if let Some(n) = nonce {
                state
                    .nonces
                    .lock()
                    .expect("lock")
                    .insert(n, message.clone());
            }
            ok(message)
        }
        ("PATCH", ["channels", channel, "messages", id]) => ok(message_object(id, channel, body)),
        // Modify a thread (lock, archive): the thread channel as Discord returns it.
        ("PATCH", ["channels", thread]) => {
            let locked = body.get("locked").cloned().unwrap_or(json!(false));
            ok(
                json!({"id": thread, "type": 11, "guild_id": GUILD, "parent_id": "820000000000000010", "name": "thread", "owner_id": BOT_ID, "message_count": 1, "member_count": 1, "rate_limit_per_user": 0, "flags": 0, "thread_metadata": {"archived": false, "auto_archive_duration": 1440, "archive_timestamp": "2026-03-02T09:00:00.000000+00:00", "locked": locked}}),
            )
        }
        // Like Discord: the thread takes its starter message's id, and a second one is refused.
        ("POST", ["channels", channel, "messages", message, "threads"]) => {
            if !state
                .threads
                .lock()
                .expect("lock")
                .insert(message.to_string())
            {
                return fail(
                    StatusCode::BAD_REQUEST,
                    160004,
                    "A thread has already been created for this message",
                );
            }
            ok(
                json!({"id": message, "type": 11, "guild_id": GUILD, "parent_id": channel, "name": body.get("name").cloned().unwrap_or(json!("thread")), "owner_id": BOT_ID, "message_count": 0, "member_count": 1, "rate_limit_per_user": 0, "flags": 0, "thread_metadata": {"archived": false, "auto_archive_duration": 1440, "archive_timestamp": "2026-03-02T09:00:00.000000+00:00", "locked": false}}),
            )
        }
        ("POST", ["users", "@me", "channels"]) => {
            let Some(user) = body.get("recipient_id").and_then(Value::as_str) else {
                return fail(StatusCode::BAD_REQUEST, 50035, "Invalid Form Body");
            };
            ok(
                json!({"id": format!("7{}", &user[1..]), "type": 1, "last_message_id": null, "flags": 0, "recipients": [{"id": user, "username": format!("user{user}"), "discriminator": "0", "global_name": null, "avatar": null, "public_flags": 0}]}),
            )
        }
        ("POST", ["interactions", id, _, "callback"]) => {
            state
                .callbacks
                .lock()
                .expect("lock")
                .push((id.to_string(), body.clone()));
            StatusCode::NO_CONTENT.into_response()
        }
        ("PATCH", ["webhooks", _, _, "messages", "@original"]) => {
            ok(message_object(&next_id(state), "0", body))
        }
        ("PUT", ["applications", _, "guilds", guild, "commands"]) => {
            ok(commands_echo(state, body, Some(guild)))
        }
        ("PUT", ["applications", _, "commands"]) => ok(commands_echo(state, body, None)),
        ("GET", ["guilds", guild, "roles"]) => ok(json!([
            super::payloads::role(guild, "@everyone"),
            super::payloads::role(super::MOD_ROLE, "Moderators"),
        ])),
        ("GET", ["guilds", _, "members", user]) => {
            let mut m = super::payloads::member_add(GUILD, user);
            if let Some(o) = m.as_object_mut() {
                o.remove("guild_id");
            }
            if state.moderators.lock().expect("lock").contains(*user) {
                m["roles"] = json!([super::MOD_ROLE]);
            }
            ok(m)
        }
        ("GET", ["guilds", guild, "members"]) => {
            let members = state
                .guild_members
                .lock()
                .expect("lock")
                .get(*guild)
                .cloned();
            let list: Vec<Value> = members
                .unwrap_or_default()
                .iter()
                .map(|id| {
                    let mut m = super::payloads::member_add(guild, id);
                    if let Some(o) = m.as_object_mut() {
                        o.remove("guild_id"); // the REST list omits it
                    }
                    if id == BOT_ID {
                        m["user"] = bot_user();
                    }
                    m
                })
                .collect();
            ok(Value::Array(list))
        }
        _ => fail(StatusCode::NOT_FOUND, 0, "404: Not Found"),
    }
}

fn commands_echo(state: &State, body: &Value, guild: Option<&str>) -> Value {
    let commands = body.as_array().cloned().unwrap_or_default();
    Value::Array(
        commands
            .into_iter()
            .map(|mut c| {
                c["id"] = json!(next_id(state));
                c["application_id"] = json!(APP_ID);
                c["version"] = json!(next_id(state));
                c["type"] = c.get("type").cloned().unwrap_or(json!(1));
                c["default_member_permissions"] = Value::Null;
                if let Some(g) = guild {
                    c["guild_id"] = json!(g);
                }
                c
            })
            .collect(),
    )
}
