//! The scheduler loop: sleeps until the earliest persisted fire time (or a schedule change), then ticks.

use super::Engine;
use crate::clock::Clock;
use crate::store::Store;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// Longest sleep: bounds how late a change made outside the daemon (the `nibble campaign` CLI) is seen.
const MAX_SLEEP: Duration = Duration::from_secs(30);
/// Shortest sleep, so a row that cannot be handled yet never spins the loop.
const MIN_SLEEP: Duration = Duration::from_millis(250);

impl Engine {
    /// Runs until shutdown: fires due campaign slots and reminders, each in one transaction.
    pub async fn run_scheduler(
        self,
        store: Store,
        clock: Arc<dyn Clock>,
        mut shutdown: watch::Receiver<bool>,
    ) {
        let changed = self.schedule_changed();
        loop {
            match self.run_due().await {
                Ok(r)
                    if r.lessons
                        + r.reminders
                        + r.skipped
                        + r.reviews
                        + r.partner_rounds
                        + r.check_ins
                        > 0 =>
                {
                    let pending = store.outbox_counts().await.map(|c| c.pending).unwrap_or(-1);
                    tracing::info!(
                        lessons = r.lessons,
                        reminders = r.reminders,
                        reviews = r.reviews,
                        partner_rounds = r.partner_rounds,
                        check_ins = r.check_ins,
                        skipped = r.skipped,
                        held = r.held,
                        outbox_pending = pending,
                        "campaign slots fired"
                    );
                }
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "campaign tick failed: retrying shortly"),
            }
            let wait = match store.next_campaign_due().await {
                Ok(Some(at)) => (at - clock.now()).to_std().unwrap_or_default(),
                Ok(None) => MAX_SLEEP,
                Err(e) => {
                    tracing::error!(error = %e, "cannot read the next campaign slot");
                    MAX_SLEEP
                }
            }
            .clamp(MIN_SLEEP, MAX_SLEEP);
            tokio::select! {
                _ = changed.notified() => {}
                _ = tokio::time::sleep(wait) => {}
                _ = shutdown.changed() => return,
            }
        }
    }
}
