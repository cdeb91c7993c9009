//! The one way handlers build a text reply to the person who ran a command or clicked.

use super::applied::{Applied, CommandStatus};
use crate::chat::{Message, Reply};
use crate::engine::core::errors::EngineError;

/// An ephemeral text reply; nothing was queued for the outbox.
pub(crate) fn say(text: impl Into<String>) -> Result<Applied<Reply>, EngineError> {
    Ok(Applied::new(Reply::Ephemeral(Message::text(text)), false))
}

/// An ephemeral text reply to a command that was not done as asked (`status` says why).
pub(crate) fn say_as(
    status: CommandStatus,
    text: impl Into<String>,
) -> Result<Applied<Reply>, EngineError> {
    say(text).map(|a| a.with_status(status))
}

/// An ephemeral text reply after the handler queued outbox messages (the dispatcher is woken).
pub(crate) fn say_queued(text: impl Into<String>) -> Result<Applied<Reply>, EngineError> {
    Ok(Applied::new(Reply::Ephemeral(Message::text(text)), true))
}

/// Nothing to answer (a redelivery, a plain message), with or without queued messages.
pub(crate) fn silent(queued: bool) -> Result<Applied<Reply>, EngineError> {
    Ok(Applied::new(Reply::None, queued))
}
