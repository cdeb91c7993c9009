//! The dispatcher's thread opening: a posted message that asked for a thread gets it right after the
//! send, or on a later pass when the platform could not open it then.

use super::Dispatcher;
use crate::chat::{ChatPlatform, Destination, SendError};
use crate::store::StoreError;

impl Dispatcher {
    /// Opens the thread a posted message asked for; a failure leaves it for a later pass
    /// (`open_pending_threads`), the message itself stays sent.
    pub(super) async fn open_thread(
        &self,
        platform: &dyn ChatPlatform,
        row_id: i64,
        reference: &str,
        title: &str,
    ) -> Result<bool, StoreError> {
        let reference = reference.to_string();
        match platform.open_thread(&reference, title).await {
            Ok(Destination::Thread { channel, thread }) => {
                self.store
                    .mark_thread_opened(row_id, &channel, &thread)
                    .await?;
                Ok(true)
            }
            Ok(other) => {
                let error = format!("the platform opened a thread that is not one: {other:?}");
                tracing::error!(row = row_id, %error, "giving up on a thread");
                self.store.mark_thread_failed(row_id, &error).await?;
                Ok(false)
            }
            // Retrying will not help (a missing permission, a deleted message): say so once.
            Err(SendError::Permanent(e)) => {
                tracing::error!(row = row_id, error = %e, "cannot open a thread: giving up on it");
                self.store.mark_thread_failed(row_id, &e).await?;
                Ok(false)
            }
            Err(e) => {
                tracing::warn!(row = row_id, error = %e, "cannot open a thread yet: will retry");
                Ok(false)
            }
        }
    }

    /// Locks the thread a closing message was posted in. Best effort: the message said the thread
    /// is closed and replies there earn nothing, whether the platform locks it or not.
    pub(super) async fn lock_thread(&self, platform: &dyn ChatPlatform, thread: &Destination) {
        if let Err(e) = platform.lock_thread(thread).await {
            tracing::warn!(?thread, error = %e, "cannot lock a closed thread (missing permission?)");
        }
    }

    /// Opens the threads earlier passes could not (after a crash or a platform failure), a page
    /// at a time.
    pub async fn open_pending_threads(&self) -> Result<usize, StoreError> {
        const PAGE: usize = 50;
        let (mut opened, mut after) = (0, 0);
        loop {
            let rows = self.store.threads_to_open(PAGE as i64, after).await?;
            after = rows.last().map_or(after, |(row, _)| row.id);
            for (row, reference) in &rows {
                let (Some(platform), Some(title)) = (self.platform_of(row), &row.thread_title)
                else {
                    continue; // its platform is not enabled: next time
                };
                if self
                    .open_thread(platform.as_ref(), row.id, reference, title)
                    .await?
                {
                    opened += 1;
                }
            }
            if rows.len() < PAGE {
                return Ok(opened);
            }
        }
    }
}
