//! The single writer: applies queued jobs in batches, one savepoint per job, one commit per batch.
//!
//! SQLite has one writer at a time; funnelling every change through one task avoids lock contention,
//! and committing a batch at once (group commit) spreads the cost of a durable commit over many events.

use super::{Core, EngineError, PushLesson, PushOutcome};
use crate::chat::{Event, Reply};
use crate::store::{Store, StoreError};
use std::sync::Arc;
use tokio::sync::{Notify, mpsc, oneshot};
use tracing::Instrument;

const MAX_BATCH: usize = 256;

pub(crate) enum Job {
    Event(Event, oneshot::Sender<Result<Reply, EngineError>>),
    Push(
        PushLesson,
        oneshot::Sender<Result<PushOutcome, EngineError>>,
    ),
}

/// A job's result and whether its writes are kept (a rejected job writes nothing).
pub(crate) struct Applied<T> {
    pub value: T,
    pub keep: bool,
    pub queued_messages: bool,
}

impl<T> Applied<T> {
    pub fn keep(value: T, queued_messages: bool) -> Self {
        Self {
            value,
            keep: true,
            queued_messages,
        }
    }
    pub fn discard(value: T) -> Self {
        Self {
            value,
            keep: false,
            queued_messages: false,
        }
    }
}

enum Done {
    Event(
        oneshot::Sender<Result<Reply, EngineError>>,
        Result<Reply, EngineError>,
    ),
    Push(
        oneshot::Sender<Result<PushOutcome, EngineError>>,
        Result<PushOutcome, EngineError>,
    ),
}

pub(crate) async fn run(core: Core, mut rx: mpsc::Receiver<Job>, outbox_ready: Arc<Notify>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while rx.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let span = tracing::info_span!("engine.batch", jobs = batch.len());
        let queued = apply_batch(&core, std::mem::take(&mut batch))
            .instrument(span)
            .await;
        if queued {
            outbox_ready.notify_one();
        }
    }
}

async fn apply_batch(core: &Core, jobs: Vec<Job>) -> bool {
    let mut tx = match core.store.begin().await {
        Ok(tx) => tx,
        Err(e) => {
            let msg = e.to_string();
            tracing::error!(error = %msg, "cannot start a transaction");
            for job in jobs {
                fail(job, || failed(&msg));
            }
            return false;
        }
    };
    let mut done = Vec::with_capacity(jobs.len());
    let mut queued = false;
    for job in jobs {
        let mut sp = match Store::savepoint(&mut tx).await {
            Ok(sp) => sp,
            Err(e) => {
                let msg = e.to_string();
                fail(job, || failed(&msg));
                continue;
            }
        };
        let now = core.clock.now();
        let (keep, q, d) = match job {
            Job::Event(event, reply) => {
                let r = super::answer::apply_event(core, &mut sp, &event, now).await;
                let (keep, q, r) = split(r);
                (keep, q, Done::Event(reply, r))
            }
            Job::Push(push, reply) => {
                let r = super::deliver::apply_push(core, &mut sp, &push, now).await;
                let (keep, q, r) = split(r);
                (keep, q, Done::Push(reply, r))
            }
        };
        let closed = if keep {
            Store::commit(sp).await
        } else {
            drop(sp); // rolls the savepoint back
            Ok(())
        };
        if let Err(e) = closed {
            tracing::error!(error = %e, "cannot release a savepoint");
        }
        queued |= keep && q;
        done.push(d);
    }
    let committed = Store::commit(tx).await;
    if let Err(e) = &committed {
        tracing::error!(error = %e, "batch commit failed: every job in it is reported as failed");
    }
    for d in done {
        match (d, &committed) {
            (Done::Event(tx, r), Ok(())) => drop(tx.send(r)),
            (Done::Push(tx, r), Ok(())) => drop(tx.send(r)),
            (Done::Event(tx, _), Err(e)) => drop(tx.send(Err(failed(&e.to_string())))),
            (Done::Push(tx, _), Err(e)) => drop(tx.send(Err(failed(&e.to_string())))),
        }
    }
    queued && committed.is_ok()
}

fn split<T>(r: Result<Applied<T>, EngineError>) -> (bool, bool, Result<T, EngineError>) {
    match r {
        Ok(a) => (a.keep, a.queued_messages, Ok(a.value)),
        Err(e) => {
            tracing::error!(error = %e, "job failed: its writes are rolled back");
            (false, false, Err(e))
        }
    }
}

fn fail(job: Job, err: impl Fn() -> EngineError) {
    match job {
        Job::Event(_, tx) => drop(tx.send(Err(err()))),
        Job::Push(_, tx) => drop(tx.send(Err(err()))),
    }
}

/// A store failure re-reported to every job of a failed batch.
fn failed(reason: &str) -> EngineError {
    EngineError::Store(StoreError::Failed(reason.to_string()))
}
