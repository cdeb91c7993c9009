//! The outbox dispatcher: sends queued messages in order through the platforms, with retry and backoff.

use super::pace::{Rate, TokenBucket};
use super::{ChatPlatform, Destination, InDoubt, Message, Outgoing, Platform, SendError};
use crate::clock::Clock;
use crate::store::outbox::OutboxRow;
use crate::store::{Store, StoreError};
use chrono::{DateTime, Duration, Utc};
use futures_util::StreamExt;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use tokio::sync::Notify;

#[path = "dispatcher_run.rs"]
mod run;
#[path = "dispatcher_threads.rs"]
mod threads;

#[derive(Debug, Clone)]
pub struct DispatcherConfig {
    /// Rows claimed per pass.
    pub batch: i64,
    /// Attempts before a row is marked failed (rate-limit deferrals do not count).
    pub max_attempts: i64,
    pub base_backoff: Duration,
    pub max_backoff: Duration,
    /// Destinations sent to at once (each destination's messages stay in order).
    pub concurrency: usize,
}

impl Default for DispatcherConfig {
    fn default() -> Self {
        Self {
            batch: 100,
            max_attempts: 8,
            base_backoff: Duration::seconds(2),
            max_backoff: Duration::minutes(10),
            concurrency: 8,
        }
    }
}

/// What one pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PassReport {
    pub claimed: usize,
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
}

pub struct Dispatcher {
    store: Store,
    platforms: HashMap<Platform, Arc<dyn ChatPlatform>>,
    clock: Arc<dyn Clock>,
    config: DispatcherConfig,
    /// Tenants paused by a rate limit, until the given time.
    paused: Mutex<HashMap<i64, DateTime<Utc>>>,
    /// Each tenant's send pace.
    buckets: Mutex<HashMap<i64, Arc<TokenBucket>>>,
    wake: Arc<Notify>,
    metrics: Arc<crate::ops::Metrics>,
    health: Arc<crate::ops::LoopHealth>,
}

impl Dispatcher {
    pub fn new(
        store: Store,
        platforms: Vec<Arc<dyn ChatPlatform>>,
        clock: Arc<dyn Clock>,
        config: DispatcherConfig,
    ) -> Self {
        for platform in &platforms {
            platform.attach_store(&store);
        }
        Self {
            store,
            platforms: platforms.into_iter().map(|p| (p.platform(), p)).collect(),
            clock,
            config,
            paused: Mutex::new(HashMap::new()),
            buckets: Mutex::new(HashMap::new()),
            wake: Arc::new(Notify::new()),
            metrics: Arc::default(),
            health: Arc::default(),
        }
    }

    /// Reports the run loop's failures here (the daemon's `/healthz`).
    pub fn with_health(mut self, health: Arc<crate::ops::LoopHealth>) -> Self {
        self.health = health;
        self
    }

    /// Counts sends, failures and 429s into these metrics (the daemon's `/metrics`).
    pub fn with_metrics(mut self, metrics: Arc<crate::ops::Metrics>) -> Self {
        self.metrics = metrics;
        self
    }

    /// Notify this after committing outbox rows to send them without waiting for the next poll.
    pub fn waker(&self) -> Arc<Notify> {
        self.wake.clone()
    }

    fn outgoing(row: &OutboxRow) -> Result<Outgoing, String> {
        let destination: Destination = serde_json::from_str(&row.destination)
            .map_err(|e| format!("stored destination is invalid: {e}"))?;
        let message: Message = serde_json::from_str(&row.payload)
            .map_err(|e| format!("stored message is invalid: {e}"))?;
        Ok(Outgoing {
            tenant: row.tenant_external_id.clone(),
            destination,
            message,
            dedupe_key: row.dedupe_key.clone(),
            dm_channel: None,
        })
    }

