//! The team lead's `/nibble campaign …` (and the command line's `nibble campaign`): create, and
//! show, pause, resume, stop or send-next one campaign.

use crate::chat::Reply;
use crate::command::campaign_spec::{CreateCampaign, not_created};
use crate::command::{CampaignAction, CampaignRef};
use crate::engine::campaigns::enrol::tenant_quiet;
use crate::engine::campaigns::lifecycle::{create as create_campaign, find_ref};
use crate::engine::campaigns::plan::Plan;
use crate::engine::campaigns::views::show;
use crate::engine::core::applied::{Applied, CommandStatus};
use crate::engine::core::ctx::Ctx;
use crate::engine::core::errors::EngineError;
use crate::engine::core::reply::{say, say_as};
use crate::engine::core::state::Core;
use crate::scheduler::local_date;
use crate::store::{CampaignRecord, CampaignState, NewRecipient, RecipientState, Store, Tx};
use chrono::{DateTime, SubsecRound, Utc};

/// Creates the campaign where the command was typed (its default channel), starting today unless
/// told otherwise.
pub(crate) async fn create(
    ctx: &mut Ctx<'_, '_>,
    request: CreateCampaign,
) -> Result<Applied<Reply>, EngineError> {
    let now = ctx.now;
    let event = ctx.event;
    let spec = match request.into_spec(&event.channel, event.is_dm, |zone| local_date(now, zone)) {
        Ok(spec) => spec,
        Err(e) => return say_as(CommandStatus::Invalid, not_created(&e)),
    };
    let tenant_id = ctx.member.tenant_id;
    match create_campaign(ctx.core, ctx.tx, tenant_id, &spec, &event.user.id, now).await? {
        Ok((_, text)) => say(text),
        Err(text) => say_as(
            CommandStatus::Invalid,
            format!("Campaign not created: {text}"),
        ),
    }
}

pub(crate) async fn manage(
    ctx: &mut Ctx<'_, '_>,
    action: CampaignAction,
    campaign: &CampaignRef,
) -> Result<Applied<Reply>, EngineError> {
    let Some(rec) = find_ref(ctx.tx, ctx.member.tenant_id, campaign).await? else {
        return say_as(
            CommandStatus::NotFound,
            format!(
                "There is no campaign `{}` here: `/nibble campaign list` shows them.",
                campaign.typed
            ),
        );
    };
    let (core, now) = (ctx.core, ctx.now);
    let tx = &mut *ctx.tx;
    match action {
        CampaignAction::Show => show(core, tx, &rec, now).await,
        CampaignAction::Pause if rec.state == CampaignState::Active => {
            Store::set_campaign_state(tx, rec.id, CampaignState::Paused).await?;
            say(format!(
                "⏸️ Campaign #{} “{}” paused. `/nibble campaign resume {}` continues it.",
                rec.id, rec.name, rec.id
            ))
        }
        CampaignAction::Resume
            if matches!(rec.state, CampaignState::Paused | CampaignState::Draft) =>
        {
            resume(core, tx, &rec, now).await
        }
        CampaignAction::Stop if rec.state != CampaignState::Finished => {
            Store::set_campaign_state(tx, rec.id, CampaignState::Finished).await?;
            say(format!(
                "⏹️ Campaign #{} “{}” stopped. Nothing more will be sent.",
                rec.id, rec.name
            ))
        }
        CampaignAction::SendNext if rec.state == CampaignState::Active => {
            let mut n = 0;
            for r in Store::recipients_of(tx, rec.id).await? {
                if r.recipient_state == RecipientState::Active {
                    Store::set_recipient_due(tx, r.id, Some(now)).await?;
                    n += 1;
                }
            }
            say(format!(
                "📤 Sending the next lesson of “{}” to {n} recipient(s) now (quiet hours and learners' pauses still apply).",
                rec.name
            ))
        }
        _ => say_as(
            CommandStatus::Unchanged,
            format!(
                "Campaign #{} “{}” is {}: it cannot {}.",
                rec.id,
                rec.name,
                rec.state,
                action.as_str()
            ),
        ),
    }
}

async fn resume(
    core: &Core,
    tx: &mut Tx<'_>,
    rec: &CampaignRecord,
    now: DateTime<Utc>,
) -> Result<Applied<Reply>, EngineError> {
    let plan = Plan::from_record(rec)?;
    let quiet = tenant_quiet(core, tx, rec.tenant_id).await?;
    if rec.state == CampaignState::Draft && !plan.dm {
        let channel = rec.channel.clone().unwrap_or_default();
        Store::enroll(
            tx,
            &NewRecipient {
                campaign_id: rec.id,
                recipient: &channel,
                member_id: None,
                next_due_at: None,
                next_reminder_at: None,
            },
            now,
        )
        .await?;
    }
    // Missed slots while paused are not sent as a backlog: everyone resumes at their next slot.
    for r in Store::recipients_of(tx, rec.id).await? {
        let stale = r
            .due_at
            // As stored: to the millisecond.
            .is_none_or(|d| d.0 < now.trunc_subsecs(3));
        // Never scheduled (enrolled while draft or paused): their due-date reminders start now too.
        if r.member_id.is_some() && r.due_at.is_none() {
            let remind = plan.first_reminder(now, core.campaigns.remind_days_before);
            Store::set_next_reminder(tx, r.id, remind, false).await?;
        }
        if r.recipient_state == RecipientState::Active && stale {
            let next = plan.next_slot(now, r.member_zone.as_deref(), quiet);
            Store::set_recipient_due(tx, r.id, next).await?;
        }
    }
    Store::set_campaign_state(tx, rec.id, CampaignState::Active).await?;
    say(format!(
        "▶️ Campaign #{} “{}” is active. Next sends follow its schedule.",
        rec.id, rec.name
    ))
}
