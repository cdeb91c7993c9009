//! The scheduler loop: sleeps until the earliest persisted fire time (or a schedule change), then ticks.
//! While the store fails it backs off (1 s doubling to 60 s), deaf to schedule changes meanwhile.

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
        let mut retry = crate::ops::Retry::new("scheduler", self.loop_health(), clock.clone());
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
                Err(e) => {
                    let store = matches!(e, crate::engine::core::errors::EngineError::Store(_));
                    let wait = retry.failed(&e, store);
                    tokio::select! {
                        _ = retry.wait(wait) => continue,
                        _ = shutdown.changed() => return,
                    }
                }
            }
            let wait = match store.next_campaign_due().await {
                Ok(Some(at)) => (at - clock.now()).to_std().unwrap_or_default(),
                Ok(None) => MAX_SLEEP,
                Err(e) => {
                    let wait = retry.failed(&e, true);
                    tokio::select! {
                        _ = retry.wait(wait) => continue,
                        _ = shutdown.changed() => return,
                    }
                }
            }
            .clamp(MIN_SLEEP, MAX_SLEEP);
            // Reached only when the tick and the look-up both worked.
            retry.succeeded();
            tokio::select! {
                _ = changed.notified() => {}
                _ = tokio::time::sleep(wait) => {}
                _ = shutdown.changed() => return,
            }
        }
    }
}
