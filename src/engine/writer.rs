//! The single writer: applies queued jobs in batches, one commit per batch (group commit).
//!
//! SQLite has one writer at a time; funnelling every change through one task avoids lock contention,
//! and committing a batch at once spreads the cost of a durable commit over many events. Jobs validate
//! before they write, so a rejected job has written nothing. If any job fails with an error, the whole
//! batch is rolled back and its jobs are applied again one transaction each, so one failure cannot
//! take its neighbours' work with it.

use crate::chat::{Event, EventKind, UserRef};
use crate::domain::campaign::RawCampaign;
use crate::engine::core::applied::CommandOutcome;
use crate::engine::core::errors::EngineError;
use crate::engine::core::state::Core;
use crate::engine::core::state::FoldRetry;
use crate::engine::core::work::PushLesson;
use crate::engine::core::work::PushOutcome;
use crate::engine::core::work::TickReport;
use crate::store::{Store, StoreError, Tx};
use std::sync::Arc;
use tokio::sync::{Notify, mpsc, oneshot};
use tracing::Instrument;

const MAX_BATCH: usize = 256;
/// Quiet time after which pending recognition is folded on its own.
const FOLD_IDLE: std::time::Duration = std::time::Duration::from_millis(20);
/// Under load, how often a fold chunk rides along with a batch (leaderboards lag at most about this).
const FOLD_EVERY: std::time::Duration = std::time::Duration::from_millis(100);

pub(crate) enum Job {
    Event(Event, oneshot::Sender<Result<CommandOutcome, EngineError>>),
    Push(
        PushLesson,
        oneshot::Sender<Result<PushOutcome, EngineError>>,
    ),
    Tick(i64, oneshot::Sender<Result<TickReport, EngineError>>),
    Roster(
        crate::store::CampaignId,
        Vec<UserRef>,
        oneshot::Sender<Result<usize, EngineError>>,
    ),
    /// Fold everything recorded so far, now (benchmarks, tests); answered when done.
    Fold(oneshot::Sender<()>),
    Declare(
        Box<RawCampaign>,
        oneshot::Sender<Result<Result<String, String>, EngineError>>,
    ),
    /// Apply what is queued, refuse anything later, and end; answered (dropped) when the writer ends.
    Stop(oneshot::Sender<()>),
}

impl Core {
    fn fold_retry(&self) -> std::sync::MutexGuard<'_, FoldRetry> {
        self.fold_retry.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// How long a fold must still wait after a failure (zero: it may run).
    fn fold_wait(&self) -> std::time::Duration {
        self.fold_retry()
            .not_before
            .map(|t| t.saturating_duration_since(tokio::time::Instant::now()))
            .unwrap_or_default()
    }

    fn fold_failed(&self, error: &dyn std::fmt::Display) {
        let mut r = self.fold_retry();
        let wait = r.retry.failed(error, true);
        r.not_before = Some(tokio::time::Instant::now() + wait);
    }

    fn fold_succeeded(&self) {
        let mut r = self.fold_retry();
        r.retry.succeeded();
        r.not_before = None;
    }
}

impl Job {
    /// Whether the job may change when campaigns next fire.
    fn touches_schedule(&self) -> bool {
        match self {
            Job::Event(e, _) => {
                matches!(
                    e.kind,
                    EventKind::Command { .. } | EventKind::Invoked(_) | EventKind::MemberJoined
                )
            }
            Job::Declare(..) | Job::Roster(..) => true,
            Job::Push(..) | Job::Tick(..) | Job::Fold(_) | Job::Stop(_) => false,
        }
    }
}

enum Outcome {
    Reply(Result<CommandOutcome, EngineError>),
    Push(Result<PushOutcome, EngineError>),
    Tick(Result<TickReport, EngineError>),
    Declare(Result<Result<String, String>, EngineError>),
    Roster(Result<usize, EngineError>),
}

impl Outcome {
    fn failed(&self) -> bool {
        matches!(
            self,
            Outcome::Reply(Err(_))
                | Outcome::Push(Err(_))
                | Outcome::Tick(Err(_))
                | Outcome::Declare(Err(_))
                | Outcome::Roster(Err(_))
        )
    }
}

