//! The dispatcher's run loop: passes over the outbox until shutdown, backing off while the store fails.

use super::Dispatcher;
use crate::store::StoreError;
use std::sync::Arc;
use tokio::sync::watch;

impl Dispatcher {
    /// Sends until shutdown: wakes when notified or when the next row falls due. While the store
    /// fails, it backs off (1 s doubling to 60 s) instead of polling.
    pub async fn run(self: Arc<Self>, mut shutdown: watch::Receiver<bool>) {
        let mut recover = true;
        let mut progress = crate::chat::progress::Progress::default();
        let mut retry =
            crate::ops::Retry::new("outbox dispatcher", self.health.clone(), self.clock.clone());
        // Threads a platform could not open yet are retried at most this often (no hammering).
        let mut thread_retry = tokio::time::Instant::now();
        loop {
            let failed = match self
                .pass(&mut recover, &mut thread_retry, &mut progress)
                .await
            {
                Ok(()) => match self.store.next_due().await {
                    Ok(next) => {
                        retry.succeeded();
                        let wait = next
                            .map(|at| (at - self.clock.now()).to_std().unwrap_or_default())
                            .unwrap_or(std::time::Duration::from_secs(5));
                        tokio::select! {
                            _ = self.wake.notified() => {}
                            _ = tokio::time::sleep(wait.clamp(
                                std::time::Duration::from_millis(20),
                                std::time::Duration::from_secs(5),
                            )) => {}
                            _ = shutdown.changed() => return,
                        }
                        continue;
                    }
                    Err(e) => e,
                },
                Err(e) => e,
            };
            // Deaf to wake-ups meanwhile: new rows wait for the store to answer again.
            let wait = retry.failed(&failed, true);
            tokio::select! {
                _ = retry.wait(wait) => {}
                _ = shutdown.changed() => return,
            }
        }
    }

    /// One round of the run loop: in-doubt recovery when needed, pending threads now and then, and
    /// one pass over the due rows.
    async fn pass(
        &self,
        recover: &mut bool,
        thread_retry: &mut tokio::time::Instant,
        progress: &mut crate::chat::progress::Progress,
    ) -> Result<(), StoreError> {
        // At start, and after a pass that failed half-way (its claimed rows are still `sending`).
        if *recover {
            self.recover_in_doubt().await?;
            *recover = false;
            // Sends it resolved as posted may still need their threads.
            *thread_retry = tokio::time::Instant::now();
        }
        // Threads not opened yet (a crash, a platform failure, a platform not enabled then):
        // at start, after a recovery, and every 30 s (a partial index makes the check cheap).
        if tokio::time::Instant::now() >= *thread_retry {
            *thread_retry = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
            if let Err(e) = self.open_pending_threads().await {
                tracing::error!(error = %e, "cannot open pending threads");
            }
        }
        match self.run_pass().await {
            Ok(report) => {
                progress.record(&self.store, &report).await;
                Ok(())
            }
            Err(e) => {
                *recover = true;
                Err(e)
            }
        }
    }
}
