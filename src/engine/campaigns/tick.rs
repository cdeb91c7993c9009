//! The campaigns' part of a tick: sends each due recipient its next lesson (one per slot, never a burst), applies
//! the catch-up policy to missed slots, learners' holds and quiet hours, and sends due-date reminders.
//! Each recipient's send and its next fire time commit in the same transaction as the outbox rows.

use crate::chat::{Destination, Message, Platform, UserRef};
use crate::domain::campaign::WhenDone;
use crate::engine::campaigns::plan::Plan;
use crate::engine::core::deliver::{Recipient, apply_push};
use crate::engine::core::errors::EngineError;
use crate::engine::core::state::Core;
use crate::engine::core::work::LessonChoice;
use crate::engine::core::work::PushLesson;
use crate::engine::core::work::PushOutcome;
use crate::engine::core::work::TickReport;
use crate::scheduler::{CatchUp, QuietHours};
use crate::store::{
    CampaignId, CampaignState, DueFor, DueRecipient, MemberRef, RecipientKind, Store, StoreError,
    Tx,
};
use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;

/// Per-tick caches: campaigns and tenants' quiet hours are read once.
#[derive(Default)]
struct Cache {
    plans: HashMap<CampaignId, Option<Plan>>,
    quiet: HashMap<i64, Option<QuietHours>>,
}

impl Cache {
    async fn plan(&mut self, tx: &mut Tx<'_>, id: CampaignId) -> Result<Option<Plan>, EngineError> {
        if let Some(p) = self.plans.get(&id) {
            return Ok(p.clone());
        }
        let plan = match Store::campaign(tx, id).await? {
            Some(rec) => match Plan::from_record(&rec) {
                Ok(p) => Some(p),
                Err(e) => {
                    tracing::error!(campaign = id.0, error = %e, "skipping a campaign that cannot be read");
                    None
                }
            },
            None => None,
        };
        self.plans.insert(id, plan.clone());
        Ok(plan)
    }

    async fn quiet(
        &mut self,
        core: &Core,
        tx: &mut Tx<'_>,
        tenant_id: i64,
    ) -> Result<Option<QuietHours>, EngineError> {
        if let Some(q) = self.quiet.get(&tenant_id) {
            return Ok(*q);
        }
        let q = crate::engine::campaigns::enrol::tenant_quiet(core, tx, tenant_id).await?;
        self.quiet.insert(tenant_id, q);
        Ok(q)
    }
}

/// This tick's campaign lessons and due-date reminders.
pub(crate) async fn campaign_tick(
    core: &Core,
    tx: &mut Tx<'_>,
    limit: i64,
    now: DateTime<Utc>,
) -> Result<TickReport, EngineError> {
    let mut report = TickReport::default();
    let mut cache = Cache::default();
    let due = Store::due(tx, DueFor::Lesson, now, limit).await?;
    report.more = due.len() as i64 == limit;
    for r in &due {
        let Some(plan) = cache.plan(tx, r.campaign_id).await? else {
            // Logged when read; parked so it cannot hold up the others.
            Store::set_recipient_due(tx, r.id, None).await?;
            continue;
        };
        lesson_slot(core, tx, &mut cache, &plan, r, now, &mut report).await?;
    }
    let reminders = Store::due(tx, DueFor::Reminder, now, limit).await?;
    report.more |= reminders.len() as i64 == limit;
    for r in &reminders {
        let Some(plan) = cache.plan(tx, r.campaign_id).await? else {
            Store::set_next_reminder(tx, r.id, None, false).await?;
            continue;
        };
        reminder(core, tx, &mut cache, &plan, r, now, &mut report).await?;
    }
    Ok(report)
}

fn due_at(r: &DueRecipient) -> Result<DateTime<Utc>, StoreError> {
    r.due_at
        .map(|t| t.0)
        .ok_or_else(|| StoreError::Invalid(format!("recipient {} has no due time", r.id)))
}