pub(crate) async fn run(
    core: Core,
    mut rx: mpsc::Receiver<Job>,
    outbox_ready: Arc<Notify>,
    schedule_watchers: Vec<Arc<Notify>>,
) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    let mut fold_pending = false;
    let mut last_fold = tokio::time::Instant::now();
    // Dropped when the writer ends: that answers whoever asked it to stop.
    let mut stopping: Vec<oneshot::Sender<()>> = Vec::new();
    loop {
        let received = if fold_pending {
            // After a failed fold, the next one waits out its backoff.
            let idle = FOLD_IDLE.max(core.fold_wait());
            match tokio::time::timeout(idle, rx.recv_many(&mut batch, MAX_BATCH)).await {
                Ok(n) => n,
                Err(_) => {
                    // Idle: fold in transactions of its own until caught up or work arrives.
                    fold_pending = fold_while_idle(&core, &rx, &outbox_ready).await;
                    continue;
                }
            }
        } else {
            rx.recv_many(&mut batch, MAX_BATCH).await
        };
        if received == 0 {
            drop(stopping);
            return;
        }
        let (stops, jobs): (Vec<Job>, Vec<Job>) = std::mem::take(&mut batch)
            .into_iter()
            .partition(|j| matches!(j, Job::Stop(_)));
        if !stops.is_empty() {
            // Jobs already queued are still applied; the channel then reports closed, which ends the loop.
            rx.close();
            stopping.extend(stops.into_iter().filter_map(|j| match j {
                Job::Stop(reply) => Some(reply),
                _ => None,
            }));
        }
        let (folds, jobs): (Vec<Job>, Vec<Job>) =
            jobs.into_iter().partition(|j| matches!(j, Job::Fold(_)));
        for job in folds {
            if let Job::Fold(reply) = job {
                // A failure ends it too (the fold is retried after its backoff).
                while fold(
                    &core,
                    &outbox_ready,
                    crate::engine::recognition::fold::BULK_FOLD_LIMIT,
                )
                .await
                    == Some(true)
                {}
                fold_pending = false;
                let _ = reply.send(());
            }
        }
        if jobs.is_empty() {
            continue;
        }
        let touches_schedule = jobs.iter().any(Job::touches_schedule);
        let learning = jobs.iter().any(|j| matches!(j, Job::Event(..)));
        let span = tracing::info_span!("engine.batch", jobs = jobs.len());
        // Under load a fold chunk rides along with a batch every FOLD_EVERY: each covers many
        // batches, and costs no commit of its own.
        // A command may read points, ranks or badges: it always sees everything folded first.
        let asks = jobs
            .iter()
            .any(|j| matches!(j, Job::Event(e, _) if matches!(e.kind, EventKind::Command { .. } | EventKind::Invoked(_))));
        let ride = fold_pending
            && core.fold_wait().is_zero()
            && (asks || last_fold.elapsed() >= FOLD_EVERY);
        if ride {
            last_fold = tokio::time::Instant::now();
        }
        let (queued, fold_left) = process(&core, jobs, ride).instrument(span).await;
        if queued {
            outbox_ready.notify_one();
        }
        fold_pending = fold_left || learning || (fold_pending && !ride);
        if touches_schedule {
            schedule_watchers.iter().for_each(|w| w.notify_one());
        }
    }
}

/// Applies the jobs in one transaction, falling back to one transaction each if any fails. With
/// `fold`, a chunk of the recognition fold rides at the start of the batch's transaction (so under
/// load it costs no commit of its own). Returns whether committed work queued messages and whether
/// folding is still pending.
async fn process(core: &Core, jobs: Vec<Job>, fold: bool) -> (bool, bool) {
    let single = jobs.len() == 1;
    match attempt(core, &jobs, fold).await {
        Ok((outcomes, queued, fold_left)) if !outcomes.iter().any(Outcome::failed) => {
            reply_all(jobs, outcomes);
            return (queued, fold_left);
        }
        // A single job's own refusal: rolled back, answered with its error.
        Ok((outcomes, _, _)) if single => {
            reply_all(jobs, outcomes);
            return (false, fold);
        }
        Ok(_) => tracing::warn!("a job in the batch failed: applying the batch one job at a time"),
        Err(e) if single => {
            tracing::error!(error = %e, "job failed: its writes are rolled back");
            if let Some(job) = jobs.into_iter().next() {
                fail(job, &e);
            }
            return (false, fold);
        }
        Err(e) => tracing::warn!(error = %e, "batch commit failed: applying it one job at a time"),
    }
    let mut queued = false;
    for job in jobs {
        let one = std::slice::from_ref(&job);
        match attempt(core, one, false).await {
            Ok((outcomes, q, _)) => {
                queued |= q;
                reply_all(vec![job], outcomes);
            }
            Err(e) => {
                tracing::error!(error = %e, "job failed: its writes are rolled back");
                fail(job, &e);
            }
        }
    }
    (queued, fold)
}

