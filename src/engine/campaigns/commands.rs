//! `/nibble campaign …` and `/nibble quiet-hours` for team leads; `/nibble snooze|pause|resume` for learners.

use crate::chat::{Event, Message, Reply};
use crate::command::values::parse_length;
use crate::engine::campaigns::enrol::tenant_quiet;
use crate::engine::campaigns::lifecycle::{CAMPAIGN_USAGE, create, find, spec_from_words};
use crate::engine::campaigns::plan::Plan;
use crate::engine::campaigns::views::{list, show};
use crate::engine::core::applied::Applied;
use crate::engine::core::errors::EngineError;
use crate::engine::core::reply::say;
use crate::engine::core::state::Core;
use crate::scheduler::QuietHours;
use crate::store::{CampaignRecord, MemberRef, NewRecipient, Store, Tx};
use chrono::{DateTime, Utc};

const NOT_A_LEAD: &str = "Only team leads can manage campaigns and quiet hours. Slack workspace admins \
and owners are team leads, as are members listed in nibble's config; on Discord, members with Manage \
Server or a team-lead role.";

/// Learner and team-lead subcommands of `/nibble`; None when `sub` is not one of them.
pub(crate) async fn apply(
    core: &Core,
    tx: &mut Tx<'_>,
    event: &Event,
    member: &MemberRef,
    sub: &str,
    rest: &str,
    now: DateTime<Utc>,
) -> Option<Result<Applied<Reply>, EngineError>> {
    Some(match sub {
        "snooze" => snooze(core, tx, member, rest, now).await,
        "pause" => hold(tx, member, true).await,
        "resume" => hold(tx, member, false).await,
        "campaign" | "campaigns" | "quiet-hours" if !event.user.is_lead => say(NOT_A_LEAD),
        "quiet-hours" => quiet_hours(tx, member, rest).await,
        "campaign" | "campaigns" => campaign(core, tx, event, member, rest, now).await,
        _ => return None,
    })
}

async fn snooze(
    core: &Core,
    tx: &mut Tx<'_>,
    member: &MemberRef,
    rest: &str,
    now: DateTime<Utc>,
) -> Result<Applied<Reply>, EngineError> {
    if rest.trim() == "off" {
        Store::set_member_snooze(tx, member.member_id, None).await?;
        reschedule_member(core, tx, member, now).await?;
        return say("Snooze lifted: your campaign lessons continue at the next slot.");
    }
    let Some(length) = parse_length(rest) else {
        return say(
            "Snooze for how long? For example `/nibble snooze 3d` (hours `h`, days `d` or weeks `w`, up to 12 weeks), or `/nibble snooze off`.",
        );
    };
    let until = now + length;
    Store::set_member_snooze(tx, member.member_id, Some(until)).await?;
    // A shorter snooze than before must bring the next lesson forward again.
    reschedule_member(core, tx, member, until).await?;
    say(format!(
        "😴 Snoozed: no campaign lessons until {} (UTC). `/nibble snooze off` ends it early.",
        until.format("%a %d %b %H:%M")
    ))
}

async fn hold(
    tx: &mut Tx<'_>,
    member: &MemberRef,
    paused: bool,
) -> Result<Applied<Reply>, EngineError> {
    Store::set_member_paused(tx, member.member_id, paused).await?;
    say(if paused {
        "⏸️ Paused: campaigns won't send you lessons until you `/nibble resume`. `/learn` still works."
    } else {
        "▶️ Resumed: your campaign lessons continue at the next slot (one at a time, no backlog)."
    })
}

