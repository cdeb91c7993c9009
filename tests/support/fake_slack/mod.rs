//! A fake Slack on 127.0.0.1: Web API methods the bot calls and the Socket Mode WebSocket, with
//! recorded requests, Block Kit limit checks, spec checks and injectable faults.

mod checks;
mod deliver;
mod files;
mod limit;
pub mod manifest;
pub mod payloads;
mod web;
mod ws;

pub use checks::check_against_spec;
pub use limit::TEST_TIME_SCALE;
pub use manifest::Manifest;

use axum::Router;
use axum::routing::{any, get, post};
use serde_json::Value;
use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicUsize};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{Notify, mpsc};

pub const TEAM: &str = "T0NIBBLE";
pub const BOT_TOKEN: &str = "xoxb-test-bot-token";
pub const APP_TOKEN: &str = "xapp-test-app-token";

/// One request the fake received.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub http: String,
    pub body: Value,
    /// When it arrived.
    pub at: std::time::Instant,
}

#[derive(Debug, Clone)]
pub enum Fault {
    /// HTTP 429 with `Retry-After` seconds.
    RateLimited(u64),
    /// HTTP 500.
    ServerError,
    /// Answer after a delay.
    Slow(Duration),
    /// `{"ok": false, "error": code}`, e.g. `not_in_channel`, `channel_not_found`, `missing_scope`.
    Error(&'static str),
}

pub(crate) enum SocketCommand {
    Send(String),
    Close,
    /// Drop the TCP connection without a close frame, as a network failure does.
    Cut,
}

#[derive(Default)]
pub(crate) struct State {
    pub requests: Mutex<Vec<Recorded>>,
    pub violations: Mutex<Vec<String>>,
    pub faults: Mutex<HashMap<String, VecDeque<Fault>>>,
    pub sockets: Mutex<Vec<mpsc::UnboundedSender<SocketCommand>>>,
    /// Envelopes sent and not acknowledged yet: resent on the next connection, as Slack does.
    pub unacked: Mutex<Vec<(String, String)>>,
    pub acks: Mutex<HashMap<String, Value>>,
    pub changed: Notify,
    pub history: Mutex<HashMap<String, Vec<Value>>>,
    pub admins: Mutex<Vec<String>>,
    pub next_ts: AtomicU64,
    pub connections: AtomicUsize,
    pub limits: Mutex<limit::Limits>,
    /// A real second stands for this many seconds of Slack's time (rate limits only).
    pub scale: f64,
    /// What the app's manifest declares: command escaping, event subscriptions, scopes.
    pub manifest: manifest::Manifest,
    /// Names the workspace knows (id → name), for escaping `@name` / `#name` in commands.
    pub user_names: Mutex<HashMap<String, String>>,
    pub channel_names: Mutex<HashMap<String, String>>,
    /// Envelopes Slack would not deliver (an unsubscribed event, an unknown command).
    pub withheld: Mutex<Vec<Value>>,
    /// conversations.members answers, per channel.
    pub channel_members: Mutex<HashMap<String, Vec<String>>>,
    pub rate_limited: AtomicUsize,
    pub refusals: Mutex<HashMap<String, usize>>,
    /// Calls answered (not refused), per method: a slow answer is counted once it is given.
    pub answered: Mutex<HashMap<String, usize>>,
    pub record_dir: Option<PathBuf>,
    pub addr: Mutex<Option<SocketAddr>>,
    /// Uploads and the web pictures Slack can download.
    pub files: Mutex<files::Files>,
}

pub struct FakeSlack {
    pub addr: SocketAddr,
    pub(crate) state: Arc<State>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FakeSlack {
    /// Every test validates every request it made (limits and spec), without having to remember to;
    /// a test already failing is not buried under a second panic.
    fn drop(&mut self) {
        self.task.abort();
        if !std::thread::panicking() {
            self.assert_valid();
        }
    }
}

impl FakeSlack {
    /// A fake workspace for the project's manifest, its limits at the tests' time scale.
    pub async fn start() -> Self {
        Self::start_with(manifest::Manifest::project(), TEST_TIME_SCALE).await
    }

    /// A fake workspace for this manifest, its rate limits running `scale` times faster than Slack's.
    pub async fn start_with(manifest: manifest::Manifest, scale: f64) -> Self {
        let state = Arc::new(State {
            record_dir: std::env::var_os("NIBBLE_FAKE_RECORD_DIR").map(PathBuf::from),
            next_ts: AtomicU64::new(1),
            limits: Mutex::new(limit::Limits::new(scale)),
            scale,
            manifest,
            ..State::default()
        });
        let app = Router::new()
            .route("/api/{method}", any(web::api))
            .route("/link", get(ws::upgrade))
            .route("/upload/{id}", post(files::upload))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind fake slack");
        let addr = listener.local_addr().expect("fake slack address");
        *state.addr.lock().expect("lock") = Some(addr);
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { addr, state, task }
    }

    pub fn api_url(&self) -> String {
        format!("http://{}/api", self.addr)
    }

    pub fn requests(&self, method: &str) -> Vec<Value> {
        let all = self.state.requests.lock().expect("lock");
        all.iter()
            .filter(|r| r.method == method)
            .map(|r| r.body.clone())
            .collect()
    }