/// Runs the jobs in one transaction: committed only if every job succeeded.
async fn attempt(
    core: &Core,
    jobs: &[Job],
    fold: bool,
) -> Result<(Vec<Outcome>, bool, bool), StoreError> {
    let mut tx = core.store.begin().await?;
    let mut outcomes = Vec::with_capacity(jobs.len());
    let mut queued = false;
    let mut fold_left = fold;
    if fold {
        // In a savepoint: a failing fold is undone alone and the batch goes on.
        let mut sp = Store::savepoint(&mut tx).await?;
        let limit = crate::engine::recognition::fold::FOLD_LIMIT;
        match crate::engine::recognition::fold::apply_fold(core, &mut sp, core.clock.now(), limit)
            .await
        {
            Ok(report) => {
                sp.commit().await?;
                core.fold_succeeded();
                queued |= report.badges > 0;
                fold_left = report.more;
            }
            Err(e) => {
                // The cursors did not move: the rows are folded again after the backoff.
                core.fold_failed(&e);
                sp.rollback().await?;
            }
        }
    }
    for job in jobs {
        let now = core.clock.now();
        let outcome = match job {
            Job::Event(event, _) => {
                let r = crate::engine::route::apply_event(core, &mut tx, event, now).await;
                queued |= r.as_ref().is_ok_and(|a| a.queued_messages);
                Outcome::Reply(r.map(|a| CommandOutcome {
                    reply: a.value,
                    status: a.status,
                }))
            }
            Job::Push(push, _) => {
                let r = crate::engine::core::deliver::apply_push(core, &mut tx, push, now).await;
                queued |= r.as_ref().is_ok_and(|a| a.queued_messages);
                Outcome::Push(r.map(|a| a.value))
            }
            Job::Tick(limit, _) => {
                let r = crate::engine::tick::apply_tick(core, &mut tx, *limit, now).await;
                queued |= r.as_ref().is_ok_and(|a| a.queued_messages);
                Outcome::Tick(r.map(|a| a.value))
            }
            Job::Declare(raw, _) => Outcome::Declare(
                crate::engine::campaigns::enrol::declare(core, &mut tx, raw, now).await,
            ),
            Job::Roster(id, people, _) => Outcome::Roster(
                crate::engine::campaigns::enrol::enrol_roster(core, &mut tx, *id, people, now)
                    .await,
            ),
            // Taken out of the batch before it is applied (folds run in their own transactions).
            Job::Fold(_) | Job::Stop(_) => Outcome::Roster(Ok(0)),
        };
        let failed = outcome.failed();
        outcomes.push(outcome);
        if failed {
            rollback(tx).await;
            return Ok((outcomes, false, fold));
        }
    }
    tx.commit().await?;
    Ok((outcomes, queued, fold_left))
}

async fn rollback(tx: Tx<'_>) {
    if let Err(e) = tx.rollback().await {
        tracing::error!(error = %e, "rollback failed");
    }
}

fn fail(job: Job, e: &StoreError) {
    let err = || EngineError::Store(StoreError::Failed(e.to_string()));
    match job {
        Job::Event(_, tx) => drop(tx.send(Err(err()))),
        Job::Push(_, tx) => drop(tx.send(Err(err()))),
        Job::Tick(_, tx) => drop(tx.send(Err(err()))),
        Job::Declare(_, tx) => drop(tx.send(Err(err()))),
        Job::Roster(_, _, tx) => drop(tx.send(Err(err()))),
        Job::Fold(tx) | Job::Stop(tx) => drop(tx.send(())),
    }
}

fn reply_all(jobs: Vec<Job>, outcomes: Vec<Outcome>) {
    for (job, outcome) in jobs.into_iter().zip(outcomes) {
        match (job, outcome) {
            (Job::Event(_, tx), Outcome::Reply(r)) => drop(tx.send(r)),
            (Job::Push(_, tx), Outcome::Push(r)) => drop(tx.send(r)),
            (Job::Tick(_, tx), Outcome::Tick(r)) => drop(tx.send(r)),
            (Job::Declare(_, tx), Outcome::Declare(r)) => drop(tx.send(r)),
            (Job::Roster(_, _, tx), Outcome::Roster(r)) => drop(tx.send(r)),
            // `attempt` produces one outcome per job, of the job's own kind.
            (job, _) => fail(job, &StoreError::Failed("mismatched job outcome".into())),
        }
    }
}

/// Folds while nothing else waits; returns whether folding is still pending.
async fn fold_while_idle(core: &Core, rx: &mpsc::Receiver<Job>, outbox_ready: &Notify) -> bool {
    loop {
        if !core.fold_wait().is_zero() {
            return true;
        }
        match fold(
            core,
            outbox_ready,
            crate::engine::recognition::fold::FOLD_LIMIT,
        )
        .await
        {
            Some(true) => {}
            Some(false) => return false,
            // Still pending: retried once its backoff is over.
            None => return true,
        }
        if !rx.is_empty() {
            return true;
        }
    }
}

/// Folds one chunk in a transaction of its own; returns whether more is left, None when it failed.
async fn fold(core: &Core, outbox_ready: &Notify, limit: i64) -> Option<bool> {
    let span = tracing::info_span!("engine.fold");
    let result = async {
        let mut tx = core.store.begin().await?;
        let report =
            crate::engine::recognition::fold::apply_fold(core, &mut tx, core.clock.now(), limit)
                .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok::<_, EngineError>(report)
    }
    .instrument(span)
    .await;
    match result {
        Ok(report) => {
            core.fold_succeeded();
            if report.badges > 0 {
                outbox_ready.notify_one();
            }
            Some(report.more)
        }
        Err(e) => {
            // The cursors did not move: the rows are folded again after the backoff.
            core.fold_failed(&e);
            None
        }
    }
}
