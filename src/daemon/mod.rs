//! The long-running daemon: store, catalog, engine and outbox dispatcher wired together, with
//! lesson reload on SIGHUP and a clean shutdown on SIGINT/SIGTERM.

use crate::chat::{ChatPlatform, Dispatcher};
use crate::clock::Clock;
use crate::config::Config;
use crate::content::{Problems, load_catalog};
use crate::discord::{DiscordError, DiscordListener};
use crate::engine::{CatalogHandle, Engine};
use crate::slack::{SlackError, SlackListener};
use crate::store::{Store, StoreError};
use std::path::PathBuf;
use std::sync::Arc;
use tokio::sync::watch;
use tokio::task::JoinHandle;

mod adapters;
pub mod lock;
mod reload;
mod run;
#[cfg(test)]
mod secrets_tests;
mod signals;
mod xapi;

pub use adapters::Adapters;
pub use run::run;
pub use signals::{Signal, serve_signals};

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
