//! Drives the simulation: daily lesson pushes, learners reading and answering, and the transcript.

use super::team::{Learner, Rng, team};
use super::{DemoError, DemoOptions, DemoSummary};
use crate::chat::{
    Destination, Dispatcher, DispatcherConfig, Event, EventKind, Message, Platform, QuestionCard,
    Reply, SendError, UserRef, Verdict,
};
use crate::clock::{Clock, ManualClock};
use crate::content::{Catalog, load_catalog};
use crate::domain::points::PointsRules;
use crate::engine::{CatalogHandle, Engine, LessonChoice, PushLesson, PushOutcome, Recipient};
use crate::local::{LocalPlatform, render_brief};
use crate::store::{Durability, Store};
use chrono::{DateTime, Datelike, Duration, TimeZone, Utc};
use std::collections::HashMap;
use std::io::Write;
use std::sync::Arc;

const TENANT: &str = "demo-team";
const CHANNEL: &str = "#learning";
const DRIP_COURSE: &str = "security-awareness";
const CHANNEL_COURSE: &str = "giving-feedback";

struct Sim<'o> {
    out: &'o mut dyn Write,
    engine: Engine,
    dispatcher: Dispatcher,
    platform: Arc<LocalPlatform>,
    clock: Arc<ManualClock>,
    store: Store,
    catalog: Arc<Catalog>,
    cursor: usize,
    /// Quiz cards each learner has in their DMs, not yet answered.
    inbox: HashMap<String, Vec<QuestionCard>>,
    channel_cards: Vec<QuestionCard>,
    names: HashMap<String, String>,
    featured: Vec<String>,
    seq: u64,
    retried: usize,
}

pub async fn run(opts: &DemoOptions, out: &mut dyn Write) -> Result<DemoSummary, DemoError> {
    let catalog = load_catalog(&opts.lessons_dir).map_err(DemoError::Lessons)?;
    for suffix in ["", "-wal", "-shm"] {
        let path = std::path::PathBuf::from(format!("{}{suffix}", opts.database.display()));
        match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(DemoError::Reset { path, source: e });
            }
            _ => {}
        }
    }
    let store = Store::open(&opts.database.display().to_string(), Durability::Normal).await?;
    let start = Utc
        .with_ymd_and_hms(2026, 1, 5, 8, 55, 0)
        .single()
        .unwrap_or_default();
    let clock = Arc::new(ManualClock::new(start));
    store.sync_catalog(&catalog, clock.now()).await?;
    let platform = Arc::new(LocalPlatform::new());
    let dispatcher = Dispatcher::new(
        store.clone(),
        vec![platform.clone()],
        clock.clone(),
        DispatcherConfig::default(),
    );
    let handle = CatalogHandle::new(catalog.clone());
    let engine = Engine::start(
        store.clone(),
        handle,
        clock.clone(),
        PointsRules::default(),
        dispatcher.waker(),
    );
    let mut rng = Rng::new(opts.seed);
    let learners = team(&mut rng);
    writeln!(
        out,
        "nibble demo: a team of {} learning for {} days (seed {})",
        learners.len(),
        opts.days,
        opts.seed
    )?;
    writeln!(
        out,
        "Database: {} (fresh; read it afterwards with `nibble report --database {}`)",
        opts.database.display(),
        opts.database.display()
    )?;
    writeln!(
        out,
        "Lessons: {} courses, {} lessons from {}",
        catalog.courses().len(),
        catalog.lesson_count(),
        opts.lessons_dir.display()
    )?;
    writeln!(
        out,
        "Each weekday a drip sends the next “{DRIP_COURSE}” lesson by DM; Mon/Wed/Fri the {CHANNEL} channel gets a “{CHANNEL_COURSE}” lesson."
    )?;
    writeln!(
        out,
        "Full conversations are shown for {} and {}; the others are summed up.",
        learners[0].user.name, learners[2].user.name
    )?;
    let mut sim = Sim {
        out,
        engine,
        dispatcher,
        platform,
        clock,
        store: store.clone(),
        catalog: Arc::new(catalog),
        cursor: 0,
        inbox: HashMap::new(),
        channel_cards: Vec::new(),
        names: learners
            .iter()
            .map(|l| (l.user.id.clone(), l.user.name.clone()))
            .collect(),
        featured: vec![learners[0].user.id.clone(), learners[2].user.id.clone()],
        seq: 0,
        retried: 0,
    };
    let mut forged = false;
    let mut double = false;
    for day in 0..opts.days {
        let morning = start + Duration::days(i64::from(day));
        sim.clock.set(morning);
        let weekday = morning.weekday();
        writeln!(
            sim.out,
            "\n━━ {} {} ━━",
            weekday,
            morning.format("%-d %B %Y")
        )?;
        if day == 2 {
            writeln!(
                sim.out,
                "(the platform will answer the first send with 429 Too Many Requests and the second with a 503)"
            )?;
            sim.platform.inject_faults([
                SendError::RateLimited {
                    retry_after: std::time::Duration::from_secs(30),
                },
                SendError::Transient("503 Service Unavailable".into()),
            ]);
        }
        for l in &learners {
            let push = sim
                .push(Recipient::Member(l.user.clone()), DRIP_COURSE, "demo-drip")
                .await?;
            if push == PushOutcome::CourseFinished && sim.featured.contains(&l.user.id) {
                writeln!(
                    sim.out,
                    "{}  ({} has finished “{DRIP_COURSE}”)",
                    sim.time(),
                    l.user.name
                )?;
            }
        }
        if day % 2 == 0 {
            sim.clock.set(morning + Duration::minutes(5));
            sim.push(
                Recipient::Channel(CHANNEL.into()),
                CHANNEL_COURSE,
                "demo-channel",
            )
            .await?;
        }
        sim.flush().await?;
        if day == 1 {
            forged |= sim.forge_click(&learners[1]).await?;
        }
        let mut order: Vec<&Learner> = learners.iter().collect();
        order.sort_by_key(|l| l.arrival);
        let mut day_stats: Vec<(String, usize, usize)> = Vec::new();
        for l in order {
            let at = morning + Duration::minutes(5 + l.arrival);
            if at > sim.clock.now() {
                sim.clock.set(at);
            }
            let (mut answered, mut right) = (0, 0);
            if l.eager && day == 1 {
                sim.command(&l.user, "learn", "").await?;
                sim.flush().await?;
            }
            if rng.chance(l.diligence) {
                let cards = sim.inbox.remove(&l.user.id).unwrap_or_default();
                for (i, card) in cards.iter().enumerate() {
                    let (a, r) = sim.answer(l, card, &mut rng).await?;
                    answered += a;
                    right += r;
                    if !double && l.user.id == "U003" && i == 0 {
                        double |= sim.click_again(l, card).await?;
                    }
                }
            }
            if l.social && rng.chance(0.7) {
                for card in sim.channel_cards.clone() {
                    let (a, r) = sim.answer(l, &card, &mut rng).await?;
                    answered += a;
                    right += r;
                }
            }
            if !sim.featured.contains(&l.user.id) {
                day_stats.push((l.user.name.clone(), answered, right));
            }
        }
        sim.channel_cards.clear();
        sim.flush().await?;
        let summary: Vec<String> = day_stats
            .iter()
            .map(|(n, a, r)| {
                if *a == 0 {
                    format!("{n} skipped")
                } else {
                    format!("{n} {r}/{a}")
                }
            })
            .collect();
        writeln!(
            sim.out,
            "{}  others today (right/answered): {}",
            sim.time(),
            summary.join(", ")
        )?;
    }
    sim.finish(forged, double).await
}

