//! The chat port: the neutral message and event model every platform adapter speaks, and the outbox dispatcher.

mod dispatcher;
mod event;
mod message;
mod pace;
mod payload;
mod progress;

pub use dispatcher::{Dispatcher, DispatcherConfig, PassReport};
pub use event::{Event, EventKind, Reply, UserRef};
pub use message::{Choice, Destination, Feedback, LessonPart, Message, QuestionCard, Verdict};
pub use pace::{Rate, TokenBucket};
pub use payload::{
    Action, CheckInOutcome, PayloadError, encode_answer, encode_check_in, encode_join_pool,
    encode_open, encode_review, encode_vote, multi_action_id, multi_review_action_id,
};

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Which chat platform a tenant lives on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Platform {
    Local,
    Slack,
    Discord,
}

impl Platform {
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Local => "local",
            Platform::Slack => "slack",
            Platform::Discord => "discord",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "local" => Some(Platform::Local),
            "slack" => Some(Platform::Slack),
            "discord" => Some(Platform::Discord),
            _ => None,
        }
    }
}

/// The platform's reference to a message it accepted (Slack `channel:ts`, Discord message id).
pub type SentRef = String;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// The platform asked us to slow down: nothing was posted; try again after the delay.
    #[error("rate limited, retry after {retry_after:?}")]
    RateLimited { retry_after: Duration },
    /// A failure that may pass (5xx, timeout, dropped connection).
    #[error("transient failure: {0}")]
    Transient(String),
    /// A failure that retrying will not fix (unknown channel, missing permission, invalid body).
    #[error("permanent failure: {0}")]
    Permanent(String),
}

/// What a platform knows about a message whose send was in doubt after a crash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InDoubt {
    /// It was posted: record this reference, do not resend.
    Sent(SentRef),
    /// It was not posted (or resending is idempotent on this platform): send it.
    NotSent,
}

/// One outgoing message, as the dispatcher hands it to a platform.
#[derive(Debug, Clone, PartialEq)]
pub struct Outgoing {
    /// The tenant's id on its platform (Slack team id, Discord guild id).
    pub tenant: String,
    pub destination: Destination,
    pub message: Message,
    /// Stable across retries: platforms use it to make resends idempotent.
    pub dedupe_key: String,
    /// For a member's DM, the channel the platform opened before (the store remembers it): the
    /// adapter posts there instead of opening the DM again.
    pub dm_channel: Option<String>,
}

/// A chat platform adapter: the only way the application reaches Slack, Discord or the local platform.
pub trait ChatPlatform: Send + Sync + 'static {
    fn platform(&self) -> Platform;

    /// The pace at which one tenant's messages may be sent (None: the adapter paces itself).
    fn tenant_rate(&self) -> Option<Rate> {
        None
    }

    /// Hands the adapter the store for what it must remember across restarts (Slack: the pictures
    /// it uploaded to each workspace). The dispatcher calls it once, before any send.
    fn attach_store(&self, _store: &crate::store::Store) {}

    /// Posts one message.
    fn send<'a>(&'a self, out: &'a Outgoing) -> BoxFuture<'a, Result<SentRef, SendError>>;

    /// The people (not bots) in a channel: a campaign that DMs a channel's members enrols them.
    fn channel_members<'a>(
        &'a self,
        _tenant: &'a str,
        channel: &'a str,
    ) -> BoxFuture<'a, Result<Vec<UserRef>, SendError>> {
        let platform = self.platform().as_str();
        Box::pin(async move {
            Err(SendError::Permanent(format!(
                "{platform} cannot list the members of `{channel}`"
            )))
        })
    }

    /// Resolves a send that a crash left in doubt, without posting twice.
    fn resolve_in_doubt<'a>(
        &'a self,
        out: &'a Outgoing,
    ) -> BoxFuture<'a, Result<InDoubt, SendError>>;

    /// Locks a thread (no more replies) where the platform can; where it cannot (Slack), the
    /// closing message says so and this does nothing.
    fn lock_thread<'a>(&'a self, _thread: &'a Destination) -> BoxFuture<'a, Result<(), SendError>> {
        Box::pin(async { Ok(()) })
    }

    /// Opens a discussion thread under a message this platform posted (`message` is the reference
    /// `send` returned) and returns the destination that posts into it.
    fn open_thread<'a>(
        &'a self,
        message: &'a SentRef,
        title: &'a str,
    ) -> BoxFuture<'a, Result<Destination, SendError>>;
}
