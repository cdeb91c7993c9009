//! Moderators' community settings for a channel: prompt, check-in and digest schedules, and where
//! stories and questions are posted.

use crate::chat::Reply;
use crate::command::community_schedule::{NO_SUCH_SCHEDULE, bad_schedule, schedule_usage};
use crate::command::{Cadence, CommunitySetting};
use crate::engine::core::applied::Applied;
use crate::engine::core::ctx::Ctx;
use crate::engine::core::errors::EngineError;
use crate::engine::core::reply::{say, say_queued};
use crate::scheduler::{Schedule, parse_zone};
use crate::store::{MemberRef, ScheduleKind, Store, Tx};

/// `/nibble prompts|checkins|digest|community|unschedule|stories-channel|qa-channel …`
pub(crate) async fn apply(
    ctx: &mut Ctx<'_, '_>,
    setting: CommunitySetting,
) -> Result<Applied<Reply>, EngineError> {
    let tenant_id = ctx.member.tenant_id;
    let channel = &ctx.event.channel;
    match setting {
        CommunitySetting::StoriesChannel => {
            Store::set_community_channel(ctx.tx, tenant_id, "stories", "", channel).await?;
            say("`/share` stories will be posted in this channel.")
        }
        CommunitySetting::QaChannel { course } => {
            let course = course.unwrap_or_default();
            if !course.is_empty() && ctx.catalog.course(&course).is_none() {
                return say(format!("There's no course `{course}`."));
            }
            Store::set_community_channel(ctx.tx, tenant_id, "qa", &course, channel).await?;
            let scope = if course.is_empty() {
                "any course".to_string()
            } else {
                format!("`{course}`")
            };
            say(format!(
                "`/ask` questions about {scope} will be posted in this channel."
            ))
        }
        CommunitySetting::Schedules => say(listing(ctx.tx, &ctx.member).await?),
        CommunitySetting::Unschedule { id } => {
            if Store::delete_community_schedule(ctx.tx, tenant_id, id).await? {
                say(format!("Schedule {id} stopped."))
            } else {
                say(NO_SUCH_SCHEDULE)
            }
        }
        CommunitySetting::DigestNow => {
            let queued = crate::engine::community::tick::post_digest(
                ctx.tx,
                tenant_id,
                channel,
                &format!("digest-now:{}", ctx.event.key),
                ctx.now,
            )
            .await?;
            say_queued(format!("Digest posted here ({queued} message(s))."))
        }
        CommunitySetting::Prompts { course, cadence } => {
            let course = course.unwrap_or_default();
            match ctx.catalog.course(&course) {
                None if !course.is_empty() => {
                    return say(format!(
                        "There's no course `{course}`.\n{}",
                        schedule_usage("prompts")
                    ));
                }
                Some(c) if c.prompts.is_empty() => {
                    return say(format!(
                        "Course `{course}` has no prompts.toml: use `general` for the configured prompts, or add one."
                    ));
                }
                _ => {}
            }
            match cadence {
                Ok(cadence) => schedule(ctx, ScheduleKind::Prompts, &course, cadence).await,
                Err(e) => say(e.message),
            }
        }
        CommunitySetting::CheckIns(cadence) => {
            schedule(ctx, ScheduleKind::Checkins, "", cadence).await
        }
        CommunitySetting::Digest(cadence) => schedule(ctx, ScheduleKind::Digest, "", cadence).await,
    }
}

/// Sets (or replaces) this channel's schedule of `kind` (for `course`: empty for none or general).
async fn schedule(
    ctx: &mut Ctx<'_, '_>,
    kind: ScheduleKind,
    course: &str,
    cadence: Cadence,
) -> Result<Applied<Reply>, EngineError> {
    // No zone given: the moderator's own, else the configured one.
    let zone = match cadence.zone {
        Some(zone) => zone,
        None => {
            let name = ctx
                .event
                .user
                .time_zone
                .clone()
                .unwrap_or_else(|| ctx.core.recognition.time_zone.clone());
            match parse_zone(&name) {
                Ok(zone) => zone,
                Err(e) => return say(bad_schedule(&e, kind.as_str())),
            }
        }
    };
    let schedule = Schedule {
        cron: cadence.cron,
        zone,
    };
    let Some(next) = schedule.next_after(ctx.now) else {
        return say("That schedule never fires.");
    };
    let (cron, zone) = (cadence.text.as_str(), zone.name());
    let id = Store::upsert_community_schedule(
        ctx.tx,
        ctx.member.tenant_id,
        &ctx.event.channel,
        kind,
        course,
        (cron, zone),
        next,
        &ctx.event.user.id,
        ctx.now,
    )
    .await?;
    let first = next
        .with_timezone(&schedule.zone)
        .format("%a %d %b %Y %H:%M %Z");
    say(format!(
        "Schedule {id}: {kind} in this channel on `{cron}` ({zone}). First: {first}."
    ))
}

async fn listing(tx: &mut Tx<'_>, member: &MemberRef) -> Result<String, EngineError> {
    let schedules = Store::community_schedules(tx, member.tenant_id).await?;
    let mut lines = vec!["**Community schedules**".to_string()];
    for s in &schedules {
        let course = if s.course_id.is_empty() {
            String::new()
        } else {
            format!(" ({})", s.course_id)
        };
        lines.push(format!(
            "• {} {}{course} in {}: `{}` {}, next {}",
            s.id,
            s.kind,
            crate::engine::core::text::channel_ref(&s.channel),
            s.cron,
            s.time_zone,
            s.next_at
                .map_or_else(|| "never".to_string(), |t| t.to_string())
        ));
    }
    if schedules.is_empty() {
        lines.push("None yet: `/nibble prompts`, `/nibble checkins` or `/nibble digest` in a channel sets one.".into());
    }
    Ok(lines.join("\n"))
}
