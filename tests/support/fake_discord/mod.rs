//! A fake Discord on 127.0.0.1 as strict as the real one: REST (`/api/v10/...`) over TLS as
//! discord.com, the gateway WebSocket, recorded requests, spec and limit checks, gateway intents,
//! rate limits, per-author nonces, interaction follow-ups and injectable faults.

mod checks;
mod control;
mod gateway;
pub mod intents;
mod interactions;
pub mod limits;
pub mod multipart;
pub mod payloads;
mod resources;
mod rest;
mod tls;

pub use checks::check_against_spec;
pub use limits::{Limits, Throttle};

use axum::Router;
use axum::routing::{any, get};
use serde_json::Value;
use std::collections::{HashMap, HashSet, VecDeque};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize};
use std::sync::{Arc, Mutex};
use std::time::Instant;
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
    pub at: Instant,
}

#[derive(Debug, Clone)]
pub enum Fault {
    /// 429 with Retry-After and X-RateLimit-* headers (a shared-scope limit).
    RateLimited(f64),
    ServerError,
    Slow(std::time::Duration),
    /// 403, code 50001: the bot cannot see the channel (no View Channel, or not in the guild).
    MissingAccess,
    /// 403, code 50013: the bot sees the channel but lacks a permission (Send Messages …).
    MissingPermissions,
    /// 404, code 10003: the channel does not exist (deleted, or a wrong id).
    UnknownChannel,
}

pub(crate) enum GatewayCommand {
    Send(String),
    Close(u16),
}

pub(crate) struct State {
    pub requests: Mutex<Vec<Recorded>>,
    pub violations: Mutex<Vec<String>>,
    /// Faults by exact path ("POST /channels/1/messages") or route template, used once each.
    pub faults: Mutex<HashMap<String, VecDeque<Fault>>>,
    /// Faults answered to every matching request until cleared.
    pub sticky_faults: Mutex<HashMap<String, Fault>>,
    pub limits: Mutex<Limits>,
    pub meter: Mutex<limits::Meter>,
    /// 401, 403 and (non-shared) 429 answers: Discord bans an IP past 10,000 in 10 minutes.
    pub invalid_requests: AtomicUsize,
    pub sockets: Mutex<Vec<mpsc::UnboundedSender<GatewayCommand>>>,
    /// Every dispatch of the current session, with its sequence number, for RESUME replays.
    pub session_log: Mutex<Vec<(u64, String)>>,
    pub seq: AtomicU64,
    pub session: Mutex<String>,
    pub identifies: AtomicUsize,
    pub resumes: AtomicUsize,
    /// While set, gateway connections are refused (503): an outage.
    pub gateway_down: AtomicBool,
    /// The intents of the last IDENTIFY.
    pub intents: Mutex<Option<u64>>,
    /// Privileged intents switched on in the (fake) Developer Portal.
    pub privileged_allowed: AtomicU64,
    /// Events the intents withheld.
    pub withheld: Mutex<Vec<String>>,
    pub ids: AtomicU64,
    pub messages: Mutex<HashMap<String, Vec<Value>>>,
    /// "author/nonce" → (the message, when it was posted).
    pub nonces: Mutex<HashMap<String, (Value, Instant)>>,
    pub interactions: Mutex<HashMap<String, interactions::Dispatched>>,
    pub callbacks: Mutex<Vec<(String, Value)>>,
    /// Follow-up messages posted through interaction webhooks.
    pub followups: Mutex<Vec<Value>>,
    /// GET /guilds/{id}/members answers (user ids; the bot's own id lists the bot user).
    pub guild_members: Mutex<HashMap<String, Vec<String>>>,
    /// Members holding the Moderators role (GET member answers with it).
    pub moderators: Mutex<HashSet<String>>,
    /// Messages a thread was started from (each message starts at most one).
    pub threads: Mutex<HashSet<String>>,
    pub changed: Notify,
    /// Files received with messages (multipart `files[n]` parts), in order.
    pub files: Mutex<Vec<multipart::FilePart>>,
    /// Channels where the bot lacks Attach Files: a message with files is refused (50013).
    pub no_attach_files: Mutex<HashSet<String>>,
    pub record_dir: Option<PathBuf>,
    /// The plain-HTTP listener (the gateway WebSocket).
    pub addr: Mutex<Option<SocketAddr>>,
}

pub struct FakeDiscord {
    /// Plain HTTP: the gateway.
    pub addr: SocketAddr,
    /// TLS as discord.com: the REST API.
    pub api_addr: SocketAddr,
    pub(crate) state: Arc<State>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Drop for FakeDiscord {
    /// Every test validates every request it made (limits and spec), without having to remember to;
    /// a test already failing is not buried under a second panic.
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
        if !std::thread::panicking() {
            self.assert_valid();
        }
    }
}

impl FakeDiscord {
    /// Discord's limits with time running ten times faster (5 messages per 0.5 s per channel).
    pub async fn start() -> Self {
        Self::start_with(Limits::discord().scaled(0.1)).await
    }

    pub async fn start_with(limits: Limits) -> Self {
        let state = Arc::new(State {
            requests: Mutex::default(),
            violations: Mutex::default(),
            faults: Mutex::default(),
            sticky_faults: Mutex::default(),
            limits: Mutex::new(limits),
            meter: Mutex::default(),
            invalid_requests: AtomicUsize::default(),
            sockets: Mutex::default(),
            session_log: Mutex::default(),
            seq: AtomicU64::default(),
            session: Mutex::default(),
            identifies: AtomicUsize::default(),
            resumes: AtomicUsize::default(),
            gateway_down: AtomicBool::default(),
            intents: Mutex::default(),
            privileged_allowed: AtomicU64::new(intents::PRIVILEGED),
            withheld: Mutex::default(),
            ids: AtomicU64::new(900_000_000_000_000_000),
            messages: Mutex::default(),
            nonces: Mutex::default(),
            interactions: Mutex::default(),
            callbacks: Mutex::default(),
            followups: Mutex::default(),
            guild_members: Mutex::default(),
            moderators: Mutex::default(),
            threads: Mutex::default(),
            changed: Notify::new(),
            files: Mutex::default(),
            no_attach_files: Mutex::default(),
            record_dir: std::env::var_os("NIBBLE_FAKE_RECORD_DIR").map(PathBuf::from),
            addr: Mutex::default(),
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
        let tls = tls::TlsListener::bind().await;
        let api_addr = axum::serve::Listener::local_addr(&tls).expect("TLS address");
        let plain = app.clone();
        let tasks = vec![
            tokio::spawn(async move {
                let _ = axum::serve(listener, plain).await;
            }),
            tokio::spawn(async move {
                let _ = axum::serve(tls, app).await;
            }),
        ];
        Self {
            addr,
            api_addr,
            state,
            tasks,
        }
    }
}
