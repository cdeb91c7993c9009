//! `nibble bench --partners`: a pool of 2,000 members (spread over time zones, some avoid lists)
//! through the engine and a real SQLite file; ten rounds held with `/partner round`, each timed
//! whole (history read, matching, groups and introductions written), and the matching alone.

use super::BenchError;
use crate::chat::{Event, EventKind, Platform, Reply, UserRef};
use crate::demo::Rng;
use crate::domain::matching::{Candidate, RoundInput, plan_round};
use crate::store::Durability;
use std::fmt::Write;
use std::path::Path;
use std::time::{Duration, Instant};

const ROUNDS: u32 = 10;
const ZONES: &[&str] = &[
    "Europe/Berlin",
    "America/New_York",
    "Asia/Tokyo",
    "Asia/Kolkata",
    "America/Los_Angeles",
    "UTC",
];

fn command(n: &mut u64, who: &UserRef, name: &str, args: &str) -> Event {
    *n += 1;
    Event {
        key: format!("bench-partners-{n}"),
        platform: Platform::Local,
        tenant: "bench-partners".into(),
        channel: "C-POOL".into(),
        is_dm: false,
        user: who.clone(),
        kind: EventKind::Command {
            name: name.into(),
            args: args.into(),
        },
    }
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

pub async fn run(
    database: &Path,
    lessons_dir: &Path,
    members: usize,
    durability: Durability,
) -> Result<String, BenchError> {
    let (store, engine) = super::fresh_engine(database, lessons_dir, durability).await?;
    let mut rng = Rng::new(3);
    let mut n = 0;
    let lead = UserRef {
        id: "U-LEAD".into(),
        name: "Lead".into(),
        time_zone: Some("UTC".into()),
        is_lead: true,
        is_moderator: false,
    };
    engine
        .handle(command(
            &mut n,
            &lead,
            "partner",
            "create cadence=weekly zone=UTC",
        ))
        .await?;
    let people: Vec<UserRef> = (0..members)
        .map(|i| UserRef {
            id: format!("U{i:05}"),
            name: format!("Member {i}"),
            time_zone: Some(ZONES[rng.below(ZONES.len())].into()),
            is_lead: false,
            is_moderator: false,
        })
        .collect();
    let started = Instant::now();
    for p in &people {
        engine.handle(command(&mut n, p, "partner", "join")).await?;
    }
    // One member in fifty avoids someone.
    for p in people.iter().step_by(50) {
        let other = &people[rng.below(people.len())].id;
        engine
            .handle(command(&mut n, p, "partner", &format!("avoid <@{other}>")))
            .await?;
    }
    let joined = started.elapsed();

    let mut times = Vec::new();
    for _ in 0..ROUNDS {
        let t = Instant::now();
        let reply = engine
            .handle(command(&mut n, &lead, "partner", "round"))
            .await?;
        times.push(t.elapsed());
        if !matches!(&reply, Reply::Ephemeral(m) if crate::local::render_text(m).contains("Round held"))
        {
            return Err(BenchError::Task(format!("a round was not held: {reply:?}")));
        }
    }
    // The matching alone for round 11, on the history the rounds left.
    let (last_met, ids) = store.only_pool_history().await?;
    let input = RoundInput {
        members: ids
            .iter()
            .map(|id| Candidate {
                id: *id,
                utc_offset_minutes: Some((*id % 6) as i32 * 180),
                needs_help: false,
                mastered: false,
            })
            .collect(),
        last_met,
        round: ROUNDS + 1,
        group_size: 2,
        ..RoundInput::default()
    };
    let t = Instant::now();
    let groups = plan_round(&input);
    let planning = t.elapsed();
    let repeats = groups
        .iter()
        .filter(|g| {
            g.len() == 2
                && input
                    .last_met
                    .contains_key(&(g[0].min(g[1]), g[0].max(g[1])))
        })
        .count();

    let mut out = String::new();
    let _ = writeln!(
        out,
        "nibble bench --partners: a pool of {members} members, {ROUNDS} rounds, in {}\n",
        database.display()
    );
    let _ = writeln!(out, "| measure | value |\n|---|---|");
    let _ = writeln!(out, "| joining (one /partner join each) | {} |", ms(joined));
    let _ = writeln!(out, "| round 1 (no history), whole | {} |", ms(times[0]));
    let _ = writeln!(
        out,
        "| round {ROUNDS} (history of {} rounds), whole | {} |",
        ROUNDS - 1,
        ms(times[times.len() - 1])
    );
    let _ = writeln!(
        out,
        "| slowest round, whole | {} |",
        ms(times.iter().copied().max().unwrap_or_default())
    );
    let _ = writeln!(
        out,
        "| matching alone, round {} | {} |",
        ROUNDS + 1,
        ms(planning)
    );
    let _ = writeln!(
        out,
        "| groups / repeated pairs in round {} | {} / {repeats} |",
        ROUNDS + 1,
        groups.len()
    );
    let _ = writeln!(out, "target: a round for 2,000 members under 1 s");
    store.close().await;
    Ok(out)
}
