//! The application: turns incoming events and lesson pushes into domain calls, store writes and outbox rows.

mod campaigns;
mod community;
mod core;
mod lessons;
mod partners;
mod recognition;
mod reports;
mod reviews;
mod route;
mod setup_notices;
mod tick;
mod ticker;
mod writer;

pub use crate::command::values::mention_id;
pub use core::applied::{CommandOutcome, CommandStatus};
pub use core::errors::EngineError;
pub use core::state::CatalogHandle;
pub(crate) use core::state::Core;
pub use core::work::{LessonChoice, PushLesson, PushOutcome, TickReport};
// The settings are config types: the engine reads them, the config never reads the engine.
pub use crate::config::{CampaignSettings, EngineSettings};
pub use core::deliver::Recipient;
pub use core::mentions::{Mention, parse_mention};

use crate::chat::{Event, EventKind, Platform, Reply, UserRef};
use crate::clock::Clock;
use crate::command::{Command, UsageError};
use crate::store::Store;
use std::sync::Arc;
use tokio::sync::{Notify, mpsc, oneshot};

/// Cheap to clone: a handle to the single writer task that applies work in batched transactions.
#[derive(Clone)]
pub struct Engine {
    jobs: mpsc::Sender<writer::Job>,
    metrics: Arc<crate::ops::Metrics>,
    catalog: CatalogHandle,
    schedule_changed: Arc<Notify>,
    roster_changed: Arc<Notify>,
    /// The failing background loops (the writer's fold, the scheduler, the roster), for `/healthz`.
    health: Arc<crate::ops::LoopHealth>,
    /// The writer task, awaited by `stop` so nothing touches the store after it is closed.
    writer: Arc<tokio::sync::Mutex<Option<tokio::task::JoinHandle<()>>>>,
    /// Reactions by which moderators feature replies: adapters skip every other reaction early.
    feature_reactions: Arc<Vec<String>>,
}

/// Who runs a command from outside chat (an operator at the command line), for which team.
#[derive(Debug, Clone)]
pub struct Operator {
    pub platform: Platform,
    /// The team: a Slack team id, a Discord guild id.
    pub tenant: String,
    /// Who they are, with the roles they run commands with.
    pub user: UserRef,
}

/// Recipients one tick handles in one transaction.
pub const TICK_BATCH: i64 = 200;

impl Engine {
    /// Starts the writer task. `outbox_ready` is notified after each commit that queued messages.
    pub fn start(
        store: Store,
        catalog: CatalogHandle,
        clock: Arc<dyn Clock>,
        settings: EngineSettings,
        outbox_ready: Arc<Notify>,
    ) -> Self {
        Self::start_reporting(
            store,
            catalog,
            clock,
            settings,
            outbox_ready,
            Arc::default(),
        )
    }

    /// `start`, with the engine's loops reporting their failures to `health` (the daemon's board).
    pub fn start_reporting(
        store: Store,
        catalog: CatalogHandle,
        clock: Arc<dyn Clock>,
        settings: EngineSettings,
        outbox_ready: Arc<Notify>,
        health: Arc<crate::ops::LoopHealth>,
    ) -> Self {
        let (jobs, rx) = mpsc::channel(4096);
        let feature_reactions = Arc::new(settings.communities.feature_reactions.clone());
        let fold_retry = crate::ops::Retry::new("recognition fold", health.clone(), clock.clone());
        let core = Core {
            store,
            catalog: catalog.clone(),
            started_at: clock.now(),
            fold_retry: std::sync::Mutex::new(core::state::FoldRetry::new(fold_retry)),
            clock,
            rules: settings.points,
            campaigns: settings.campaigns,
            recognition: settings.recognition,
            badges: settings.badges,
            reviews: settings.reviews,
            communities: settings.communities,
        };
        let schedule_changed = Arc::new(Notify::new());
        let roster_changed = Arc::new(Notify::new());
        let watchers = vec![schedule_changed.clone(), roster_changed.clone()];
        let writer = tokio::spawn(writer::run(core, rx, outbox_ready, watchers));
        Self {
            jobs,
            metrics: Arc::default(),
            catalog,
            schedule_changed,
            roster_changed,
            health,
            writer: Arc::new(tokio::sync::Mutex::new(Some(writer))),
            feature_reactions,
        }
    }

    /// The background loops failing now (the daemon's loops report here too), for `/healthz`.
    pub fn loop_health(&self) -> Arc<crate::ops::LoopHealth> {
        self.health.clone()
    }

    /// Stops the writer: the work queued so far is applied, later work is refused (`ShutDown`), and
    /// this returns once the writer has finished, so the store can be closed with nothing running.
    pub async fn stop(&self) {
        let (tx, rx) = oneshot::channel();
        if self.jobs.send(writer::Job::Stop(tx)).await.is_ok() {
            let _ = rx.await;
        }
        if let Some(task) = self.writer.lock().await.take()
            && let Err(e) = task.await
        {
            tracing::error!(error = %e, "the engine's writer ended badly");
        }
    }

    /// Whether a reaction can feature a reply (adapters drop other reactions before any lookup).
    pub fn is_feature_reaction(&self, emoji: &str) -> bool {
        self.feature_reactions.iter().any(|r| r == emoji)
    }

