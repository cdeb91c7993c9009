//! The demo's week: drip campaigns set up by the team lead, learners acting in their own order,
//! faults on day three.

use super::team::{Learner, Rng, team};
use super::{DemoError, DemoOptions, DemoSummary};
use crate::chat::{Dispatcher, DispatcherConfig, SendError};
use crate::clock::{Clock, ManualClock};
use crate::content::load_catalog;
use crate::engine::{CatalogHandle, Engine, EngineSettings};
use crate::local::LocalPlatform;
use crate::store::{Durability, Store};
use chrono::{Datelike, Duration, TimeZone, Utc};
use std::collections::HashMap;
use std::io::Write;
use std::sync::Arc;

use super::sim::{CHANNEL, CHANNEL_COURSE, DRIP_COURSE, Sim};

pub async fn run(opts: &DemoOptions, out: &mut dyn Write) -> Result<DemoSummary, DemoError> {
    let catalog = load_catalog(&opts.lessons_dir).map_err(DemoError::Lessons)?;
    super::reset::clear_demo_database(&opts.database).await?;
    let store = Store::open(&opts.database.display().to_string(), Durability::Normal).await?;
    let start = Utc
        .with_ymd_and_hms(2026, 1, 5, 8, 55, 0)
        .single()
        .unwrap_or_default();
    // Marked before anything else is written: the next demo may replace only a marked file.
    store.mark_as_demo(Utc::now()).await?;
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
    // The team spans Tokyo to Chicago and the simulated day runs on UTC: quiet hours would hold
    // most of its DMs, so the demo turns them off (as a team lead can with /nibble quiet-hours off).
    let mut settings = EngineSettings::default();
    settings.campaigns.quiet_hours = "off".into();
    let engine = Engine::start(
        store.clone(),
        handle,
        clock.clone(),
        settings,
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
        if crate::content::embedded::is_unpacked(&opts.lessons_dir) {
            "the courses built into nibble".to_string()
        } else {
            opts.lessons_dir.display().to_string()
        }
    )?;
    writeln!(
        out,
        "{}, the team lead, sets up two drip campaigns: the next “{DRIP_COURSE}” lesson by DM each weekday at 09:00, and a “{CHANNEL_COURSE}” lesson in {CHANNEL} on Mon/Wed/Fri at 09:05.",
        learners[0].user.name
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
        check_ins: Vec::new(),
        thread: None,
    };
    let members: Vec<&str> = learners.iter().map(|l| l.user.id.as_str()).collect();
    writeln!(sim.out)?;
    sim.command(
        &learners[0].user,
        "nibble",
        &format!(
            "campaign create name=daily-drip course={DRIP_COURSE} dm members={} cron=\"0 9 * * Mon-Fri\" zone=UTC",
            members.join(",")
        ),
    )
    .await?;
    sim.command(
        &learners[0].user,
        "nibble",
        &format!(
            "campaign create name=feedback-club course={CHANNEL_COURSE} channel={CHANNEL} cron=\"5 9 * * Mon,Wed,Fri\" zone=UTC"
        ),
    )
    .await?;
    // Accountability partners: rounds on Mondays and Thursdays for whoever joins.
    sim.command(
        &learners[0].user,
        "partner",
        "create cadence=\"0 9 * * Mon,Thu\" zone=UTC",
    )
    .await?;
    for l in learners.iter().filter(|l| l.social || l.eager) {
        sim.command(&l.user, "partner", "join").await?;
    }
    // A community of practice in the same channel: discussion prompts on Tuesday and Thursday
    // evenings from the course's prompts.toml, a digest on Friday, stories posted here too.
    let moderator = &learners[0].user;
    sim.command(
        moderator,
        "nibble",
        &format!("prompts {CHANNEL_COURSE} \"0 18 * * Tue,Thu\" UTC"),
    )
    .await?;
    sim.command(moderator, "nibble", "digest \"0 19 * * Fri\" UTC")
        .await?;
    sim.command(moderator, "nibble", "stories-channel").await?;
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
        // The campaigns' slots: the scheduler sends each learner their own next lesson.
        for slot in [Duration::minutes(5), Duration::minutes(10)] {
            sim.clock.set(morning + slot);
            let report = sim.engine.run_due().await?;
            if report.reviews > 0 {
                writeln!(
                    sim.out,
                    "{}  reviews: {} learner(s) get their spaced-repetition questions",
                    sim.time(),
                    report.reviews
                )?;
            }
            if report.lessons + report.finished > 0 {
                writeln!(
                    sim.out,
                    "{}  campaigns: {} lesson(s) queued{}",
                    sim.time(),
                    report.lessons,
                    if report.finished > 0 {
                        format!(", {} learner(s) have had every lesson", report.finished)
                    } else {
                        String::new()
                    }
                )?;
            }
            sim.flush().await?;
        }
        sim.flush().await?;
        if day == 1 {
            forged |= sim.forge_click(&learners[1]).await?;
        }
        if day == 0 {
            // Just in time: a search, answered with buttons that send the lesson.
            sim.command(&learners[2].user, "learn", "password manager")
                .await?;
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
        sim.answer_check_ins(&mut rng).await?;
        sim.flush().await?;
        sim.community_evening(&learners, morning, day, &mut rng)
            .await?;
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
    writeln!(sim.out)?;
    sim.command(&learners[0].user, "nibble", "campaign show daily-drip")
        .await?;
    // Recognition at the end of the week: points, streak and rank, badges, and the board.
    sim.command(&learners[2].user, "points", "").await?;
    sim.command(&learners[2].user, "badges", "").await?;
    sim.command(&learners[0].user, "leaderboard", "week")
        .await?;
    sim.command(&learners[0].user, "partner", "stats").await?;
    // Retention: what comes back for review, and who a team lead should help.
    sim.command(&learners[2].user, "nibble", "reviews").await?;
    sim.command(&learners[0].user, "nibble", "needs-help security-awareness")
        .await?;
    sim.command(&learners[0].user, "nibble", "report").await?;
    sim.command(&learners[0].user, "nibble", "thread list")
        .await?;
    sim.finish(forged, double).await
}
