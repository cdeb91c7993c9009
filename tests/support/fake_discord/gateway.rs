//! The fake's gateway: HELLO, IDENTIFY (intents kept; privileged ones not allowed close with 4014)
//! → READY + GUILD_CREATE, heartbeats, dispatches with sequence numbers filtered by intents, RESUME
//! (replaying what was missed), op 7 reconnect and op 9 invalid session.

use super::{GUILD, GatewayCommand, OTHER_GUILD, State, TOKEN};
use super::{intents, interactions, payloads};
use axum::extract::State as AxState;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use tokio::sync::mpsc;

pub async fn upgrade(AxState(state): AxState<Arc<State>>, ws: WebSocketUpgrade) -> Response {
    if state.gateway_down.load(Ordering::SeqCst) {
        return axum::http::StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    ws.on_upgrade(move |socket| serve(state, socket))
}

/// Sends a dispatch with the next sequence number to the live connection and logs it for resumes,
/// unless the connection's intents do not cover it (then Discord never generates it).
pub fn dispatch(state: &State, event: &str, data: Value) {
    let granted = state.intents.lock().expect("lock").unwrap_or(0);
    let Some(data) = intents::apply(granted, event, data) else {
        state.withheld.lock().expect("lock").push(event.to_string());
        state.changed.notify_waiters();
        return;
    };
    if event == "INTERACTION_CREATE" {
        interactions::register(state, &data);
    }
    let s = state.seq.fetch_add(1, Ordering::SeqCst) + 1;
    let frame = json!({"op": 0, "t": event, "s": s, "d": data}).to_string();
    state
        .session_log
        .lock()
        .expect("lock")
        .push((s, frame.clone()));
    if let Some(socket) = state
        .sockets
        .lock()
        .expect("lock")
        .iter()
        .rev()
        .find(|s| !s.is_closed())
    {
        let _ = socket.send(GatewayCommand::Send(frame));
    }
    state.changed.notify_waiters();
}

async fn serve(state: Arc<State>, mut socket: WebSocket) {
    let hello = payloads::hello();
    if socket
        .send(Message::Text(hello.to_string().into()))
        .await
        .is_err()
    {
        return;
    }
    let (tx, mut rx) = mpsc::unbounded_channel();
    state.sockets.lock().expect("lock").push(tx.clone());
    loop {
        tokio::select! {
            cmd = rx.recv() => match cmd {
                Some(GatewayCommand::Send(text)) => {
                    if socket.send(Message::Text(text.into())).await.is_err() { break; }
                }
                Some(GatewayCommand::Close(code)) => {
                    let _ = socket.send(Message::Close(Some(CloseFrame { code, reason: "fake: connection dropped".into() }))).await;
                    break;
                }
                None => break,
            },
            frame = socket.recv() => match frame {
                Some(Ok(Message::Text(text))) if !on_frame(&state, &tx, &text) => break,
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                _ => {}
            },
        }
    }
    state.changed.notify_waiters();
}

/// Handles one client frame; false closes the connection.
fn on_frame(state: &Arc<State>, tx: &mpsc::UnboundedSender<GatewayCommand>, text: &str) -> bool {
    let Ok(frame) = serde_json::from_str::<Value>(text) else {
        state
            .violations
            .lock()
            .expect("lock")
            .push(format!("gateway frame is not JSON: {text}"));
        return false;
    };
    match frame["op"].as_u64() {
        Some(1) => {
            let _ = tx.send(GatewayCommand::Send(payloads::heartbeat_ack().to_string()));
        }
        Some(2) => {
            if frame["d"]["token"] != format!("Bot {TOKEN}") {
                let _ = tx.send(GatewayCommand::Close(4004));
                return true;
            }
            let wanted = frame["d"]["intents"].as_u64().unwrap_or(0);
            let allowed = state.privileged_allowed.load(Ordering::SeqCst);
            if wanted & intents::PRIVILEGED & !allowed != 0 {
                // "Disallowed intent(s)": not switched on in the Developer Portal.
                let _ = tx.send(GatewayCommand::Close(4014));
                return true;
            }
            *state.intents.lock().expect("lock") = Some(wanted);
            state.identifies.fetch_add(1, Ordering::SeqCst);
            let session = format!("fake-session-{}", state.identifies.load(Ordering::SeqCst));
            *state.session.lock().expect("lock") = session.clone();
            state.session_log.lock().expect("lock").clear();
            state.seq.store(0, Ordering::SeqCst);
            let addr = state
                .addr
                .lock()
                .expect("lock")
                .map(|a| a.to_string())
                .unwrap_or_default();
            dispatch(state, "READY", payloads::ready(&session, &addr));
            dispatch(state, "GUILD_CREATE", payloads::guild_create(GUILD));
            dispatch(state, "GUILD_CREATE", payloads::guild_create(OTHER_GUILD));
        }
        Some(6) => {
            let session = state.session.lock().expect("lock").clone();
            if frame["d"]["session_id"] != session.as_str()
                || frame["d"]["token"] != format!("Bot {TOKEN}")
            {
                let _ = tx.send(GatewayCommand::Send(
                    json!({"op": 9, "d": false}).to_string(),
                ));
                return true;
            }
            state.resumes.fetch_add(1, Ordering::SeqCst);
            let after = frame["d"]["seq"].as_u64().unwrap_or(0);
            let missed: Vec<String> = state
                .session_log
                .lock()
                .expect("lock")
                .iter()
                .filter(|(s, _)| *s > after)
                .map(|(_, f)| f.clone())
                .collect();
            for f in missed {
                let _ = tx.send(GatewayCommand::Send(f));
            }
            let s = state.seq.fetch_add(1, Ordering::SeqCst) + 1;
            let resumed = json!({"op": 0, "t": "RESUMED", "s": s, "d": {}}).to_string();
            state
                .session_log
                .lock()
                .expect("lock")
                .push((s, resumed.clone()));
            let _ = tx.send(GatewayCommand::Send(resumed));
        }
        _ => {}
    }
    state.changed.notify_waiters();
    true
}
