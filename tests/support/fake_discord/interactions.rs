//! Interaction endpoints as Discord serves them: one callback per interaction the gateway actually
//! dispatched, then follow-ups through the interaction's webhook (`POST /webhooks/{app}/{token}`,
//! `PATCH .../messages/@original`, `PATCH`/`DELETE .../messages/{id}`) while its token lives.

use super::resources::message_object;
use super::rest::{fail, next_id, ok};
use super::{APP_ID, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use std::collections::HashSet;
use std::time::Instant;

/// An interaction the gateway dispatched, keyed by its token.
pub struct Dispatched {
    pub id: String,
    pub channel: String,
    pub at: Instant,
    pub acknowledged: bool,
    /// Follow-up messages created through the token.
    pub messages: HashSet<String>,
}

/// Remembers an INTERACTION_CREATE so its callback and follow-ups are accepted.
pub fn register(state: &State, data: &Value) {
    let (Some(id), Some(token)) = (data["id"].as_str(), data["token"].as_str()) else {
        return;
    };
    state.interactions.lock().expect("lock").insert(
        token.to_string(),
        Dispatched {
            id: id.to_string(),
            channel: data["channel_id"].as_str().unwrap_or("0").to_string(),
            at: Instant::now(),
            acknowledged: false,
            messages: HashSet::new(),
        },
    );
}

/// `POST /interactions/{id}/{token}/callback`.
pub fn callback(state: &State, id: &str, token: &str, body: &Value) -> Response {
    {
        let mut known = state.interactions.lock().expect("lock");
        let Some(i) = known.get_mut(token).filter(|i| i.id == id) else {
            return fail(StatusCode::NOT_FOUND, 10062, "Unknown interaction");
        };
        if i.acknowledged {
            return fail(
                StatusCode::BAD_REQUEST,
                40060,
                "Interaction has already been acknowledged.",
            );
        }
        i.acknowledged = true;
    }
    state
        .callbacks
        .lock()
        .expect("lock")
        .push((id.to_string(), body.clone()));
    StatusCode::NO_CONTENT.into_response()
}

/// The interaction webhook's routes; `rest` is what follows `/webhooks/{app}/{token}`.
pub fn webhook(
    state: &State,
    method: &str,
    app: &str,
    token: &str,
    rest: &[&str],
    body: &Value,
) -> Response {
    let ttl = state.limits.lock().expect("lock").token_ttl();
    let mut known = state.interactions.lock().expect("lock");
    let Some(i) = known
        .get_mut(token)
        .filter(|i| app == APP_ID && i.acknowledged)
    else {
        return fail(StatusCode::NOT_FOUND, 10015, "Unknown Webhook");
    };
    if i.at.elapsed() > ttl {
        return fail(StatusCode::UNAUTHORIZED, 50027, "Invalid Webhook Token");
    }
    match (method, rest) {
        ("POST", []) => {
            let id = next_id(state);
            i.messages.insert(id.clone());
            let mut m = message_object(&id, &i.channel, body);
            m["flags"] = body.get("flags").cloned().unwrap_or(json!(0));
            m["webhook_id"] = json!(APP_ID);
            state.followups.lock().expect("lock").push(m.clone());
            ok(m)
        }
        ("PATCH", ["messages", "@original"]) => {
            ok(message_object(&next_id(state), &i.channel, body))
        }
        ("PATCH", ["messages", id]) if i.messages.contains(*id) => {
            ok(message_object(id, &i.channel, body))
        }
        ("DELETE", ["messages", "@original"]) => StatusCode::NO_CONTENT.into_response(),
        ("DELETE", ["messages", id]) if i.messages.remove(*id) => {
            StatusCode::NO_CONTENT.into_response()
        }
        (_, ["messages", _]) => fail(StatusCode::NOT_FOUND, 10008, "Unknown Message"),
        _ => fail(StatusCode::METHOD_NOT_ALLOWED, 0, "405: Method Not Allowed"),
    }
}
