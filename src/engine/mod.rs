//! The application: turns incoming events and lesson pushes into domain calls, store writes and outbox rows.

mod answer;
mod commands;
mod deliver;
mod writer;

pub use deliver::Recipient;

use crate::chat::{Event, Platform, Reply};
use crate::clock::Clock;
use crate::content::Catalog;
use crate::domain::points::PointsRules;
use crate::store::{Store, StoreError};
use std::sync::{Arc, RwLock};
use tokio::sync::{Notify, mpsc, oneshot};

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the engine has shut down")]
    ShutDown,
    #[error("unknown lesson `{0}`")]
    UnknownLesson(String),
    #[error("unknown course `{0}`")]
    UnknownCourse(String),
}

impl EngineError {
    /// What a chat user is told (internal detail stays in the logs).
    pub fn user_message(&self) -> &'static str {
        match self {
            EngineError::UnknownLesson(_) => "That lesson doesn't exist.",
            EngineError::UnknownCourse(_) => "That course doesn't exist.",
            _ => "Sorry, something went wrong on my side. Please try again in a moment.",
        }
    }
}

/// The current lesson catalog; replaced whole when lessons are reloaded.
#[derive(Clone, Default)]
pub struct CatalogHandle(Arc<RwLock<Arc<Catalog>>>);

impl CatalogHandle {
    pub fn new(catalog: Catalog) -> Self {
        Self(Arc::new(RwLock::new(Arc::new(catalog))))
    }
    pub fn current(&self) -> Arc<Catalog> {
        self.0.read().unwrap_or_else(|e| e.into_inner()).clone()
    }
    pub fn replace(&self, catalog: Catalog) {
        *self.0.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(catalog);
    }
}

/// Which lesson a push sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LessonChoice {
    Id(String),
    /// The first lesson of this course the recipient has not been sent or completed.
    NextIn(String),
}

/// A lesson pushed to a recipient (the demo's daily drip, and campaigns later).
#[derive(Debug, Clone)]
pub struct PushLesson {
    pub platform: Platform,
    pub tenant: String,
    pub recipient: Recipient,
    pub lesson: LessonChoice,
    /// What sent it, e.g. "demo" or "campaign:3"; one delivery per origin, lesson and recipient.
    pub origin: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushOutcome {
    /// Queued as this many messages.
    Queued { delivery_id: i64, messages: usize },
    /// This origin had already delivered the lesson to this recipient.
    AlreadyDelivered,
    /// The recipient has had every lesson of the course.
    CourseFinished,
}

pub(crate) struct Core {
    store: Store,
    catalog: CatalogHandle,
    clock: Arc<dyn Clock>,
    rules: PointsRules,
}

/// Cheap to clone: a handle to the single writer task that applies work in batched transactions.
#[derive(Clone)]
pub struct Engine {
    jobs: mpsc::Sender<writer::Job>,
    catalog: CatalogHandle,
}

impl Engine {
    /// Starts the writer task. `outbox_ready` is notified after each commit that queued messages.
    pub fn start(
        store: Store,
        catalog: CatalogHandle,
        clock: Arc<dyn Clock>,
        rules: PointsRules,
        outbox_ready: Arc<Notify>,
    ) -> Self {
        let (jobs, rx) = mpsc::channel(4096);
        let core = Core {
            store,
            catalog: catalog.clone(),
            clock,
            rules,
        };
        tokio::spawn(writer::run(core, rx, outbox_ready));
        Self { jobs, catalog }
    }

    pub fn catalog(&self) -> &CatalogHandle {
        &self.catalog
    }

    /// Handles one incoming event; the reply goes back to the platform right away.
    #[tracing::instrument(name = "engine.handle", skip_all, fields(platform = event.platform.as_str(), key = %event.key))]
    pub async fn handle(&self, event: Event) -> Result<Reply, EngineError> {
        let (tx, rx) = oneshot::channel();
        self.jobs
            .send(writer::Job::Event(event, tx))
            .await
            .map_err(|_| EngineError::ShutDown)?;
        rx.await.map_err(|_| EngineError::ShutDown)?
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