    /// Counts handled events into these metrics (the daemon's `/metrics`).
    pub fn with_metrics(mut self, metrics: Arc<crate::ops::Metrics>) -> Self {
        self.metrics = metrics;
        self
    }

    /// Folds every answer and award recorded so far into streaks, standings and badges (the engine
    /// otherwise does it between batches).
    pub async fn fold_now(&self) -> Result<(), EngineError> {
        let (tx, rx) = oneshot::channel();
        self.jobs
            .send(writer::Job::Fold(tx))
            .await
            .map_err(|_| EngineError::ShutDown)?;
        rx.await.map_err(|_| EngineError::ShutDown)
    }

    /// Enrols a channel's members (as the platform listed them) in a DM campaign; returns how many
    /// were new.
    pub async fn enrol_roster(
        &self,
        campaign_id: crate::store::CampaignId,
        people: Vec<crate::chat::UserRef>,
    ) -> Result<usize, EngineError> {
        let (tx, rx) = oneshot::channel();
        self.jobs
            .send(writer::Job::Roster(campaign_id, people, tx))
            .await
            .map_err(|_| EngineError::ShutDown)?;
        rx.await.map_err(|_| EngineError::ShutDown)?
    }

    /// Notified after commands that may have changed campaign schedules (the ticker re-reads them).
    pub fn schedule_changed(&self) -> Arc<Notify> {
        self.schedule_changed.clone()
    }

    /// Sends what campaigns have due now, up to `limit` recipients; `more` says whether to call again.
    #[tracing::instrument(name = "engine.tick", skip(self))]
    pub async fn tick(&self, limit: i64) -> Result<TickReport, EngineError> {
        let (tx, rx) = oneshot::channel();
        self.jobs
            .send(writer::Job::Tick(limit, tx))
            .await
            .map_err(|_| EngineError::ShutDown)?;
        rx.await.map_err(|_| EngineError::ShutDown)?
    }

    /// Ticks until nothing more is due now.
    pub async fn run_due(&self) -> Result<TickReport, EngineError> {
        let mut total = TickReport::default();
        loop {
            let r = self.tick(TICK_BATCH).await?;
            total.add(&r);
            if !r.more {
                return Ok(total);
            }
        }
    }

    /// Creates a campaign declared in the config unless one with its name exists. Ok(Err(text)) is a
    /// declaration that does not validate.
    pub async fn declare_campaign(
        &self,
        declared: crate::domain::campaign::RawCampaign,
    ) -> Result<Result<String, String>, EngineError> {
        let (tx, rx) = oneshot::channel();
        self.jobs
            .send(writer::Job::Declare(Box::new(declared), tx))
            .await
            .map_err(|_| EngineError::ShutDown)?;
        rx.await.map_err(|_| EngineError::ShutDown)?
    }

    pub fn catalog(&self) -> &CatalogHandle {
        &self.catalog
    }

    /// Handles one incoming event; the reply goes back to the platform right away.
    #[tracing::instrument(name = "engine.handle", skip_all, fields(platform = event.platform.as_str(), key = %event.key))]
    pub async fn handle(&self, event: Event) -> Result<Reply, EngineError> {
        self.dispatch(event).await.map(|outcome| outcome.reply)
    }

    /// Runs a command already a value (or why it did not read, answered as in chat) for an operator
    /// outside chat, with the rules and messages of chat, and says what it came to.
    #[tracing::instrument(name = "engine.run_command", skip_all, fields(platform = operator.platform.as_str()))]
    pub async fn run_command(
        &self,
        operator: Operator,
        command: Result<Command, UsageError>,
    ) -> Result<CommandOutcome, EngineError> {
        let event = Event {
            // Unique per run (the wall clock, not the injected one): never taken for a redelivery.
            key: format!(
                "cli:{}",
                chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default()
            ),
            platform: operator.platform,
            tenant: operator.tenant,
            // An operator is in no channel: the command runs as if sent in a DM.
            channel: String::new(),
            is_dm: true,
            user: operator.user,
            kind: EventKind::Invoked(command),
        };
        self.dispatch(event).await
    }

    async fn dispatch(&self, event: Event) -> Result<CommandOutcome, EngineError> {
        let started = std::time::Instant::now();
        let platform = event.platform.as_str();
        let (tx, rx) = oneshot::channel();
        self.jobs
            .send(writer::Job::Event(event, tx))
            .await
            .map_err(|_| EngineError::ShutDown)?;
        let result = rx.await.map_err(|_| EngineError::ShutDown)?;
        self.metrics
            .event(platform, started.elapsed(), result.is_ok());
        result
    }

    /// Delivers a lesson to a recipient exactly once per origin.
    #[tracing::instrument(name = "engine.push", skip_all, fields(lesson = ?push.lesson, origin = %push.origin))]
    pub async fn push_lesson(&self, push: PushLesson) -> Result<PushOutcome, EngineError> {
        let (tx, rx) = oneshot::channel();
        self.jobs
            .send(writer::Job::Push(push, tx))
            .await
            .map_err(|_| EngineError::ShutDown)?;
        rx.await.map_err(|_| EngineError::ShutDown)?
    }
}