async fn quiet_hours(
    tx: &mut Tx<'_>,
    member: &MemberRef,
    rest: &str,
) -> Result<Applied<Reply>, EngineError> {
    match QuietHours::parse(rest) {
        Ok(q) if !rest.trim().is_empty() => {
            let text = q.map_or("off".to_string(), |q| q.to_string());
            Store::set_tenant_quiet_hours(tx, member.tenant_id, &text).await?;
            say(match q {
                Some(q) => format!(
                    "🌙 Quiet hours set to {q}: campaign DMs wait until they end, in each learner's own time zone."
                ),
                None => "Quiet hours are off: campaign DMs go out at their scheduled times.".into(),
            })
        }
        Ok(_) => say("Usage: `/nibble quiet-hours 20:00-08:00` or `/nibble quiet-hours off`."),
        Err(e) => say(format!("{e}.")),
    }
}

async fn campaign(
    core: &Core,
    tx: &mut Tx<'_>,
    event: &Event,
    member: &MemberRef,
    rest: &str,
    now: DateTime<Utc>,
) -> Result<Applied<Reply>, EngineError> {
    let rest = rest.trim();
    let (verb, args) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
    let tenant_id = member.tenant_id;
    if verb == "create" {
        let spec = match spec_from_words(args, event, now) {
            Ok(spec) => spec,
            Err(e) => return say(format!("Campaign not created: {e}.\n{CAMPAIGN_USAGE}")),
        };
        return match create(core, tx, tenant_id, &spec, &event.user.id, now).await? {
            Ok((_, text)) => Ok(Applied::new(Reply::Ephemeral(Message::text(text)), false)),
            Err(text) => say(format!("Campaign not created: {text}")),
        };
    }
    if verb == "list" {
        return list(tx, tenant_id).await;
    }
    if !matches!(verb, "show" | "pause" | "resume" | "stop" | "send-next") {
        return say(CAMPAIGN_USAGE);
    }
    let Some(rec) = find(tx, tenant_id, args).await? else {
        return say(format!(
            "There is no campaign `{}` here: `/nibble campaign list` shows them.",
            args.trim()
        ));
    };
    match verb {
        "show" => show(core, tx, &rec, now).await,
        "pause" if rec.state == "active" => {
            Store::set_campaign_state(tx, rec.id, "paused").await?;
            say(format!(
                "⏸️ Campaign #{} “{}” paused. `/nibble campaign resume {}` continues it.",
                rec.id, rec.name, rec.id
            ))
        }
        "resume" if rec.state == "paused" || rec.state == "draft" => {
            resume(core, tx, &rec, now).await
        }
        "stop" if rec.state != "finished" => {
            Store::set_campaign_state(tx, rec.id, "finished").await?;
            say(format!(
                "⏹️ Campaign #{} “{}” stopped. Nothing more will be sent.",
                rec.id, rec.name
            ))
        }
        "send-next" if rec.state == "active" => {
            let mut n = 0;
            for r in Store::recipients_of(tx, rec.id).await? {
                if r.recipient_state == "active" {
                    Store::set_recipient_due(tx, r.id, Some(now)).await?;
                    n += 1;
                }
            }
            say(format!(
                "📤 Sending the next lesson of “{}” to {n} recipient(s) now (quiet hours and learners' pauses still apply).",
                rec.name
            ))
        }
        _ => say(format!(
            "Campaign #{} “{}” is {}: it cannot {verb}.",
            rec.id, rec.name, rec.state
        )),
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
    if rec.state == "draft" && !plan.dm {
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
            .as_deref()
            .is_none_or(|d| d < crate::store::ts(now).as_str());
        // Never scheduled (enrolled while draft or paused): their due-date reminders start now too.
        if r.member_id.is_some() && r.due_at.is_none() {
            let remind = plan.first_reminder(now, core.campaigns.remind_days_before);
            Store::set_next_reminder(tx, r.id, remind, false).await?;
        }
        if r.recipient_state == "active" && stale {
            let next = plan.next_slot(now, r.member_zone.as_deref(), quiet);
            Store::set_recipient_due(tx, r.id, next).await?;
        }
    }
    Store::set_campaign_state(tx, rec.id, "active").await?;
    say(format!(
        "▶️ Campaign #{} “{}” is active. Next sends follow its schedule.",
        rec.id, rec.name
    ))
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
