//! The scheduler's tick: every feature's due work (campaign lessons and reminders, reviews, partner
//! rounds, community prompts and digests) in one transaction, with one report.

use crate::engine::core::applied::Applied;
use crate::engine::core::errors::EngineError;
use crate::engine::core::state::Core;
use crate::engine::core::work::TickReport;
use crate::store::Tx;
use chrono::{DateTime, Utc};

pub(crate) async fn apply_tick(
    core: &Core,
    tx: &mut Tx<'_>,
    limit: i64,
    now: DateTime<Utc>,
) -> Result<Applied<TickReport>, EngineError> {
    let mut report = crate::engine::campaigns::tick::campaign_tick(core, tx, limit, now).await?;
    let (reviews, more) =
        crate::engine::reviews::schedule::review_tick(core, tx, now, limit).await?;
    report.reviews = reviews;
    report.more |= more;
    let (rounds, checkins, more) =
        crate::engine::partners::rounds::partner_tick(core, tx, now, limit).await?;
    report.partner_rounds = rounds;
    report.check_ins = checkins;
    report.more |= more;
    let (threads, digests, more) =
        crate::engine::community::tick::community_tick(core, tx, now, limit).await?;
    report.threads = threads;
    report.digests = digests;
    report.more |= more;
    let queued =
        report.lessons + report.reminders + report.reviews + rounds + checkins + threads + digests
            > 0;
    if queued || report.skipped > 0 {
        tracing::info!(?report, "campaign tick");
    }
    Ok(Applied::new(report, queued))
}
