//! What a write did: its result, whether it queued outbox messages, and what a command came to.

use crate::chat::Reply;

/// A job's result, and whether it queued outbox messages (so the dispatcher is woken).
pub(crate) struct Applied<T> {
    pub value: T,
    pub queued_messages: bool,
    /// What a command came to (`Done` for anything that is no command).
    pub status: CommandStatus,
}

impl<T> Applied<T> {
    pub fn new(value: T, queued_messages: bool) -> Self {
        Self {
            value,
            queued_messages,
            status: CommandStatus::Done,
        }
    }

    pub fn with_status(self, status: CommandStatus) -> Self {
        Self { status, ..self }
    }
}

/// What a command came to, for callers that act on it rather than only show the reply (the
/// command line's exit code).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommandStatus {
    /// Carried out (or answered: a list, a help text).
    Done,
    /// Understood, but there was nothing to do: pausing a campaign that is not running.
    Unchanged,
    /// The person may not run it.
    Refused,
    /// It does not read, or cannot be carried out as asked (a campaign whose course is unknown).
    Invalid,
    /// What it names does not exist here.
    NotFound,
}

impl CommandStatus {
    /// Whether the command did what was asked, or found it already so.
    pub fn succeeded(self) -> bool {
        matches!(self, CommandStatus::Done | CommandStatus::Unchanged)
    }
}

/// A command's reply and what the command came to.
#[derive(Debug, Clone, PartialEq)]
pub struct CommandOutcome {
    pub reply: Reply,
    pub status: CommandStatus,
}
