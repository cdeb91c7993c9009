//! Reloading lessons on SIGHUP, off the signal loop, keeping everything loaded (`content::reload`).

use super::Daemon;
use crate::content::Problems;

impl Daemon {
    /// Reloads lessons; a broken file keeps its previous version and nothing loaded is lost (see
    /// `content::reload`). Returns the problems found.
    #[tracing::instrument(name = "daemon.reload_lessons", skip(self))]
    pub async fn reload_lessons(&self) -> Problems {
        let current = self.engine.catalog().current();
        let dir = self.lessons_dir.clone();
        // The folder is read on a thread of its own: a stalled disk or network share holds up the
        // reload, never the signal loop (SIGTERM is still honoured within its deadline).
        let (done, outcome) = tokio::sync::oneshot::channel();
        let spawned = std::thread::Builder::new()
            .name("lessons-reload".into())
            .spawn(move || {
                let _ = done.send(current.reload(&dir));
            });
        let outcome = match spawned {
            Ok(_) => outcome.await.ok(),
            Err(e) => {
                tracing::error!(error = %e, "cannot start a thread to reload the lessons");
                None
            }
        };
        let Some(outcome) = outcome else {
            return Problems::default();
        };
        for p in &outcome.problems.0 {
            tracing::error!(problem = %p, "lessons reloaded with a problem: the loaded version is kept");
        }
        if let Err(e) = self
            .store
            .sync_catalog(&outcome.catalog, self.clock.now())
            .await
        {
            tracing::error!(error = %e, "cannot record the reloaded lessons");
        }
        tracing::info!(
            courses = outcome.catalog.courses().len(),
            lessons = outcome.catalog.lesson_count(),
            problems = outcome.problems.0.len(),
            "lessons reloaded"
        );
        self.engine.catalog().replace(outcome.catalog);
        outcome.problems
    }
}
