//! Opening a discussion thread: shared by lesson prompts, scheduled prompts and community posts.

use crate::chat::{Destination, Message};
use crate::store::{NewDiscussion, Store, StoreError, ThreadKind, Tx};
use chrono::{DateTime, Utc};

/// A thread to open with a starter message in a channel.
pub(crate) struct Opening<'a> {
    pub tenant_id: i64,
    pub kind: ThreadKind,
    pub channel: &'a str,
    /// The thread's subject (its Discord name), also listed by moderators and the digest.
    pub title: &'a str,
    /// The starter message.
    pub text: String,
    pub author_id: Option<i64>,
    pub course_id: Option<&'a str>,
    pub lesson_id: Option<&'a str>,
    pub reflection: bool,
    /// The outbox key: the same key never opens a second thread.
    pub key: String,
}

/// Queues the starter message and records the discussion; returns the discussion's id.
pub(crate) async fn open(
    tx: &mut Tx<'_>,
    o: &Opening<'_>,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let destination = serde_json::to_string(&Destination::Channel {
        channel: o.channel.to_string(),
    })
    .map_err(|e| StoreError::Invalid(format!("destination: {e}")))?;
    let payload = serde_json::to_string(&Message::text(&o.text))
        .map_err(|e| StoreError::Invalid(format!("message: {e}")))?;
    let title: String = o.title.chars().take(90).collect();
    let outbox_id =
        Store::enqueue_thread_starter(tx, o.tenant_id, &o.key, &destination, &payload, &title, now)
            .await?;
    let discussion = NewDiscussion {
        tenant_id: o.tenant_id,
        kind: o.kind,
        channel: o.channel,
        title: o.title,
        author_id: o.author_id,
        course_id: o.course_id,
        lesson_id: o.lesson_id,
        reflection: o.reflection,
        outbox_id,
    };
    Store::create_discussion(tx, &discussion, now).await
}