async fn lesson_slot(
    core: &Core,
    tx: &mut Tx<'_>,
    cache: &mut Cache,
    plan: &Plan,
    r: &DueRecipient,
    now: DateTime<Utc>,
    report: &mut TickReport,
) -> Result<(), EngineError> {
    if plan.ended(now) {
        Store::set_campaign_state(tx, plan.id, CampaignState::Finished).await?;
        return Ok(());
    }
    let member_zone = r.member_zone.as_deref();
    let quiet = cache.quiet(core, tx, plan.tenant_id).await?;
    let next = |after| plan.next_slot(after, member_zone, quiet);
    // Missed: the slot passed while the engine was not running (not merely a busy fan-out).
    let due = due_at(r)?;
    let missed =
        due < core.started_at && now - due > Duration::seconds(core.campaigns.late_after_secs);
    if missed && plan.catch_up == CatchUp::Skip {
        Store::advance_recipient(tx, r.id, next(now), false, false, now).await?;
        report.skipped += 1;
        return Ok(());
    }
    if r.recipient_kind == RecipientKind::Member {
        let snoozed = r.snoozed_until.map(|t| t.0);
        let zone = plan.quiet_zone(member_zone);
        let hold = if r.paused == Some(true) {
            next(now)
        } else if let Some(until) = snoozed.filter(|u| *u > now) {
            next(until)
        } else {
            quiet
                .map(|q| q.next_allowed(now, zone))
                .filter(|a| *a > now)
        };
        if hold.is_some() {
            Store::advance_recipient(tx, r.id, hold, false, false, now).await?;
            report.held += 1;
            return Ok(());
        }
    }
    let Some(platform) = Platform::parse(&r.platform) else {
        tracing::error!(recipient = r.id, platform = %r.platform, "campaign recipient on an unknown platform: parked");
        return Ok(Store::set_recipient_due(tx, r.id, None).await?);
    };
    let recipient = if r.recipient_kind == RecipientKind::Member {
        Recipient::Member(UserRef {
            id: r.recipient.clone(),
            name: r.member_name.clone().unwrap_or_else(|| r.recipient.clone()),
            time_zone: r.member_zone.clone(),
            is_lead: false,
            is_moderator: false,
        })
    } else {
        Recipient::Channel(r.recipient.clone())
    };
    let push = PushLesson {
        platform,
        tenant: r.tenant_external_id.clone(),
        recipient,
        lesson: LessonChoice::NextIn(plan.course.clone()),
        origin: format!("campaign:{}", plan.id),
    };
    let outcome = match apply_push(core, tx, &push, now).await {
        Ok(applied) => applied.value,
        Err(e @ (EngineError::UnknownCourse(_) | EngineError::UnknownLesson(_))) => {
            // The course left the catalog (renamed, broken file): try again at the next slot.
            tracing::error!(campaign = plan.id.0, error = %e, "campaign course unavailable: slot skipped");
            Store::advance_recipient(tx, r.id, next(now), false, false, now).await?;
            return Ok(());
        }
        Err(e) => return Err(e),
    };
    let following = next(now);
    match outcome {
        PushOutcome::Queued { .. } => {
            Store::advance_recipient(tx, r.id, following, true, following.is_none(), now).await?;
            report.lessons += 1;
        }
        PushOutcome::CourseFinished if plan.when_done == WhenDone::Finish => {
            Store::advance_recipient(tx, r.id, None, false, true, now).await?;
            report.finished += 1;
            if !plan.dm {
                Store::set_campaign_state(tx, plan.id, CampaignState::Finished).await?;
            }
        }
        PushOutcome::CourseFinished | PushOutcome::AlreadyDelivered => {
            Store::advance_recipient(tx, r.id, following, false, following.is_none(), now).await?;
        }
    }
    if following.is_none() {
        // The campaign's window is over (its end date is the same instant for every recipient).
        Store::set_campaign_state(tx, plan.id, CampaignState::Finished).await?;
    }
    Ok(())
}

async fn reminder(
    core: &Core,
    tx: &mut Tx<'_>,
    cache: &mut Cache,
    plan: &Plan,
    r: &DueRecipient,
    now: DateTime<Utc>,
    report: &mut TickReport,
) -> Result<(), EngineError> {
    let Some(member_id) = r.member_id else {
        return Ok(Store::set_next_reminder(tx, r.id, None, false).await?);
    };
    let member = MemberRef {
        tenant_id: plan.tenant_id,
        member_id,
    };
    let catalog = core.catalog.current();
    let (done, total) =
        crate::engine::campaigns::lifecycle::course_progress(tx, &catalog, &plan.course, &member)
            .await?;
    if done >= total {
        return Ok(Store::set_next_reminder(tx, r.id, None, false).await?);
    }
    let zone = plan.quiet_zone(r.member_zone.as_deref());
    // A paused or snoozed learner is not reminded either; quiet hours hold the reminder too.
    let snoozed = r.snoozed_until.map(|t| t.0);
    let every = Duration::days(core.campaigns.remind_every_days.max(1));
    let hold = if r.paused == Some(true) {
        Some(now + every)
    } else if let Some(until) = snoozed.filter(|u| *u > now) {
        Some(until)
    } else {
        cache
            .quiet(core, tx, plan.tenant_id)
            .await?
            .map(|q| q.next_allowed(now, zone))
            .filter(|a| *a > now)
    };
    if hold.is_some() {
        return Ok(Store::set_next_reminder(tx, r.id, hold, false).await?);
    }
    let title = catalog
        .course(&plan.course)
        .map_or(plan.course.clone(), |c| c.title.clone());
    let due = plan.due_on.map(|d| d.to_string()).unwrap_or_default();
    let overdue = plan
        .due_on
        .is_some_and(|d| d < now.with_timezone(&zone).date_naive());
    let text = if overdue {
        format!(
            "⏰ “{title}” was due on {due}. You've done {done} of {total} lessons: `/learn {}` picks up where you left off.",
            plan.course
        )
    } else {
        format!(
            "⏰ Reminder: “{title}” is due on {due}. You've done {done} of {total} lessons: `/learn {}` sends the next one now.",
            plan.course
        )
    };
    let key = format!("remind:{}:{}", r.id, r.reminders_sent);
    let to = Destination::Member {
        user: r.recipient.clone(),
    };
    crate::engine::core::deliver::queue(tx, plan.tenant_id, &key, &to, &Message::text(text), now)
        .await?;
    Store::set_next_reminder(tx, r.id, Some(now + every), true).await?;
    report.reminders += 1;
    Ok(())
}