    /// Resolves rows a crash left `sending`: asks the platform, never blindly resends.
    #[tracing::instrument(name = "dispatcher.recover", skip(self))]
    pub async fn recover_in_doubt(&self) -> Result<usize, StoreError> {
        let rows = self.store.in_doubt().await?;
        let now = self.clock.now();
        for row in &rows {
            let Ok(out) = Self::outgoing(row) else {
                self.store
                    .mark_failed(row.id, "in doubt and unreadable")
                    .await?;
                continue;
            };
            let Some(platform) = self.platform_of(row) else {
                // Only the platform can say whether it was posted: keep it in doubt until it is back.
                tracing::warn!(row = row.id, platform = %row.platform, "in-doubt send waits for its platform to be enabled");
                continue;
            };
            match platform.resolve_in_doubt(&out).await {
                Ok(InDoubt::Sent(reference)) => {
                    self.store.mark_sent(row.id, &reference, now).await?
                }
                Ok(InDoubt::NotSent) => {
                    self.store
                        .mark_retry(row.id, now, "in doubt: not sent")
                        .await?
                }
                Err(e) => {
                    tracing::warn!(row = row.id, error = %e, "cannot resolve an in-doubt send yet");
                }
            }
        }
        Ok(rows.len())
    }

    fn platform_of(&self, row: &OutboxRow) -> Option<&Arc<dyn ChatPlatform>> {
        Platform::parse(&row.platform).and_then(|p| self.platforms.get(&p))
    }

    /// Claims due rows and sends them: destinations in parallel (up to `concurrency`), each
    /// destination's messages in order, every tenant at its platform's pace.
    #[tracing::instrument(name = "dispatcher.pass", skip(self))]
    pub async fn run_pass(&self) -> Result<PassReport, StoreError> {
        let now = self.clock.now();
        let rows = self.store.claim_due(now, self.config.batch).await?;
        let mut report = PassReport {
            claimed: rows.len(),
            ..Default::default()
        };
        let mut groups: Vec<Vec<OutboxRow>> = Vec::new();
        let mut index: HashMap<(i64, String), usize> = HashMap::new();
        for row in rows {
            let key = (row.tenant_id, row.destination.clone());
            match index.get(&key) {
                Some(&i) => groups[i].push(row),
                None => {
                    index.insert(key, groups.len());
                    groups.push(vec![row]);
                }
            }
        }
        let unavailable = Mutex::new(HashSet::new());
        let mut results = futures_util::stream::iter(groups)
            .map(|group| self.send_group(group, now, &unavailable))
            .buffer_unordered(self.config.concurrency.max(1));
        let mut first_error = None;
        while let Some(r) = results.next().await {
            match r {
                Ok(r) => {
                    report.sent += r.sent;
                    report.retried += r.retried;
                    report.failed += r.failed;
                }
                // Keep draining: the other groups' outcomes must still be recorded.
                Err(e) => first_error = first_error.or(Some(e)),
            }
        }
        self.metrics
            .deliveries(report.sent, report.failed, report.retried);
        match first_error {
            Some(e) => Err(e),
            None => Ok(report),
        }
    }

