//! What team leads read: `/nibble campaign list` and `show` (progress, the fan-out's messages, overdue
//! learners).

use crate::chat::Reply;
use crate::command::campaigns::CAMPAIGN_USAGE;
use crate::engine::campaigns::lifecycle::{course_progress, next_send_text};
use crate::engine::campaigns::plan::Plan;
use crate::engine::core::applied::Applied;
use crate::engine::core::errors::EngineError;
use crate::engine::core::reply::say;
use crate::engine::core::state::Core;
use crate::store::{CampaignRecord, CampaignTarget, MemberRef, Store, Tx};
use chrono::{DateTime, Utc};

pub(crate) async fn list(tx: &mut Tx<'_>, tenant_id: i64) -> Result<Applied<Reply>, EngineError> {
    let all = Store::campaigns(tx, tenant_id).await?;
    if all.is_empty() {
        return say(format!("No campaigns yet.\n{CAMPAIGN_USAGE}"));
    }
    let mut lines = vec!["**Campaigns**".to_string()];
    for c in &all {
        let stats = Store::campaign_stats(tx, c.id).await?;
        let target = match (c.target_kind, &c.channel) {
            (CampaignTarget::Members, _) => format!("DMs to {}", stats.recipients),
            (_, Some(ch)) => format!("<#{ch}>"),
            _ => String::new(),
        };
        lines.push(format!(
            "• #{} “{}” ({}): {}, {target}, `{}` {}, next: {}",
            c.id,
            c.name,
            c.state,
            c.course_id,
            c.cron,
            c.time_zone,
            next_send_text(c.state, stats.next_due_at)
        ));
    }
    say(lines.join("\n"))
}

pub(crate) async fn show(
    core: &Core,
    tx: &mut Tx<'_>,
    rec: &CampaignRecord,
    now: DateTime<Utc>,
) -> Result<Applied<Reply>, EngineError> {
    let stats = Store::campaign_stats(tx, rec.id).await?;
    let plan = Plan::from_record(rec)?;
    let catalog = core.catalog.current();
    let mut lines = vec![
        format!("**Campaign #{} “{}”** ({})", rec.id, rec.name, rec.state),
        format!(
            "Course `{}`, {}, `{}` in {}{}, from {}{}{}; catch-up: {}; when done: {}",
            rec.course_id,
            if plan.dm {
                "by DM".to_string()
            } else {
                format!("in <#{}>", rec.channel.clone().unwrap_or_default())
            },
            rec.cron,
            rec.time_zone,
            if rec.learner_zone {
                " (each learner's own zone when known)"
            } else {
                ""
            },
            rec.starts_on,
            rec.ends_on
                .as_ref()
                .map(|d| format!(" to {d}"))
                .unwrap_or_default(),
            rec.due_on
                .as_ref()
                .map(|d| format!(", due {d}"))
                .unwrap_or_default(),
            rec.catch_up,
            rec.when_done
        ),
        format!(
            "Recipients: {} ({} had every lesson) · lessons sent: {} · messages sent {}, waiting {}, failed {}",
            stats.recipients,
            stats.done,
            stats.lessons_sent,
            stats.messages_sent,
            stats.messages_pending,
            stats.messages_failed
        ),
        format!(
            "Next send: {}",
            next_send_text(rec.state, stats.next_due_at)
        ),
    ];
    if let Some(due) = plan
        .due_on
        .filter(|d| *d < now.with_timezone(&plan.schedule.zone).date_naive())
    {
        let mut overdue = Vec::new();
        for r in Store::recipients_of(tx, rec.id).await? {
            let Some(member_id) = r.member_id else {
                continue;
            };
            let m = MemberRef {
                tenant_id: rec.tenant_id,
                member_id,
            };
            let (done, total) = course_progress(tx, &catalog, &rec.course_id, &m).await?;
            if done < total {
                overdue.push(format!("<@{}> ({done}/{total})", r.recipient));
            }
        }
        let shown: Vec<String> = overdue.iter().take(20).cloned().collect();
        let more = overdue.len().saturating_sub(shown.len());
        lines.push(format!(
            "Overdue (not finished by {due}): {}{}{}",
            overdue.len(),
            if shown.is_empty() {
                String::new()
            } else {
                format!(": {}", shown.join(", "))
            },
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        ));
    }
    say(lines.join("\n"))
}
