//! The fake's REST API under /api/v10: Discord-shaped bodies, errors and 429s.

use super::checks::check_body;
use super::limits::Verdict;
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
    let body: Value = if body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&body).unwrap_or_else(|e| json!({"_unparseable": e.to_string()}))
    };
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

pub fn bot_user() -> Value {
    json!({"id": BOT_ID, "username": "nibble", "discriminator": "0", "global_name": null, "avatar": null, "bot": true, "public_flags": 0, "flags": 0, "banner": null, "accent_color": null, "avatar_decoration_data": null, "collectibles": null, "primary_guild": null, "clan": null})
}

/// A message object shaped like Discord's (see the rest_create_message capture).
pub fn message_object(id: &str, channel: &str, body: &Value) -> Value {
    json!({
        "id": id, "channel_id": channel, "type": 0, "content": body.get("content").cloned().unwrap_or(json!("")),
        "author": bot_user(), "attachments": [], "embeds": body.get("embeds").cloned().unwrap_or(json!([])),
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
            // With enforce_nonce, a nonce the same author (the bot) used in the past few minutes,
            // in any channel, returns that message instead of posting a new one.
            let nonce = body
                .get("nonce")
                .and_then(Value::as_str)
                .map(str::to_string);
            let enforce = body.get("enforce_nonce") == Some(&json!(true));
            let ttl = state.limits.lock().expect("lock").nonce_ttl();
            if enforce
                && let Some(n) = &nonce
                && let Some((existing, _)) = state
                    .nonces
                    .lock()
                    .expect("lock")
                    .get(&format!("{BOT_ID}/{n}"))
                    .filter(|(_, at)| at.elapsed() < ttl)
                    .cloned()
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
                state.nonces.lock().expect("lock").insert(
                    format!("{BOT_ID}/{n}"),
                    (message.clone(), std::time::Instant::now()),
                );
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
        // Listing members needs the Server Members intent switched on in the Developer Portal.
        ("GET", ["guilds", _, "members"])
            if state.privileged_allowed.load(Ordering::SeqCst) & super::intents::GUILD_MEMBERS
                == 0 =>
        {
            fail(StatusCode::FORBIDDEN, 50001, "Missing Access")
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
