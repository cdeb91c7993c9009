//! What both runs share: the store, dispatcher and engine on a temporary database, and a campaign
//! that queues one lesson to every learner, measured.

use crate::support;
use nibble::chat::{Dispatcher, DispatcherConfig, Event, EventKind, Platform, UserRef};
use nibble::clock::SystemClock;
use nibble::config::Config;
use nibble::content::load_catalog;
use nibble::daemon::Adapters;
use nibble::engine::{CatalogHandle, Engine};
use nibble::store::{Durability, Store};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub struct Rig {
    pub store: Store,
    pub dispatcher: Arc<Dispatcher>,
    pub engine: Engine,
}

/// What the scheduler did before anything was sent.
pub struct Queued {
    pub lessons: usize,
    pub messages: usize,
    pub enrol: Duration,
    pub tick_wall: Duration,
    pub cpu_per_delivery: Duration,
}

impl Rig {
    pub async fn start(config: &Config, adapters: &Adapters) -> Self {
        let store = Store::open(&config.database.url, Durability::Normal)
            .await
            .expect("store");
        let catalog = load_catalog(&support::lessons_dir()).expect("lessons");
        store
            .sync_catalog(&catalog, chrono::Utc::now())
            .await
            .expect("sync");
        let clock = Arc::new(SystemClock);
        let dispatcher = Arc::new(Dispatcher::new(
            store.clone(),
            adapters.platforms(),
            clock.clone(),
            DispatcherConfig::default(),
        ));
        let engine = Engine::start(
            store.clone(),
            CatalogHandle::new(catalog),
            clock,
            config.engine_settings(),
            dispatcher.waker(),
        );
        Self {
            store,
            dispatcher,
            engine,
        }
    }

    /// A DM campaign for `members`, its first lesson queued for everyone by the scheduler.
    pub async fn queue_fan_out(
        &self,
        platform: Platform,
        tenant: &str,
        members: &[String],
    ) -> Queued {
        let command = |n: u64, args: &str| Event {
            key: format!("bench-{n}"),
            platform,
            tenant: tenant.into(),
            channel: "900000000000000001".into(),
            is_dm: false,
            user: UserRef {
                id: "900000000000000002".into(),
                name: "Lead".into(),
                time_zone: None,
                is_lead: true,
                is_moderator: false,
            },
            kind: EventKind::Command {
                name: "nibble".into(),
                args: args.into(),
            },
        };
        let create = format!(
            "campaign create name=bench course=security-awareness dm members={} cron=\"0 9 1 1 *\" zone=UTC",
            members.join(",")
        );
        let engine = &self.engine;
        engine
            .handle(command(0, "quiet-hours off"))
            .await
            .expect("quiet hours");
        let started = Instant::now();
        engine.handle(command(1, &create)).await.expect("create");
        let enrol = started.elapsed();
        engine
            .handle(command(2, "campaign send-next bench"))
            .await
            .expect("send-next");
        // The scheduler alone: every recipient's slot (deliveries and outbox rows, in transactions).
        let cpu_before = nibble::bench::cpu_time().unwrap_or_default();
        let tick_started = Instant::now();
        let report = engine.run_due().await.expect("tick");
        let tick_wall = tick_started.elapsed();
        let cpu = nibble::bench::cpu_time()
            .unwrap_or_default()
            .saturating_sub(cpu_before);
        let messages = self.store.outbox_counts().await.expect("counts").pending as usize;
        Queued {
            lessons: report.lessons,
            messages,
            enrol,
            tick_wall,
            cpu_per_delivery: cpu / report.lessons.max(1) as u32,
        }
    }

    /// Runs the dispatcher until `done` says everything arrived (or the deadline passes).
    pub async fn send_all(&self, deadline: Duration, mut done: impl FnMut() -> bool) {
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let sender = tokio::spawn(self.dispatcher.clone().run(stopped));
        let until = Instant::now() + deadline;
        while !done() && Instant::now() < until {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        // Anything sent after this would show up as a duplicate.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let _ = stop.send(true);
        let _ = sender.await;
    }
}

impl Queued {
    pub fn print(&self, learners: usize) {
        println!("| measure | value |\n|---|---|");
        println!("| lessons queued by the scheduler | {} |", self.lessons);
        println!(
            "| messages (lesson parts + quiz cards) | {} |",
            self.messages
        );
        println!(
            "| enrolment of {learners} members (one command) | {:.2} s |",
            self.enrol.as_secs_f64()
        );
        println!(
            "| scheduler: wall time to queue them | {:.2} s |",
            self.tick_wall.as_secs_f64()
        );
        println!(
            "| scheduler: CPU time per delivery | {:.0} µs |",
            self.cpu_per_delivery.as_secs_f64() * 1e6
        );
    }
}
