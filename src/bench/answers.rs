//! `nibble bench`: quiz answers from many learners through the engine into a real SQLite file,
//! measured next to the raw single-row transaction rate of the same disk (the ceiling).

use super::{BenchError, fresh, open_marked, peak_memory};
use crate::chat::{Event, EventKind, Platform, UserRef, encode_answer};
use crate::clock::{Clock, SystemClock};
use crate::content::{Lesson, load_catalog};
use crate::engine::{
    CatalogHandle, Engine, EngineError, EngineSettings, LessonChoice, PushLesson, PushOutcome,
    Recipient,
};
use crate::store::Durability;
use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::Notify;

/// In-flight requests, as from many chat users clicking at once.
const CONCURRENCY: usize = 128;

pub async fn run(
    database: &Path,
    lessons_dir: &Path,
    learners: usize,
    durability: Durability,
    settings: EngineSettings,
) -> Result<String, BenchError> {
    let catalog = load_catalog(lessons_dir).map_err(BenchError::Lessons)?;
    let lesson: Lesson = catalog
        .courses()
        .first()
        .and_then(|c| catalog.lessons_of(c).next())
        .cloned()
        .ok_or_else(|| BenchError::Task("no lesson to answer".into()))?;
    let raw_path = PathBuf::from(format!("{}.raw", database.display()));
    fresh(database).await?;
    fresh(&raw_path).await?;

    // The ceiling: single-row transactions on the same disk with the same durability.
    let raw_store = open_marked(&raw_path, durability).await?;
    let raw_n = learners.clamp(1000, 20_000);
    let raw_elapsed = raw_store.single_row_transactions(raw_n).await?;
    raw_store.close().await;
    let raw_rate = raw_n as f64 / raw_elapsed.as_secs_f64();

    let store = open_marked(database, durability).await?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    store.sync_catalog(&catalog, clock.now()).await?;
    let engine = Engine::start(
        store.clone(),
        CatalogHandle::new(catalog),
        clock,
        settings,
        Arc::new(Notify::new()),
    );
    let users: Vec<UserRef> = (0..learners)
        .map(|i| UserRef {
            id: format!("B{i:05}"),
            name: format!("Learner {i}"),
            time_zone: None,
            is_lead: false,
            is_moderator: false,
        })
        .collect();
    // Setup (not timed): each learner gets the lesson by DM.
    let mut payloads = Vec::with_capacity(learners * lesson.questions.len());
    for user in &users {
        let push = PushLesson {
            platform: Platform::Local,
            tenant: "bench".into(),
            recipient: Recipient::Member(user.clone()),
            lesson: LessonChoice::Id(lesson.id.clone()),
            origin: "bench".into(),
        };
        let PushOutcome::Queued { delivery_id, .. } = engine.push_lesson(push).await? else {
            return Err(BenchError::Task("lesson was not delivered".into()));
        };
        for q in &lesson.questions {
            let prompt = store.prompt_id(delivery_id, &q.id).await?;
            let right = q.options.iter().position(|o| o.correct).unwrap_or(0);
            payloads.push((user.clone(), encode_answer(prompt, right)));
        }
    }
    let payloads = Arc::new(payloads);
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..CONCURRENCY {
        let (engine, payloads, next) = (engine.clone(), payloads.clone(), next.clone());
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some((user, payload)) = payloads.get(i) else {
                    return Ok::<_, EngineError>(latencies);
                };
                let event = Event {
                    key: format!("bench-{i}"),
                    platform: Platform::Local,
                    tenant: "bench".into(),
                    channel: "dm".into(),
                    is_dm: true,
                    user: user.clone(),
                    kind: EventKind::Button {
                        payload: payload.clone(),
                        values: Vec::new(),
                    },
                };
                let t = Instant::now();
                engine.handle(event).await?;
                latencies.push(t.elapsed());
            }
        }));
    }
    let mut latencies: Vec<Duration> = Vec::with_capacity(payloads.len());
    for w in workers {
        latencies.extend(w.await.map_err(|e| BenchError::Task(e.to_string()))??);
    }
    let elapsed = started.elapsed();
    latencies.sort_unstable();
    let answers = latencies.len();
    let rate = answers as f64 / elapsed.as_secs_f64();
    let pct = |p: f64| {
        latencies
            .get(((answers as f64 * p) as usize).min(answers.saturating_sub(1)))
            .copied()
            .unwrap_or_default()
    };
    let mismatches = store.totals_mismatches().await?.len();
    store.close().await;

    let mut out = String::new();
    let _ = writeln!(
        out,
        "nibble bench: {learners} learners answer the {} questions of “{}” ({answers} answers, {CONCURRENCY} in flight)",
        lesson.questions.len(),
        lesson.title
    );
    let _ = writeln!(
        out,
        "database: {} (WAL, durability {durability:?}, the same for the ceiling)\n",
        database.display()
    );
    let _ = writeln!(out, "| measure | value |\n|---|---|");
    let _ = writeln!(
        out,
        "| raw single-row transactions/s (ceiling, {raw_n} rows) | {raw_rate:.0} |"
    );
    let _ = writeln!(out, "| answers/s through the engine | {rate:.0} |");
    let _ = writeln!(out, "| ratio to the ceiling | {:.2} |", rate / raw_rate);
    let _ = writeln!(
        out,
        "| handling latency p50 | {:.2} ms |",
        pct(0.50).as_secs_f64() * 1000.0
    );
    let _ = writeln!(
        out,
        "| handling latency p99 | {:.2} ms |",
        pct(0.99).as_secs_f64() * 1000.0
    );
    let _ = writeln!(
        out,
        "| peak memory (VmHWM) | {} |",
        peak_memory().unwrap_or_else(|| "unavailable".into())
    );
    let _ = writeln!(
        out,
        "| points totals differing from the ledger | {mismatches} |"
    );
    Ok(out)
}
