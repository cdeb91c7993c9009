//! The fake's Socket Mode WebSocket: hello, envelopes, acknowledgements, disconnects.

use super::{SocketCommand, State};
use axum::extract::State as AxState;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use serde_json::Value;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use tokio::sync::mpsc;

pub async fn upgrade(AxState(state): AxState<Arc<State>>, ws: WebSocketUpgrade) -> Response {
    ws.on_upgrade(move |socket| serve(state, socket))
}

async fn serve(state: Arc<State>, mut socket: WebSocket) {
    state.connections.fetch_add(1, Ordering::SeqCst);
    let (tx, mut rx) = mpsc::unbounded_channel();
    let hello = super::payloads::hello();
    if socket
        .send(Message::Text(hello.to_string().into()))
        .await
        .is_err()
    {
        return;
    }
    // Envelopes nobody acknowledged are delivered again on a new connection.
    let pending: Vec<String> = state
        .unacked
        .lock()
        .expect("lock")
        .iter()
        .map(|(_, e)| e.clone())
        .collect();
    for envelope in pending {
        if socket.send(Message::Text(envelope.into())).await.is_err() {
            return;
        }
    }
    state.sockets.lock().expect("lock").push(tx);
    state.changed.notify_waiters();
    loop {
        tokio::select! {
            cmd = rx.recv() => match cmd {
                Some(SocketCommand::Send(text)) => {
                    if socket.send(Message::Text(text.into())).await.is_err() { break; }
                }
                Some(SocketCommand::Cut) => return,
                Some(SocketCommand::Close) | None => {
                    let _ = socket.send(Message::Close(None)).await;
                    break;
                }
            },
            frame = socket.recv() => match frame {
                Some(Ok(Message::Text(text))) => on_ack(&state, &text),
                Some(Ok(Message::Ping(p))) => { let _ = socket.send(Message::Pong(p)).await; }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                _ => {}
            },
        }
    }
    state.changed.notify_waiters();
}

fn on_ack(state: &State, text: &str) {
    let Ok(ack) = serde_json::from_str::<Value>(text) else {
        state
            .violations
            .lock()
            .expect("lock")
            .push(format!("socket frame is not JSON: {text}"));
        return;
    };
    let Some(id) = ack.get("envelope_id").and_then(Value::as_str) else {
        return;
    };
    state.unacked.lock().expect("lock").retain(|(e, _)| e != id);
    state.acks.lock().expect("lock").insert(
        id.to_string(),
        ack.get("payload").cloned().unwrap_or(Value::Null),
    );
    state.changed.notify_waiters();
}
