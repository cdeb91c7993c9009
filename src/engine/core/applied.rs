//! What a write did: its result, and whether it queued outbox messages.

/// A job's result, and whether it queued outbox messages (so the dispatcher is woken).
pub(crate) struct Applied<T> {
    pub value: T,
    pub queued_messages: bool,
}

impl<T> Applied<T> {
    pub fn new(value: T, queued_messages: bool) -> Self {
        Self {
            value,
            queued_messages,
        }
    }
}