    /// Sends one destination's rows in order; after a failure the rest wait for it.
    async fn send_group(
        &self,
        rows: Vec<OutboxRow>,
        now: DateTime<Utc>,
        unavailable: &Mutex<HashSet<String>>,
    ) -> Result<PassReport, StoreError> {
        let mut report = PassReport::default();
        let mut held: Option<DateTime<Utc>> = None;
        for row in rows {
            if let Some(at) = held.or(self.paused_until(row.tenant_id, now)) {
                self.store.defer(row.id, at).await?;
                report.retried += 1;
                continue;
            }
            let Some(platform) = self.platform_of(&row) else {
                if lock(unavailable).insert(row.platform.clone()) {
                    tracing::error!(platform = %row.platform, "messages queued for a platform that is not enabled");
                }
                let at = now + Duration::minutes(1);
                self.store.defer(row.id, at).await?;
                held = Some(at);
                report.retried += 1;
                continue;
            };
            let mut out = match Self::outgoing(&row) {
                Ok(out) => out,
                Err(e) => {
                    self.store.mark_failed(row.id, &e).await?;
                    report.failed += 1;
                    continue;
                }
            };
            if let Some(rate) = platform.tenant_rate() {
                self.bucket(row.tenant_id, rate).acquire().await;
                // A 429 may have paused the tenant while this send waited for its turn.
                if let Some(at) = self.paused_until(row.tenant_id, self.clock.now()) {
                    self.store.defer(row.id, at).await?;
                    held = Some(at);
                    report.retried += 1;
                    continue;
                }
            }
            let dm_user = match &out.destination {
                Destination::Member { user } => Some(user.clone()),
                _ => None,
            };
            if let Some(user) = &dm_user {
                out.dm_channel = self.store.dm_channel(row.tenant_id, user).await?;
            }
            match platform.send(&out).await {
                Ok(reference) => {
                    self.store
                        .mark_sent(row.id, &reference, self.clock.now())
                        .await?;
                    // A DM opened for this send is remembered: the next one skips opening it.
                    if let (Some(user), None, Some((channel, _))) =
                        (&dm_user, &out.dm_channel, reference.split_once(':'))
                    {
                        self.store
                            .remember_dm_channel(row.tenant_id, user, channel, self.clock.now())
                            .await?;
                    }
                    report.sent += 1;
                    if let Some(title) = &row.thread_title {
                        self.open_thread(platform.as_ref(), row.id, &reference, title)
                            .await?;
                    }
                    if row.lock_thread {
                        self.lock_thread(platform.as_ref(), &out.destination).await;
                    }
                }
                Err(SendError::RateLimited { retry_after }) => {
                    self.metrics.rate_limited();
                    // From when the 429 arrived: a paced pass can be long under way by then.
                    let at = self.clock.now()
                        + Duration::from_std(retry_after).unwrap_or(Duration::seconds(1));
                    tracing::info!(
                        tenant = row.tenant_id,
                        ?retry_after,
                        "rate limited: pausing this tenant's sends"
                    );
                    self.pause(row.tenant_id, at);
                    self.store.defer(row.id, at).await?;
                    held = Some(at);
                    report.retried += 1;
                }
                Err(SendError::Transient(e)) if row.attempts < self.config.max_attempts => {
                    let at = now + self.backoff(row.attempts);
                    tracing::warn!(row = row.id, attempt = row.attempts, error = %e, "send failed, will retry");
                    self.store.mark_retry(row.id, at, &e).await?;
                    held = Some(at);
                    report.retried += 1;
                }
                Err(e) => {
                    tracing::error!(row = row.id, error = %e, "send failed for good");
                    self.store.mark_failed(row.id, &e.to_string()).await?;
                    report.failed += 1;
                }
            }
        }
        Ok(report)
    }

    fn bucket(&self, tenant_id: i64, rate: Rate) -> Arc<TokenBucket> {
        lock(&self.buckets)
            .entry(tenant_id)
            .or_insert_with(|| Arc::new(TokenBucket::new(rate)))
            .clone()
    }

    /// Runs passes until nothing is due now (tests and the demo, with a manual clock).
    pub async fn drain(&self) -> Result<PassReport, StoreError> {
        self.recover_in_doubt().await?;
        self.open_pending_threads().await?;
        let mut total = PassReport::default();
        loop {
            let r = self.run_pass().await?;
            if r.claimed == 0 || r.sent + r.failed == 0 {
                return Ok(total);
            }
            total.claimed += r.claimed;
            total.sent += r.sent;
            total.retried += r.retried;
            total.failed += r.failed;
        }
    }

    fn backoff(&self, attempts: i64) -> Duration {
        let factor = 1i32 << attempts.clamp(1, 16).saturating_sub(1);
        (self.config.base_backoff * factor).min(self.config.max_backoff)
    }

    fn pause(&self, tenant_id: i64, until: DateTime<Utc>) {
        let mut paused = lock(&self.paused);
        let entry = paused.entry(tenant_id).or_insert(until);
        *entry = (*entry).max(until);
    }

    fn paused_until(&self, tenant_id: i64, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let paused = lock(&self.paused);
        paused.get(&tenant_id).copied().filter(|at| *at > now)
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
