//! A fake Discord on 127.0.0.1: REST (`/api/v10/...`) and the gateway WebSocket, with recorded
//! requests, spec and limit checks, nonce deduplication and injectable faults.

mod checks;
mod gateway;
pub mod multipart;
pub mod payloads;
mod rest;

pub use checks::check_against_spec;

use axum::Router;
use axum::routing::{any, get};
use serde_json::Value;
use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicUsize};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{Notify, mpsc};

pub const TOKEN: &str = "NIBBLE.fake.discord-token";
pub const APP_ID: &str = "800000000000000001";
pub const BOT_ID: &str = "800000000000000002";
pub const GUILD: &str = "810000000000000001";
pub const OTHER_GUILD: &str = "820000000000000001";
/// The guild's "Moderators" role (`[discord] moderator_roles = ["Moderators"]`).
pub const MOD_ROLE: &str = "810000000000000900";

#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub route: String,
    pub body: Value,
}

#[derive(Debug, Clone)]
pub enum Fault {
    /// 429 with Retry-After and X-RateLimit-* headers.
    RateLimited(f64),
    ServerError,
    Slow(Duration),
}

pub(crate) enum GatewayCommand {
    Send(String),
    Close(u16),
}

#[derive(Default)]
pub(crate) struct State {
    pub requests: Mutex<Vec<Recorded>>,
    pub violations: Mutex<Vec<String>>,
    pub faults: Mutex<HashMap<String, VecDeque<Fault>>>,
    pub sockets: Mutex<Vec<mpsc::UnboundedSender<GatewayCommand>>>,
    /// Every dispatch of the current session, with its sequence number, for RESUME replays.
    pub session_log: Mutex<Vec<(u64, String)>>,
    pub seq: AtomicU64,
    pub session: Mutex<String>,
    pub identifies: AtomicUsize,
    pub resumes: AtomicUsize,
    pub ids: AtomicU64,
    pub messages: Mutex<HashMap<String, Vec<Value>>>,
    pub nonces: Mutex<HashMap<String, Value>>,
    pub callbacks: Mutex<Vec<(String, Value)>>,
    /// GET /guilds/{id}/members answers (user ids; the bot's own id lists the bot user).
    pub guild_members: Mutex<HashMap<String, Vec<String>>>,
    /// Members holding the Moderators role (GET member answers with it).
    pub moderators: Mutex<std::collections::HashSet<String>>,
    /// Messages a thread was started from (each message starts at most one).
    pub threads: Mutex<std::collections::HashSet<String>>,
    pub changed: Notify,
    /// Files received with messages (multipart `files[n]` parts), in order.
    pub files: Mutex<Vec<multipart::FilePart>>,
    pub record_dir: Option<PathBuf>,
    pub addr: Mutex<Option<SocketAddr>>,
}

pub struct FakeDiscord {
    pub addr: SocketAddr,
    pub(crate) state: Arc<State>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FakeDiscord {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FakeDiscord {
    pub async fn start() -> Self {
        let state = Arc::new(State {
            record_dir: std::env::var_os("NIBBLE_FAKE_RECORD_DIR").map(PathBuf::from),
            ids: AtomicU64::new(900_000_000_000_000_000),
            ..State::default()
        });
        let app = Router::new()
            .route("/gateway", get(gateway::upgrade))
            .route("/api/v10/{*rest}", any(rest::route))
            .with_state(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind fake discord");
        let addr = listener.local_addr().expect("address");
        *state.addr.lock().expect("lock") = Some(addr);
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { addr, state, task }
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn requests(&self, route: &str) -> Vec<Value> {
        self.state
            .requests
            .lock()
            .expect("lock")
            .iter()
            .filter(|r| r.route == route)
            .map(|r| r.body.clone())
            .collect()
    }

    pub fn all_requests(&self) -> Vec<Recorded> {
        self.state.requests.lock().expect("lock").clone()
    }

    pub fn messages(&self, channel: &str) -> Vec<Value> {
        self.state
            .messages
            .lock()
            .expect("lock")
            .get(channel)
            .cloned()
            .unwrap_or_default()
    }

    /// Interaction callbacks received: (interaction id, body).
    pub fn callbacks(&self) -> Vec<(String, Value)> {
        self.state.callbacks.lock().expect("lock").clone()
    }

    pub fn inject(&self, route: &str, fault: Fault, times: usize) {
        let mut faults = self.state.faults.lock().expect("lock");
        faults
            .entry(route.to_string())
            .or_default()
            .extend(std::iter::repeat_n(fault, times));
    }

    /// Who GET /guilds/{guild}/members lists.
    /// Gives a member the Moderators role in REST answers (gateway payloads carry it themselves).
    pub fn make_moderator(&self, user: &str) {
        self.state
            .moderators
            .lock()
            .expect("lock")
            .insert(user.to_string());
    }

    pub fn set_guild_members(&self, guild: &str, members: &[&str]) {
        self.state.guild_members.lock().expect("lock").insert(
            guild.to_string(),
            members.iter().map(|m| m.to_string()).collect(),
        );
    }

    pub fn identifies(&self) -> usize {
        self.state
            .identifies
            .load(std::sync::atomic::Ordering::SeqCst)
    }

    pub fn resumes(&self) -> usize {
        self.state.resumes.load(std::sync::atomic::Ordering::SeqCst)
    }

    pub fn connected(&self) -> bool {
        self.state
            .sockets
            .lock()
            .expect("lock")
            .iter()
            .any(|s| !s.is_closed())
    }

    /// Every file part received with a message, in order.
    pub fn uploaded_files(&self) -> Vec<multipart::FilePart> {
        self.state.files.lock().expect("lock").clone()
    }

    pub fn next_id(&self) -> String {
        rest::next_id(&self.state)
    }

    /// Sends a dispatch (op 0) with the next sequence number; kept for RESUME replays.
    pub fn dispatch(&self, event: &str, data: Value) {
        gateway::dispatch(&self.state, event, data);
    }

    /// Closes the gateway connection without a close frame's courtesy (a network drop).
    pub fn drop_gateway(&self) {
        for s in self.state.sockets.lock().expect("lock").drain(..) {
            let _ = s.send(GatewayCommand::Close(4000));
        }
    }

    /// Sends op 7 RECONNECT: the client must reconnect and resume.
    pub fn request_reconnect(&self) {
        for s in self.state.sockets.lock().expect("lock").iter() {
            let _ = s.send(GatewayCommand::Send(
                serde_json::json!({"op": 7, "d": null}).to_string(),
            ));
        }
    }

    /// Sends op 9 INVALID SESSION (not resumable): the client must identify again.
    pub fn invalidate_session(&self) {
        for s in self.state.sockets.lock().expect("lock").iter() {
            let _ = s.send(GatewayCommand::Send(
                serde_json::json!({"op": 9, "d": false}).to_string(),
            ));
        }
    }

    pub async fn wait_for<T>(&self, what: &str, check: impl FnMut() -> Option<T>) -> T {
        crate::support::wait_on(&self.state.changed, what, Duration::from_secs(20), check).await
    }

    pub fn assert_valid(&self) {
        let violations = self.state.violations.lock().expect("lock").clone();
        assert_eq!(violations, Vec::<String>::new(), "Discord limits violated");
        check_against_spec(&self.all_requests());
    }
}