impl Sim<'_> {
    fn time(&self) -> String {
        self.clock.now().format("%a %H:%M").to_string()
    }

    fn next_key(&mut self) -> String {
        self.seq += 1;
        format!("demo-evt-{}", self.seq)
    }

    async fn push(
        &mut self,
        recipient: Recipient,
        course: &str,
        origin: &str,
    ) -> Result<PushOutcome, DemoError> {
        Ok(self
            .engine
            .push_lesson(PushLesson {
                platform: Platform::Local,
                tenant: TENANT.into(),
                recipient,
                lesson: LessonChoice::NextIn(course.into()),
                origin: origin.into(),
            })
            .await?)
    }

    fn event(&mut self, user: &UserRef, kind: EventKind) -> Event {
        Event {
            key: self.next_key(),
            platform: Platform::Local,
            tenant: TENANT.into(),
            channel: CHANNEL.into(),
            is_dm: false,
            user: user.clone(),
            kind,
        }
    }

    async fn command(&mut self, user: &UserRef, name: &str, args: &str) -> Result<(), DemoError> {
        let event = self.event(
            user,
            EventKind::Command {
                name: name.into(),
                args: args.into(),
            },
        );
        let reply = self.engine.handle(event).await?;
        writeln!(
            self.out,
            "{}  {} types /{name} {args}",
            self.time(),
            user.name
        )?;
        self.print_reply(user, &reply)
    }

    /// Sends queued messages (advancing the clock past rate-limit pauses and backoffs) and prints them.
    async fn flush(&mut self) -> Result<(), DemoError> {
        loop {
            let report = self.dispatcher.drain().await?;
            self.retried += report.retried;
            if report.retried > 0 {
                writeln!(
                    self.out,
                    "{}  outbox: {} sends deferred (rate limit or platform error): retrying, nothing lost",
                    self.time(),
                    report.retried
                )?;
            }
            match self.store.next_due().await? {
                Some(at) => {
                    if at > self.clock.now() {
                        self.clock.set(at);
                    }
                }
                None => break,
            }
        }
        for posted in self.platform.posted_since(self.cursor) {
            self.cursor += 1;
            let (who, full) = match &posted.destination {
                Destination::Member { user } => (
                    format!(
                        "{} (DM)",
                        self.names
                            .get(user)
                            .cloned()
                            .unwrap_or_else(|| user.clone())
                    ),
                    self.featured.contains(user),
                ),
                Destination::Channel { channel } | Destination::Thread { channel, .. } => {
                    (channel.clone(), true)
                }
            };
            if let Message::Question(card) = &posted.message {
                match &posted.destination {
                    Destination::Member { user } => self
                        .inbox
                        .entry(user.clone())
                        .or_default()
                        .push(card.clone()),
                    _ => self.channel_cards.push(card.clone()),
                }
            }
            if full {
                let text = render_brief(&posted.message).replace('\n', "\n            ");
                writeln!(self.out, "{}  bot → {who}: {text}", self.time())?;
            }
        }
        Ok(())
    }

    /// The choices this learner makes: right with their accuracy, else a plausible wrong pick.
    fn choose(&self, l: &Learner, card: &QuestionCard, rng: &mut Rng) -> Vec<usize> {
        let question = self
            .catalog
            .courses()
            .iter()
            .flat_map(|c| self.catalog.lessons_of(c))
            .flat_map(|lesson| lesson.questions.iter())
            .find(|q| q.prompt == card.prompt);
        let right: Vec<usize> = question
            .map(|q| {
                q.options
                    .iter()
                    .enumerate()
                    .filter(|(_, o)| o.correct)
                    .map(|(i, _)| i)
                    .collect()
            })
            .unwrap_or_default();
        if !right.is_empty() && rng.chance(l.accuracy) {
            return right;
        }
        let pick = rng.below(card.choices.len());
        if card.multi && !right.contains(&pick) {
            let mut v = right.clone();
            v.push(pick);
            v.sort_unstable();
            return v;
        }
        vec![if right == vec![pick] {
            (pick + 1) % card.choices.len()
        } else {
            pick
        }]
    }

    async fn answer(
        &mut self,
        l: &Learner,
        card: &QuestionCard,
        rng: &mut Rng,
    ) -> Result<(usize, usize), DemoError> {
        let choices = self.choose(l, card, rng);
        let reply = self.click(&l.user, card, &choices).await?;
        let right = matches!(&reply, Reply::UpdateSource(Message::Feedback(f)) | Reply::Ephemeral(Message::Feedback(f)) if f.verdict == Verdict::Correct);
        if self.featured.contains(&l.user.id) {
            let labels: Vec<&str> = choices
                .iter()
                .filter_map(|i| card.choices.get(*i).map(|c| c.label.as_str()))
                .collect();
            writeln!(
                self.out,
                "{}  {} taps “{}”",
                self.time(),
                l.user.name,
                labels.join("” + “")
            )?;
            self.print_reply(&l.user, &reply)?;
        }
        Ok((1, usize::from(right)))
    }

    async fn click(
        &mut self,
        user: &UserRef,
        card: &QuestionCard,
        choices: &[usize],
    ) -> Result<Reply, DemoError> {
        let kind = match &card.submit_action {
            Some(action) => EventKind::Button {
                payload: action.clone(),
                values: choices.iter().map(usize::to_string).collect(),
            },
            None => EventKind::Button {
                payload: choices
                    .first()
                    .and_then(|i| card.choices.get(*i))
                    .map(|c| c.payload.clone())
                    .unwrap_or_default(),
                values: Vec::new(),
            },
        };
        let event = self.event(user, kind);
        Ok(self.engine.handle(event).await?)
    }

    async fn click_again(&mut self, l: &Learner, card: &QuestionCard) -> Result<bool, DemoError> {
        let reply = self.click(&l.user, card, &[card.choices.len() - 1]).await?;
        writeln!(
            self.out,
            "{}  {} taps another answer on the same question",
            self.time(),
            l.user.name
        )?;
        self.print_reply(&l.user, &reply)?;
        Ok(
            matches!(reply, Reply::UpdateSource(Message::Feedback(f)) if f.verdict == Verdict::AlreadyAnswered),
        )
    }

    /// A learner presses a button copied from someone else's private quiz.
    async fn forge_click(&mut self, l: &Learner) -> Result<bool, DemoError> {
        let victim = self.featured[0].clone();
        let Some(card) = self
            .inbox
            .get(&victim)
            .and_then(|cards| cards.first().cloned())
        else {
            return Ok(false);
        };
        let reply = self.click(&l.user, &card, &[0]).await?;
        writeln!(
            self.out,
            "{}  {} presses a button copied from {}'s private quiz",
            self.time(),
            l.user.name,
            self.names[&victim]
        )?;
        self.print_reply(&l.user, &reply)?;
        Ok(matches!(reply, Reply::Ephemeral(Message::Text { .. })))
    }

    fn print_reply(&mut self, user: &UserRef, reply: &Reply) -> Result<(), DemoError> {
        let (how, message) = match reply {
            Reply::None => return Ok(()),
            Reply::Ephemeral(m) => ("(only they see it)", m),
            Reply::UpdateSource(m) => ("(replaces the quiz)", m),
        };
        let text = render_brief(message).replace('\n', "\n            ");
        writeln!(
            self.out,
            "{}  bot → {} {how}: {text}",
            self.time(),
            user.name
        )?;
        Ok(())
    }

    async fn finish(mut self, forged: bool, double: bool) -> Result<DemoSummary, DemoError> {
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
