//! Who a campaign reaches: enrolling members (listed, joiners, a channel's roster from the platform)
//! with their first slot, quiet hours, and campaigns declared in the config file.

use crate::chat::Event;
use crate::command::values::mention_id;
use crate::domain::campaign::RawCampaign;
use crate::engine::campaigns::lifecycle::create;
use crate::engine::campaigns::lifecycle::find;
use crate::engine::campaigns::plan::Plan;
use crate::engine::core::errors::EngineError;
use crate::engine::core::state::Core;
use crate::scheduler::{QuietHours, local_date};
use crate::store::{CampaignId, CampaignState, CampaignTarget, NewRecipient, Store, Tx};
use chrono::{DateTime, Utc};

#[allow(clippy::too_many_arguments)]
pub(crate) async fn enrol_member(
    tx: &mut Tx<'_>,
    plan: &Plan,
    user: &str,
    member_id: i64,
    zone: Option<&str>,
    quiet: Option<QuietHours>,
    core: &Core,
    now: DateTime<Utc>,
) -> Result<bool, EngineError> {
    let first = plan.next_slot(now, zone, quiet);
    let remind = plan.first_reminder(now, core.campaigns.remind_days_before);
    Ok(Store::enroll(
        tx,
        &NewRecipient {
            campaign_id: plan.id,
            recipient: user,
            member_id: Some(member_id),
            next_due_at: first,
            next_reminder_at: remind,
        },
        now,
    )
    .await?)
}

pub(crate) async fn tenant_quiet(
    core: &Core,
    tx: &mut Tx<'_>,
    tenant_id: i64,
) -> Result<Option<QuietHours>, EngineError> {
    let text = Store::tenant_quiet_hours(tx, tenant_id)
        .await?
        .unwrap_or_else(|| core.campaigns.quiet_hours.clone());
    Ok(QuietHours::parse(&text).unwrap_or(None))
}

/// A member joined a channel (or, on Discord, the server): every active DM campaign targeting it
/// starts them from lesson 1.
pub(crate) async fn on_join(
    core: &Core,
    tx: &mut Tx<'_>,
    tenant_id: i64,
    member_id: i64,
    event: &Event,
    now: DateTime<Utc>,
) -> Result<usize, EngineError> {
    let mut added = 0;
    for rec in Store::campaigns(tx, tenant_id).await? {
        // An empty channel is a join to the whole server (Discord), whose members are the roster.
        let joined_target = match &rec.channel {
            Some(c) => event.channel.is_empty() || *c == event.channel,
            None => false,
        };
        if rec.target_kind != CampaignTarget::Members
            || rec.state == CampaignState::Finished
            || !joined_target
        {
            continue;
        }
        let plan = Plan::from_record(&rec)?;
        let zone = event.user.time_zone.as_deref();
        let new = if rec.state == CampaignState::Active {
            let quiet = tenant_quiet(core, tx, tenant_id).await?;
            enrol_member(tx, &plan, &event.user.id, member_id, zone, quiet, core, now).await?
        } else {
            // Paused or draft: enrolled now, first slot set when the campaign is resumed.
            let unscheduled = NewRecipient {
                campaign_id: rec.id,
                recipient: &event.user.id,
                member_id: Some(member_id),
                next_due_at: None,
                next_reminder_at: None,
            };
            Store::enroll(tx, &unscheduled, now).await?
        };
        added += usize::from(new);
    }
    Ok(added)
}

/// Creates a campaign declared in the config file, unless the tenant has one with its name already.
pub(crate) async fn declare(
    core: &Core,
    tx: &mut Tx<'_>,
    raw: &RawCampaign,
    now: DateTime<Utc>,
) -> Result<Result<String, String>, EngineError> {
    let label = raw.name.clone().or(raw.course.clone()).unwrap_or_default();
    let Some((platform, tenant)) = raw.tenant.as_deref().and_then(|t| t.split_once(':')) else {
        return Ok(Err(format!(
            "campaign `{label}`: `tenant` must be <platform>:<id>, e.g. slack:T0123 or discord:81234"
        )));
    };
    if crate::chat::Platform::parse(platform).is_none() {
        return Ok(Err(format!(
            "campaign `{label}`: unknown platform `{platform}` (slack, discord or local)"
        )));
    }
    let mut raw = raw.clone();
    raw.channel = raw.channel.as_deref().map(mention_id);
    let spec = match raw.validate(|zone| local_date(now, zone)) {
        Ok(spec) => spec,
        Err(e) => return Ok(Err(format!("campaign `{label}`: {e}"))),
    };
    let tenant_id = Store::ensure_tenant(tx, platform, tenant, now).await?;
    if find(tx, tenant_id, &spec.name).await?.is_some() {
        return Ok(Ok(format!(
            "campaign `{}` already exists: left as it is",
            spec.name
        )));
    }
    Ok(
        match create(core, tx, tenant_id, &spec, "config", now).await? {
            Ok((_, text)) => Ok(text),
            Err(text) => Err(format!("campaign `{label}`: {text}")),
        },
    )
}

/// Enrols a channel's current members (from the platform) in a DM campaign, once.
pub(crate) async fn enrol_roster(
    core: &Core,
    tx: &mut Tx<'_>,
    campaign_id: CampaignId,
    people: &[crate::chat::UserRef],
    now: DateTime<Utc>,
) -> Result<usize, EngineError> {
    let Some(rec) = Store::campaign(tx, campaign_id).await? else {
        return Ok(0);
    };
    let plan = Plan::from_record(&rec)?;
    let quiet = tenant_quiet(core, tx, rec.tenant_id).await?;
    let mut added = 0;
    for u in people {
        let member_id = Store::ensure_member(
            tx,
            rec.tenant_id,
            &u.id,
            &u.name,
            u.time_zone.as_deref(),
            now,
        )
        .await?;
        added += usize::from(if rec.state == CampaignState::Draft {
            // A draft's members get their first slot when it is resumed.
            Store::enroll(
                tx,
                &NewRecipient {
                    campaign_id,
                    recipient: &u.id,
                    member_id: Some(member_id),
                    next_due_at: None,
                    next_reminder_at: None,
                },
                now,
            )
            .await?
        } else {
            enrol_member(
                tx,
                &plan,
                &u.id,
                member_id,
                u.time_zone.as_deref(),
                quiet,
                core,
                now,
            )
            .await?
        });
    }
    Store::mark_roster_synced(tx, campaign_id, now).await?;
    Ok(added)
}
