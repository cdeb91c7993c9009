//! The end of the demo: the progress table, outbox figures and the ledger check.

use super::{DemoError, DemoSummary};
use crate::chat::Platform;
use crate::clock::Clock;
use chrono::{DateTime, Utc};
use std::io::Write;

use super::sim::{Sim, TENANT};

impl Sim<'_> {
    pub(super) async fn finish(
        mut self,
        forged: bool,
        double: bool,
    ) -> Result<DemoSummary, DemoError> {
        let tenant = self
            .store
            .find_tenant(Platform::Local.as_str(), TENANT)
            .await?
            .unwrap_or_default();
        let progress = self.store.tenant_progress(tenant).await?;
        let counts = self.store.outbox_counts().await?;
        let mismatches = self.store.totals_mismatches().await?.len();
        let out = &mut self.out;
        writeln!(out, "\n━━ Progress after the week ━━")?;
        writeln!(
            out,
            "{:<10} {:>7} {:>7} {:>9} {:>6}",
            "learner", "lessons", "answers", "accuracy", "points"
        )?;
        for p in &progress {
            let accuracy = if p.graded > 0 {
                format!("{}%", p.correct * 100 / p.graded)
            } else {
                "-".into()
            };
            writeln!(
                out,
                "{:<10} {:>7} {:>7} {:>9} {:>6}",
                p.display_name, p.lessons_completed, p.answers, accuracy, p.points
            )?;
        }
        writeln!(
            out,
            "\nMessages sent: {} (failed: {}, deferred and retried: {}). Points totals match the ledger: {}.",
            counts.sent,
            counts.failed,
            self.retried,
            if mismatches == 0 { "yes" } else { "NO" }
        )?;
        let at: DateTime<Utc> = self.clock.now();
        writeln!(out, "Simulated until {}.", at.format("%a %-d %B %H:%M UTC"))?;
        // The writer folds recognition on its own when idle: it must end before the store closes
        // (otherwise "recognition fold failed … closed pool" at exit).
        self.engine.stop().await;
        self.store.close().await;
        Ok(DemoSummary {
            progress,
            messages_sent: counts.sent,
            messages_failed: counts.failed,
            messages_retried: self.retried,
            forged_click_rejected: forged,
            double_click_refused: double,
            ledger_mismatches: mismatches,
        })
    }
}
