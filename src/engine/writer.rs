//! The single writer: applies queued jobs in batches, one commit per batch (group commit).
//!
//! SQLite has one writer at a time; funnelling every change through one task avoids lock contention,
//! and committing a batch at once spreads the cost of a durable commit over many events. Jobs validate
//! before they write, so a rejected job has written nothing. If any job fails with an error, the whole
//! batch is rolled back and its jobs are applied again one transaction each, so one failure cannot
//! take its neighbours' work with it.

use super::{Core, EngineError, PushLesson, PushOutcome, TickReport};
use crate::chat::{Event, EventKind, Reply, UserRef};
use crate::domain::campaign::RawCampaign;
use crate::store::{StoreError, Tx};
use std::sync::Arc;
use tokio::sync::{Notify, mpsc, oneshot};
use tracing::Instrument;

const MAX_BATCH: usize = 256;
/// Longest a busy engine goes without folding recognition (leaderboards lag at most this much).
const FOLD_EVERY: std::time::Duration = std::time::Duration::from_millis(250);

pub(crate) enum Job {
    Event(Event, oneshot::Sender<Result<Reply, EngineError>>),
    Push(
        PushLesson,
        oneshot::Sender<Result<PushOutcome, EngineError>>,
    ),
    Tick(i64, oneshot::Sender<Result<TickReport, EngineError>>),
    Roster(
        i64,
        Vec<UserRef>,
        oneshot::Sender<Result<usize, EngineError>>,
    ),
    /// Fold everything recorded so far, now (benchmarks, tests); answered when done.
    Fold(oneshot::Sender<()>),
    Declare(
        Box<RawCampaign>,
        oneshot::Sender<Result<Result<String, String>, EngineError>>,
    ),
}

impl Job {
    /// Whether the job may change when campaigns next fire.
    fn touches_schedule(&self) -> bool {
        match self {
            Job::Event(e, _) => {
                matches!(e.kind, EventKind::Command { .. } | EventKind::MemberJoined)
            }
            Job::Declare(..) | Job::Roster(..) => true,
            Job::Push(..) | Job::Tick(..) | Job::Fold(_) => false,
        }
    }
}

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

enum Outcome {
    Reply(Result<Reply, EngineError>),
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
    while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let (folds, jobs): (Vec<Job>, Vec<Job>) = std::mem::take(&mut batch)
            .into_iter()
            .partition(|j| matches!(j, Job::Fold(_)));
        for job in folds {
            if let Job::Fold(reply) = job {
                let mut more = true;
                while more {
                    let (queued, left) = fold(&core, super::fold::BULK_FOLD_LIMIT).await;
                    if queued {
                        outbox_ready.notify_one();
                    }
                    more = left;
                }
                let _ = reply.send(());
            }
        }
        let touches_schedule = jobs.iter().any(Job::touches_schedule);
        let learning = jobs.iter().any(|j| matches!(j, Job::Event(..)));
        let span = tracing::info_span!("engine.batch", jobs = jobs.len());
        if process(&core, jobs).instrument(span).await {
            outbox_ready.notify_one();
        }
        // Fold when the queue is idle, or at least every FOLD_EVERY under load: each fold then
        // covers many batches, and clicks never wait for it.
        // A chunk at a time: waiting work goes first, the fold resumes after the next batch.
        fold_pending |= learning;
        while fold_pending && (rx.is_empty() || last_fold.elapsed() >= FOLD_EVERY) {
            let (queued, more) = fold(&core, super::fold::FOLD_LIMIT).await;
            if queued {
                outbox_ready.notify_one();
            }
            fold_pending = more;
            if !more {
                last_fold = tokio::time::Instant::now();
            }
            if !rx.is_empty() {
                break;
            }
        }
        if touches_schedule {
            schedule_watchers.iter().for_each(|w| w.notify_one());
        }
    }
}

/// Applies the jobs in one transaction, falling back to one transaction each if any fails.
/// Returns whether committed work queued messages.
async fn process(core: &Core, jobs: Vec<Job>) -> bool {
    if jobs.len() > 1 {
        match attempt(core, &jobs).await {
            Ok((outcomes, queued)) if !outcomes.iter().any(Outcome::failed) => {
                reply_all(jobs, outcomes);
                return queued;
            }
            Ok(_) => {
                tracing::warn!("a job in the batch failed: applying the batch one job at a time")
            }
            Err(e) => {
                tracing::warn!(error = %e, "batch commit failed: applying it one job at a time")
            }
        }
    }
    let mut queued = false;
    for job in jobs {
        let one = std::slice::from_ref(&job);
        match attempt(core, one).await {
            Ok((outcomes, q)) => {
                queued |= q;
                reply_all(vec![job], outcomes);
            }
            Err(e) => {
                tracing::error!(error = %e, "job failed: its writes are rolled back");
                fail(job, &e);
            }
        }
    }
    queued
}

/// Runs the jobs in one transaction: committed only if every job succeeded.
async fn attempt(core: &Core, jobs: &[Job]) -> Result<(Vec<Outcome>, bool), StoreError> {
    let mut tx = core.store.begin().await?;
    let mut outcomes = Vec::with_capacity(jobs.len());
    let mut queued = false;
    for job in jobs {
        let now = core.clock.now();
        let outcome = match job {
            Job::Event(event, _) => {
                let r = super::answer::apply_event(core, &mut tx, event, now).await;
                queued |= r.as_ref().is_ok_and(|a| a.queued_messages);
                Outcome::Reply(r.map(|a| a.value))
            }
            Job::Push(push, _) => {
                let r = super::deliver::apply_push(core, &mut tx, push, now).await;
                queued |= r.as_ref().is_ok_and(|a| a.queued_messages);
                Outcome::Push(r.map(|a| a.value))
            }
            Job::Tick(limit, _) => {
                let r = super::campaign_tick::apply_tick(core, &mut tx, *limit, now).await;
                queued |= r.as_ref().is_ok_and(|a| a.queued_messages);
                Outcome::Tick(r.map(|a| a.value))
            }
            Job::Declare(raw, _) => {
                Outcome::Declare(super::campaign_enrol::declare(core, &mut tx, raw, now).await)
            }
            Job::Roster(id, people, _) => Outcome::Roster(
                super::campaign_enrol::enrol_roster(core, &mut tx, *id, people, now).await,
            ),
            // Taken out of the batch before it is applied (folds run in their own transactions).
            Job::Fold(_) => Outcome::Roster(Ok(0)),
        };
        let failed = outcome.failed();
        outcomes.push(outcome);
        if failed {
            rollback(tx).await;
            return Ok((outcomes, false));
        }
    }
    tx.commit().await?;
    Ok((outcomes, queued))
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
        Job::Fold(tx) => drop(tx.send(())),
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

/// Folds one chunk of what batches recorded into streaks, standings and badges, in a transaction of
/// its own. Returns whether it queued messages (badge announcements) and whether more is left.
async fn fold(core: &Core, limit: i64) -> (bool, bool) {
    let span = tracing::info_span!("engine.fold");
    let result = async {
        let mut tx = core.store.begin().await?;
        let report = super::fold::apply_fold(core, &mut tx, core.clock.now(), limit).await?;
        tx.commit().await.map_err(crate::store::StoreError::from)?;
        Ok::<_, EngineError>(report)
    }
    .instrument(span)
    .await;
    match result {
        Ok(report) => (report.badges > 0, report.more),
        Err(e) => {
            // The cursor did not move: the next batch folds these rows again.
            tracing::error!(error = %e, "recognition fold failed; will retry after the next batch");
            (false, false)
        }
    }
}
