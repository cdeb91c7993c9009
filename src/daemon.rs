//! The long-running daemon: store, catalog, engine and outbox dispatcher wired together, with
//! lesson reload on SIGHUP and a clean shutdown on SIGINT/SIGTERM.

use crate::chat::{ChatPlatform, Dispatcher};
use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::content::{Problems, load_catalog};
use crate::discord::{DiscordError, DiscordListener, DiscordPlatform};
use crate::engine::{CatalogHandle, Engine};
use crate::slack::{SlackError, SlackListener, SlackPlatform, SlackTokens};
use crate::store::{Store, StoreError};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::sync::watch;
use tokio::task::JoinHandle;

#[path = "daemon_lock.rs"]
pub mod lock;

#[derive(Debug, thiserror::Error)]
pub enum DaemonError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the lessons in `{dir}` have problems, fix them and start again:\n{problems}")]
    Lessons { dir: PathBuf, problems: Problems },
    #[error(
        "no chat platform is enabled: set `enabled = true` under [slack] or [discord] (see config/nibble.example.toml); `nibble demo` runs without one"
    )]
    NoPlatform,
    #[error(transparent)]
    Slack(#[from] SlackError),
    #[error(transparent)]
    Discord(#[from] DiscordError),
    #[error("config: {0}")]
    Campaign(String),
    #[error("xAPI export: {0}")]
    Xapi(String),
    #[error("the engine stopped while starting")]
    Engine(#[from] crate::engine::EngineError),
    #[error("cannot listen for signals: {0}")]
    Signals(std::io::Error),
    #[error(transparent)]
    Locked(#[from] lock::LockError),
    #[error("another nibble daemon took this database over: stopped")]
    LockLost,
}

pub struct Daemon {
    engine: Engine,
    store: Store,
    clock: Arc<dyn Clock>,
    lessons_dir: PathBuf,
    shutdown: watch::Sender<bool>,
    dispatcher_task: JoinHandle<()>,
    scheduler_task: JoinHandle<()>,
    roster_task: JoinHandle<()>,
    slack: Option<SlackListener>,
    discord: Option<DiscordListener>,
    metrics: Arc<crate::ops::Metrics>,
    ops: Option<(std::net::SocketAddr, JoinHandle<()>)>,
    xapi: Option<JoinHandle<()>>,
    lock: lock::HeldLock,
    /// Every background loop's failures, for `/healthz`.
    health: Arc<crate::ops::LoopHealth>,
}

/// How long a stop may take: in-flight work finishes, then the process exits regardless.
const STOP_DEADLINE: std::time::Duration = std::time::Duration::from_secs(10);

/// The platform adapters the config enables, with their secrets from the environment.
#[derive(Default)]
pub struct Adapters {
    pub slack: Option<Arc<SlackPlatform>>,
    pub discord: Option<Arc<DiscordPlatform>>,
}

impl Adapters {
    pub fn from_config(
        config: &Config,
        env: &HashMap<String, String>,
    ) -> Result<Self, DaemonError> {
        let slack = if config.slack.enabled {
            let tokens = SlackTokens::resolve(&config.slack, env)?;
            Some(SlackPlatform::new(&config.slack, &tokens)?)
        } else {
            None
        };
        let discord = if config.discord.enabled {
            Some(DiscordPlatform::new(&config.discord, env)?)
        } else {
            None
        };
        Ok(Self { slack, discord })
    }

    pub fn platforms(&self) -> Vec<Arc<dyn ChatPlatform>> {
        let mut out: Vec<Arc<dyn ChatPlatform>> = Vec::new();
        if let Some(s) = &self.slack {
            out.push(s.clone());
        }
        if let Some(d) = &self.discord {
            out.push(d.clone());
        }
        out
    }
}

impl Daemon {
    /// Opens and migrates the database, loads the lessons strictly, and starts the engine and dispatcher.
    pub async fn start(
        config: &Config,
        platforms: Vec<Arc<dyn ChatPlatform>>,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, DaemonError> {
        let lessons_dir = config.lessons.dir.clone();
        let catalog = load_catalog(&lessons_dir).map_err(|problems| DaemonError::Lessons {
            dir: lessons_dir.clone(),
            problems,
        })?;
        let store = Store::open(&config.database.url, config.database.durability).await?;
        let (shutdown, rx) = watch::channel(false);
        let health = Arc::new(crate::ops::LoopHealth::default());
        let lock = match lock::HeldLock::take(&store, clock.clone(), health.clone(), rx).await {
            Ok(lock) => lock,
            Err(e) => {
                store.close().await;
                return Err(e.into());
            }
        };
        let started = Self::start_parts(
            config,
            catalog,
            platforms,
            (clock.clone(), health.clone()),
            &store,
            &shutdown,
        )
        .await;
        match started {
            Ok((engine, metrics, dispatcher_task, scheduler_task, roster_task)) => {
                tracing::info!(database = %config.database.url, lessons = %lessons_dir.display(), "nibble started");
                Ok(Self {
                    engine,
                    store,
                    clock,
                    lessons_dir,
                    shutdown,
                    dispatcher_task,
                    scheduler_task,
                    roster_task,
                    slack: None,
                    discord: None,
                    metrics,
                    ops: None,
                    xapi: None,
                    lock,
                    health,
                })
            }
            Err(e) => {
                // A start that fails leaves the database free for the next one.
                let _ = shutdown.send(true);
                lock.release().await;
                store.close().await;
                Err(e)
            }
        }
    }

    /// The start after the lock is taken: catalog recorded, engine, dispatcher and loops running.
    #[allow(clippy::type_complexity)]
    async fn start_parts(
        config: &Config,
        catalog: crate::content::Catalog,
        platforms: Vec<Arc<dyn ChatPlatform>>,
        (clock, health): (Arc<dyn Clock>, Arc<crate::ops::LoopHealth>),
        store: &Store,
        shutdown: &watch::Sender<bool>,
    ) -> Result<
        (
            Engine,
            Arc<crate::ops::Metrics>,
            JoinHandle<()>,
            JoinHandle<()>,
            JoinHandle<()>,
        ),
        DaemonError,
    > {
        store.sync_catalog(&catalog, clock.now()).await?;
        let metrics = Arc::new(crate::ops::Metrics::default());
        let dispatcher = Dispatcher::new(
            store.clone(),
            platforms.clone(),
            clock.clone(),
            config.dispatcher(),
        )
        .with_metrics(metrics.clone());
        let engine = Engine::start_reporting(
            store.clone(),
            CatalogHandle::new(catalog),
            clock.clone(),
            config.engine_settings(),
            dispatcher.waker(),
            health.clone(),
        )
        .with_metrics(metrics.clone());
        let dispatcher = Arc::new(dispatcher.with_health(health));
        for declared in &config.declared_campaigns {
            let declared = match engine.declare_campaign(declared.clone()).await {
                Ok(declared) => declared,
                Err(e) => {
                    engine.stop().await;
                    return Err(e.into());
                }
            };
            match declared {
                Ok(text) => tracing::info!(%text, "campaign from the config"),
                Err(text) => {
                    engine.stop().await;
                    return Err(DaemonError::Campaign(text));
                }
            }
        }
        let rx = shutdown.subscribe();
        let dispatcher_task = tokio::spawn(dispatcher.run(rx.clone()));
        let scheduler_task = tokio::spawn(engine.clone().run_scheduler(
            store.clone(),
            clock.clone(),
            rx.clone(),
        ));
        let roster_task = tokio::spawn(engine.clone().run_roster(
            store.clone(),
            platforms,
            clock,
            rx,
        ));
        Ok((
            engine,
            metrics,
            dispatcher_task,
            scheduler_task,
            roster_task,
        ))
    }

    /// Starts receiving events from the enabled platforms.
    pub async fn connect(
        &mut self,
        config: &Config,
        adapters: &Adapters,
    ) -> Result<(), DaemonError> {
        if let Some(platform) = &adapters.slack {
            let listener = SlackListener::start(
                platform.clone(),
                self.engine.clone(),
                config.slack.connections,
            )
            .await?;
            self.slack = Some(listener);
        }
        if let Some(platform) = &adapters.discord {
            self.discord =
                Some(DiscordListener::start(platform.clone(), self.engine.clone()).await?);
        }
        if !config.ops.listen.is_empty() {
            let mut connections = Vec::new();
            if let Some(p) = &adapters.slack {
                connections.push(("slack", p.connection.clone()));
            }
            if let Some(p) = &adapters.discord {
                connections.push(("discord", p.connection.clone()));
            }
            let state = crate::ops::OpsState {
                store: self.store.clone(),
                metrics: self.metrics.clone(),
                connections,
                health: self.health.clone(),
            };
            // The bot's job goes on without them: a taken port is reported, not fatal.
            let limits = crate::ops::OpsLimits::default();
            match crate::ops::serve(&config.ops.listen, state, limits, self.shutdown.subscribe())
                .await
            {
                Ok(served) => self.ops = Some(served),
                Err(e) => {
                    tracing::error!(address = %config.ops.listen, error = %e, "cannot serve /healthz and /metrics")
                }
            }
        }
        Ok(())
    }

    /// Starts the xAPI export when `[xapi]` enables it (the LRS password from the environment or
    /// `password_file`).
    pub fn start_xapi(
        &mut self,
        config: &Config,
        env: &HashMap<String, String>,
    ) -> Result<(), DaemonError> {
        let x = &config.xapi;
        if !x.enabled {
            return Ok(());
        }
        let sink = match &x.file {
            Some(path) => crate::xapi::Sink::File(path.clone()),
            None => {
                let password = match (env.get("NIBBLE_XAPI_PASSWORD"), &x.password_file) {
                    (Some(p), _) => p.trim().to_string(),
                    (None, Some(path)) => std::fs::read_to_string(path)
                        .map_err(|e| {
                            DaemonError::Xapi(format!("cannot read `{}`: {e}", path.display()))
                        })?
                        .trim()
                        .to_string(),
                    (None, None) => String::new(),
                };
                crate::xapi::Sink::http(&x.endpoint, &x.username, &password)
                    .map_err(|e| DaemonError::Xapi(e.to_string()))?
            }
        };
        self.xapi = Some(tokio::spawn(crate::xapi::run(
            self.store.clone(),
            self.engine.catalog().clone(),
            sink,
            x.batch_size,
            std::time::Duration::from_secs(x.interval_secs.max(1)),
            crate::ops::Retry::new("xAPI export", self.health.clone(), self.clock.clone()),
            self.shutdown.subscribe(),
        )));
        tracing::info!(endpoint = %x.endpoint, file = ?x.file, "xAPI export started");
        Ok(())
    }

    /// Where `/healthz` and `/metrics` are served, when they are.
    pub fn ops_address(&self) -> Option<std::net::SocketAddr> {
        self.ops.as_ref().map(|(a, _)| *a)
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The background loops failing now (what `/healthz` reports).
    pub fn loop_health(&self) -> &Arc<crate::ops::LoopHealth> {
        &self.health
    }

    /// Reloads lessons; a broken file keeps its previous version and nothing loaded is lost (see
    /// `content::reload`). Returns the problems found.
    #[tracing::instrument(name = "daemon.reload_lessons", skip(self))]
    pub async fn reload_lessons(&self) -> Problems {
        let current = self.engine.catalog().current();
        let dir = self.lessons_dir.clone();
        // The folder is read on a thread of its own: a stalled disk or network share holds up the
        // reload, never the signal loop (SIGTERM is still honoured within its deadline).
        let (done, outcome) = tokio::sync::oneshot::channel();
        let spawned = std::thread::Builder::new()
            .name("lessons-reload".into())
            .spawn(move || {
                let _ = done.send(current.reload(&dir));
            });
        let outcome = match spawned {
            Ok(_) => outcome.await.ok(),
            Err(e) => {
                tracing::error!(error = %e, "cannot start a thread to reload the lessons");
                None
            }
        };
        let Some(outcome) = outcome else {
            return Problems::default();
        };
        for p in &outcome.problems.0 {
            tracing::error!(problem = %p, "lessons reloaded with a problem: the loaded version is kept");
        }
        if let Err(e) = self
            .store
            .sync_catalog(&outcome.catalog, self.clock.now())
            .await
        {
            tracing::error!(error = %e, "cannot record the reloaded lessons");
        }
        tracing::info!(
            courses = outcome.catalog.courses().len(),
            lessons = outcome.catalog.lesson_count(),
            problems = outcome.problems.0.len(),
            "lessons reloaded"
        );
        self.engine.catalog().replace(outcome.catalog);
        outcome.problems
    }

    /// Stops the dispatcher after its current pass, then every other task and the engine's writer, and
    /// only then gives the database lock up and closes the database (nothing may use it after that).
    pub async fn shutdown(self) {
        if let Some(slack) = &self.slack {
            slack.shutdown().await;
        }
        if let Some(discord) = &self.discord {
            discord.shutdown().await;
        }
        let _ = self.shutdown.send(true);
        if let Err(e) = self.dispatcher_task.await {
            tracing::error!(error = %e, "dispatcher task ended badly");
        }
        let mut tasks = vec![
            (self.scheduler_task, "scheduler"),
            (self.roster_task, "roster"),
        ];
        tasks.extend(self.ops.map(|(_, t)| (t, "ops")));
        tasks.extend(self.xapi.map(|t| (t, "xapi")));
        for (task, name) in tasks {
            if let Err(e) = task.await {
                tracing::error!(error = %e, task = name, "task ended badly");
            }
        }
        self.engine.stop().await;
        self.lock.release().await;
        self.store.close().await;
        tracing::info!("nibble stopped");
    }
}

/// `nibble run`: starts the daemon and serves until SIGINT or SIGTERM (or until another daemon took
/// the database over).
pub async fn run(config: Config, env: HashMap<String, String>) -> Result<(), DaemonError> {
    let adapters = Adapters::from_config(&config, &env)?;
    let platforms = adapters.platforms();
    if platforms.is_empty() {
        return Err(DaemonError::NoPlatform);
    }
    let mut daemon = Daemon::start(&config, platforms, Arc::new(SystemClock)).await?;
    if let Err(e) = daemon.connect(&config, &adapters).await {
        daemon.shutdown().await;
        return Err(e);
    }
    if let Err(e) = daemon.start_xapi(&config, &env) {
        daemon.shutdown().await;
        return Err(e);
    }
    let lost = daemon.lock.lost();
    let outcome = tokio::select! {
        r = wait_for_signals(&daemon) => r,
        _ = lost.notified() => Err(DaemonError::LockLost),
    };
    tracing::info!("stopping: finishing in-flight work");
    let (store, token) = daemon.lock.releaser();
    if tokio::time::timeout(STOP_DEADLINE, daemon.shutdown())
        .await
        .is_err()
    {
        tracing::warn!(
            "in-flight work did not finish within 10 s: stopping anyway (unsent messages are resent after a restart, never twice)"
        );
        // The next start need not wait for the lock to expire.
        lock::release(&store, &token).await;
    }
    outcome
}

/// What the daemon is asked to do from outside.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    Reload,
    Stop,
}

/// Serves signals until a stop (or until no sender is left): a reload runs beside the loop, so a stop
/// is honoured even while a reload is stuck on the disk; reload requests during a reload are folded
/// into one more reload after it.
pub async fn serve_signals<F>(
    signals: &mut tokio::sync::mpsc::Receiver<Signal>,
    mut reload: impl FnMut() -> F,
) where
    F: std::future::Future<Output = Problems>,
{
    let mut running: Option<std::pin::Pin<Box<F>>> = None;
    let mut again = false;
    loop {
        tokio::select! {
            signal = signals.recv() => match signal {
                None | Some(Signal::Stop) => return,
                Some(Signal::Reload) if running.is_some() => again = true,
                Some(Signal::Reload) => running = Some(Box::pin(reload())),
            },
            _ = async { if let Some(r) = running.as_mut() { r.await; } }, if running.is_some() => {
                running = again.then(|| Box::pin(reload()));
                again = false;
            }
        }
    }
}

#[cfg(unix)]
async fn wait_for_signals(daemon: &Daemon) -> Result<(), DaemonError> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut hangup = signal(SignalKind::hangup()).map_err(DaemonError::Signals)?;
    let mut terminate = signal(SignalKind::terminate()).map_err(DaemonError::Signals)?;
    let (send, mut signals) = tokio::sync::mpsc::channel(4);
    let forward = tokio::spawn(async move {
        loop {
            let signal = tokio::select! {
                _ = hangup.recv() => Signal::Reload,
                _ = terminate.recv() => Signal::Stop,
                r = tokio::signal::ctrl_c() => {
                    if let Err(e) = r {
                        tracing::error!(error = %e, "cannot listen for Ctrl-C");
                    }
                    Signal::Stop
                }
            };
            if send.send(signal).await.is_err() || signal == Signal::Stop {
                return;
            }
        }
    });
    serve_signals(&mut signals, || daemon.reload_lessons()).await;
    forward.abort();
    Ok(())
}

#[cfg(not(unix))]
async fn wait_for_signals(_daemon: &Daemon) -> Result<(), DaemonError> {
    tokio::signal::ctrl_c().await.map_err(DaemonError::Signals)
}
