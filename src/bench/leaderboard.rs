//! `nibble bench --leaderboard`: a tenant of 100,000 members with 1,000,000 ledger rows, folded into
//! standings, then the top ten and a member's rank timed for this week, this month and all time.

use super::BenchError;
use crate::demo::Rng;
use crate::domain::periods::Period;
use crate::store::Durability;
use crate::store::bench::SeedLedger;
use chrono::{Duration as Days, Utc};
use std::fmt::Write;
use std::path::Path;
use std::time::{Duration, Instant};

/// Lookups timed per view.
const SAMPLES: usize = 2000;

pub async fn run(
    database: &Path,
    lessons_dir: &Path,
    members: usize,
    rows: usize,
    durability: Durability,
) -> Result<String, BenchError> {
    let (store, engine) = super::fresh_engine(database, lessons_dir, durability).await?;
    let mut rng = Rng::new(42);
    let now = Utc::now();
    // Awards over the last 90 days; a few members are far more active than most (squared draw).
    let awards: Vec<_> = (0..rows)
        .map(|_| {
            let r = rng.below(members);
            let m = (r * r) / members.max(1);
            let amount = 1 + rng.below(10) as i64;
            let at = now - Days::minutes(rng.below(90 * 24 * 60) as i64);
            (m, amount, at)
        })
        .collect();
    let started = Instant::now();
    let ids = store
        .seed_ledger(&SeedLedger {
            tenant: "bench-board",
            members,
            awards: &awards,
        })
        .await?;
    let seeded = started.elapsed();
    let started = Instant::now();
    engine.fold_now().await?;
    let folded = started.elapsed();
    let tenant_id = store.tenant_id_of("local", "bench-board").await?;
    let mismatches = store.standings_mismatches().await?.len();

    let mut out = String::new();
    let _ = writeln!(
        out,
        "nibble bench --leaderboard: {members} members, {rows} ledger rows in {}\n",
        database.display()
    );
    let _ = writeln!(
        out,
        "| view | top 10 p50 | top 10 p99 | rank p50 | rank p99 |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|");
    for period in [Period::AllTime, Period::Month, Period::Week] {
        let key = period.key(now, chrono_tz::UTC);
        let (mut tops, mut ranks) = (Vec::new(), Vec::new());
        for _ in 0..SAMPLES {
            let member = ids[rng.below(ids.len())];
            let (top, rank, _) = store.board_queries(tenant_id, &key, member).await?;
            tops.push(top);
            ranks.push(rank);
        }
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            period.label(),
            ms(pct(&mut tops, 0.50)),
            ms(pct(&mut tops, 0.99)),
            ms(pct(&mut ranks, 0.50)),
            ms(pct(&mut ranks, 0.99))
        );
    }
    let _ = writeln!(out, "\n| measure | value |\n|---|---|");
    let _ = writeln!(
        out,
        "| seeding (members, ledger, totals) | {:.1} s |",
        seeded.as_secs_f64()
    );
    let _ = writeln!(
        out,
        "| folding the ledger into standings | {:.1} s ({:.0} rows/s) |",
        folded.as_secs_f64(),
        rows as f64 / folded.as_secs_f64().max(1e-9)
    );
    let _ = writeln!(
        out,
        "| all-time standings differing from the ledger | {mismatches} |"
    );
    store.close().await;
    Ok(out)
}

fn pct(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    samples
        .get(((samples.len() as f64 - 1.0) * p).round() as usize)
        .copied()
        .unwrap_or_default()
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}
