//! Runs the campaigns feature's commands: learners' `/nibble snooze|pause|resume` and the team's
//! quiet hours here; the team lead's `/nibble campaign …` in `manage`.

use crate::chat::Reply;
use crate::command::CampaignCommand;
use crate::command::campaigns::CAMPAIGN_USAGE;
use crate::engine::campaigns::enrol::tenant_quiet;
use crate::engine::campaigns::plan::Plan;
use crate::engine::core::applied::Applied;
use crate::engine::core::ctx::Ctx;
use crate::engine::core::errors::EngineError;
use crate::engine::core::reply::say;
use crate::engine::core::state::Core;
use crate::scheduler::QuietHours;
use crate::store::{MemberRef, Store, Tx};
use chrono::{DateTime, Duration, Utc};

pub(crate) async fn execute(
    ctx: &mut Ctx<'_, '_>,
    command: CampaignCommand,
) -> Result<Applied<Reply>, EngineError> {
    match command {
        CampaignCommand::Snooze(length) => snooze(ctx, length).await,
        CampaignCommand::PauseLessons => hold(ctx, true).await,
        CampaignCommand::ResumeLessons => hold(ctx, false).await,
        CampaignCommand::QuietHours(hours) => quiet_hours(ctx, hours).await,
        CampaignCommand::Help => say(CAMPAIGN_USAGE),
        CampaignCommand::List => super::views::list(ctx.tx, ctx.member.tenant_id).await,
        CampaignCommand::Create(create) => super::manage::create(ctx, *create).await,
        CampaignCommand::Manage { action, campaign } => {
            super::manage::manage(ctx, action, &campaign).await
        }
    }
}

/// Holds the learner's campaign lessons for `length`; None lifts the snooze.
async fn snooze(
    ctx: &mut Ctx<'_, '_>,
    length: Option<Duration>,
) -> Result<Applied<Reply>, EngineError> {
    let Some(length) = length else {
        Store::set_member_snooze(ctx.tx, ctx.member.member_id, None).await?;
        reschedule_member(ctx.core, ctx.tx, &ctx.member, ctx.now).await?;
        return say("Snooze lifted: your campaign lessons continue at the next slot.");
    };
    let until = ctx.now + length;
    Store::set_member_snooze(ctx.tx, ctx.member.member_id, Some(until)).await?;
    // A shorter snooze than before must bring the next lesson forward again.
    reschedule_member(ctx.core, ctx.tx, &ctx.member, until).await?;
    say(format!(
        "😴 Snoozed: no campaign lessons until {} (UTC). `/nibble snooze off` ends it early.",
        until.format("%a %d %b %H:%M")
    ))
}

async fn hold(ctx: &mut Ctx<'_, '_>, paused: bool) -> Result<Applied<Reply>, EngineError> {
    Store::set_member_paused(ctx.tx, ctx.member.member_id, paused).await?;
    say(if paused {
        "⏸️ Paused: campaigns won't send you lessons until you `/nibble resume`. `/learn` still works."
    } else {
        "▶️ Resumed: your campaign lessons continue at the next slot (one at a time, no backlog)."
    })
}

async fn quiet_hours(
    ctx: &mut Ctx<'_, '_>,
    hours: Option<QuietHours>,
) -> Result<Applied<Reply>, EngineError> {
    let text = hours.map_or("off".to_string(), |q| q.to_string());
    Store::set_tenant_quiet_hours(ctx.tx, ctx.member.tenant_id, &text).await?;
    say(match hours {
        Some(q) => format!(
            "🌙 Quiet hours set to {q}: campaign DMs wait until they end, in each learner's own time zone."
        ),
        None => "Quiet hours are off: campaign DMs go out at their scheduled times.".into(),
    })
}

/// Moves the member's campaign lessons to their first slot after `after`.
pub(crate) async fn reschedule_member(
    core: &Core,
    tx: &mut Tx<'_>,
    member: &MemberRef,
    after: DateTime<Utc>,
) -> Result<(), EngineError> {
    let quiet = tenant_quiet(core, tx, member.tenant_id).await?;
    for (recipient_id, campaign_id, zone) in Store::member_recipients(tx, member.member_id).await? {
        if let Some(rec) = Store::campaign(tx, campaign_id).await? {
            let plan = Plan::from_record(&rec)?;
            let next = plan.next_slot(after, zone.as_deref(), quiet);
            Store::set_recipient_due(tx, recipient_id, next).await?;
        }
    }
    Ok(())
}