    pub fn all_requests(&self) -> Vec<Recorded> {
        self.state.requests.lock().expect("lock").clone()
    }

    pub fn violations(&self) -> Vec<String> {
        self.state.violations.lock().expect("lock").clone()
    }

    pub fn inject(&self, method: &str, fault: Fault, times: usize) {
        let mut faults = self.state.faults.lock().expect("lock");
        faults
            .entry(method.to_string())
            .or_default()
            .extend(std::iter::repeat_n(fault, times));
    }

    pub fn make_admin(&self, user: &str) {
        self.state
            .admins
            .lock()
            .expect("lock")
            .push(user.to_string());
    }

    pub fn connections_opened(&self) -> usize {
        self.state
            .connections
            .load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Sends an envelope over a live connection (or keeps it for the next one) and returns its id.
    pub fn send_envelope(&self, kind: &str, payload: Value) -> String {
        let id = format!("env-{}", uuid_like(&self.state));
        self.send_envelope_with_id(&id, kind, payload);
        id
    }

    /// Sends an envelope with a given id (Slack redelivers an envelope with its id unchanged).
    pub fn send_envelope_with_id(&self, id: &str, kind: &str, payload: Value) {
        let Some(payload) = self.as_slack_delivers(kind, payload) else {
            return;
        };
        self.send_raw_envelope(payloads::envelope(id, kind, payload));
    }

    /// Sends a whole envelope as given (a captured one, say); returns its `envelope_id`.
    pub fn send_raw_envelope(&self, envelope: Value) -> String {
        let id = envelope["envelope_id"].as_str().unwrap_or("").to_string();
        let envelope = envelope.to_string();
        self.state
            .unacked
            .lock()
            .expect("lock")
            .push((id.clone(), envelope.clone()));
        let sockets = self.state.sockets.lock().expect("lock");
        if let Some(socket) = sockets.iter().find(|s| !s.is_closed()) {
            let _ = socket.send(SocketCommand::Send(envelope));
        }
        id
    }

    /// Waits for the bot to acknowledge an envelope; returns the ack's payload (if any).
    pub async fn ack(&self, envelope_id: &str) -> Value {
        self.wait_for(&format!("ack of {envelope_id}"), || {
            self.state
                .acks
                .lock()
                .expect("lock")
                .get(envelope_id)
                .cloned()
        })
        .await
    }

    /// Waits until `check` returns something, or fails the test after 15 s.
    pub async fn wait_for<T>(&self, what: &str, check: impl FnMut() -> Option<T>) -> T {
        crate::support::wait_on(&self.state.changed, what, Duration::from_secs(15), check).await
    }

    /// Drops every Socket Mode connection, as a network failure would.
    pub fn drop_connections(&self) {
        for s in self.state.sockets.lock().expect("lock").drain(..) {
            let _ = s.send(SocketCommand::Close);
        }
    }

    /// Cuts every Socket Mode connection without a close frame (a network failure) and, with
    /// `refuse`, answers the reconnection's apps.connections.open with errors that many times.
    pub fn cut_connections(&self, refuse: usize) {
        self.inject(
            "apps.connections.open",
            Fault::Error("internal_error"),
            refuse,
        );
        for s in self.state.sockets.lock().expect("lock").drain(..) {
            let _ = s.send(SocketCommand::Cut);
        }
    }

    /// Asks every connection to reconnect, as Slack does before recycling a server.
    pub fn request_refresh(&self) {
        let msg = payloads::disconnect("refresh_requested").to_string();
        for s in self.state.sockets.lock().expect("lock").iter() {
            let _ = s.send(SocketCommand::Send(msg.clone()));
        }
    }

    /// Every recorded body passes the Block Kit limits and (when `../shared/reference` exists) the spec.
    pub fn assert_valid(&self) {
        assert_eq!(
            self.violations(),
            Vec::<String>::new(),
            "Block Kit limits violated"
        );
        check_against_spec(&self.all_requests());
    }
}

fn uuid_like(state: &State) -> u64 {
    state
        .next_ts
        .fetch_add(1, std::sync::atomic::Ordering::SeqCst)
}

impl FakeSlack {
    /// Who conversations.members lists for a channel.
    pub fn set_channel_members(&self, channel: &str, members: &[&str]) {
        self.state.channel_members.lock().expect("lock").insert(
            channel.to_string(),
            members.iter().map(|m| m.to_string()).collect(),
        );
    }

    /// Messages posted to a channel, newest first, as conversations.history returns them.
    pub fn posted(&self, channel: &str) -> Vec<Value> {
        self.state
            .history
            .lock()
            .expect("lock")
            .get(channel)
            .cloned()
            .unwrap_or_default()
    }

    /// How many calls of `method` were answered (a slow one counts once its answer is given).
    pub fn answered(&self, method: &str) -> usize {
        self.state
            .answered
            .lock()
            .expect("lock")
            .get(method)
            .copied()
            .unwrap_or_default()
    }

    /// Is a Socket Mode connection open right now?
    pub fn connected(&self) -> bool {
        self.state
            .sockets
            .lock()
            .expect("lock")
            .iter()
            .any(|s| !s.is_closed())
    }
}
