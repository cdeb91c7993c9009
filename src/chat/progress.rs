//! The dispatcher's progress log: a large fan-out reports what it sent every ten seconds.

use super::PassReport;
use crate::store::Store;

/// Logs a large fan-out's progress every ten seconds while messages are going out.
#[derive(Default)]
pub(super) struct Progress {
    sent: usize,
    failed: usize,
    since: Option<tokio::time::Instant>,
}

impl Progress {
    pub(super) async fn record(&mut self, store: &Store, report: &PassReport) {
        self.sent += report.sent;
        self.failed += report.failed;
        let since = *self.since.get_or_insert_with(tokio::time::Instant::now);
        if since.elapsed() < std::time::Duration::from_secs(10) {
            return;
        }
        if self.sent + self.failed > 0 {
            let pending = store.outbox_counts().await.map(|c| c.pending).unwrap_or(-1);
            tracing::info!(
                sent = self.sent,
                failed = self.failed,
                pending,
                "outbox progress over the last 10 s"
            );
        }
        *self = Progress::default();
    }
}
