//! Moderators' community settings for a channel: prompt, check-in and digest schedules, and where
//! stories and questions are posted.

use crate::chat::{Event, Reply};
use crate::command::values::unquote;
use crate::engine::core::applied::Applied;
use crate::engine::core::errors::EngineError;
use crate::engine::core::reply::{say, say_queued};
use crate::engine::core::state::Core;
use crate::scheduler::Schedule;
use crate::store::{MemberRef, Store, Tx};
use chrono::{DateTime, Utc};

/// Splits `"<cron>" [zone]` (or `daily|weekly [zone]`) into the cron expression and the rest.
fn cron_and_rest(args: &str) -> Option<(String, &str)> {
    let args = args.trim();
    if let Some(inner) = args.strip_prefix(['"', '“']) {
        let end = inner.find(['"', '”'])?;
        let close = inner[end..].chars().next().map_or(1, char::len_utf8);
        return Some((inner[..end].trim().to_string(), inner[end + close..].trim()));
    }
    let (word, rest) = args.split_once(char::is_whitespace).unwrap_or((args, ""));
    let cron = match word.to_lowercase().as_str() {
        "daily" => "0 9 * * *",
        "weekly" => "0 9 * * Mon",
        "weekdays" => "0 9 * * Mon-Fri",
        _ => return None,
    };
    Some((cron.to_string(), rest.trim()))
}

/// `/nibble prompts|checkins|digest|community|unschedule|stories-channel|qa-channel …`
pub(crate) async fn apply(
    core: &Core,
    tx: &mut Tx<'_>,
    event: &Event,
    member: &MemberRef,
    (verb, rest): (&str, &str),
    now: DateTime<Utc>,
) -> Result<Applied<Reply>, EngineError> {
    if !event.user.is_moderator {
        return say("Only community moderators can change community schedules and channels.");
    }
    let catalog = core.catalog.current();
    match verb {
        "stories-channel" => {
            Store::set_community_channel(tx, member.tenant_id, "stories", "", &event.channel)
                .await?;
            say("`/share` stories will be posted in this channel.")
        }
        "qa-channel" => {
            let course = rest.trim();
            if !course.is_empty() && catalog.course(course).is_none() {
                return say(format!("There's no course `{course}`."));
            }
            Store::set_community_channel(tx, member.tenant_id, "qa", course, &event.channel)
                .await?;
            let scope = if course.is_empty() {
                "any course".to_string()
            } else {
                format!("`{course}`")
            };
            say(format!(
                "`/ask` questions about {scope} will be posted in this channel."
            ))
        }
        "community" => say(listing(tx, member).await?),
        "unschedule" => {
            let id = rest
                .trim()
                .trim_start_matches('#')
                .parse::<i64>()
                .unwrap_or(0);
            if Store::delete_community_schedule(tx, member.tenant_id, id).await? {
                say(format!("Schedule {id} stopped."))
            } else {
                say("No such schedule: `/nibble community` lists them.")
            }
        }
        "digest" if rest.trim() == "now" => {
            let queued = crate::engine::community::tick::post_digest(
                tx,
                member.tenant_id,
                &event.channel,
                &format!("digest-now:{}", event.key),
                now,
            )
            .await?;
            say_queued(format!("Digest posted here ({queued} message(s))."))
        }
        _ => schedule(core, tx, event, member, (verb, rest), now).await,
    }
}

async fn schedule(
    core: &Core,
    tx: &mut Tx<'_>,
    event: &Event,
    member: &MemberRef,
    (verb, rest): (&str, &str),
    now: DateTime<Utc>,
) -> Result<Applied<Reply>, EngineError> {
    let usage = format!(
        "Usage: `/nibble {verb} {}\"<cron>\" [zone]` (or `daily`, `weekly`, `weekdays` instead of a cron expression)",
        if verb == "prompts" {
            "<course|general> "
        } else {
            ""
        }
    );
    let (course, rest) = if verb == "prompts" {
        let (c, r) = rest
            .trim()
            .split_once(char::is_whitespace)
            .unwrap_or((rest, ""));
        (c.trim(), r)
    } else {
        ("", rest)
    };
    let course = if course == "general" { "" } else { course };
    if verb == "prompts" {
        let catalog = core.catalog.current();
        match catalog.course(course) {
            None if !course.is_empty() => {
                return say(format!("There's no course `{course}`.\n{usage}"));
            }
            Some(c) if c.prompts.is_empty() => {
                return say(format!(
                    "Course `{course}` has no prompts.toml: use `general` for the configured prompts, or add one."
                ));
            }
            _ => {}
        }
    }
    let Some((cron, zone)) = cron_and_rest(rest) else {
        return say(usage);
    };
    let zone = unquote(zone);
    let zone = if zone.is_empty() {
        event
            .user
            .time_zone
            .clone()
            .unwrap_or_else(|| core.recognition.time_zone.clone())
    } else {
        zone.to_string()
    };
    let schedule = match Schedule::parse(&cron, &zone) {
        Ok(s) => s,
        Err(e) => return say(format!("That schedule doesn't work: {e}\n{usage}")),
    };
    let Some(next) = schedule.next_after(now) else {
        return say("That schedule never fires.");
    };
    let id = Store::upsert_community_schedule(
        tx,
        member.tenant_id,
        &event.channel,
        verb,
        course,
        (&cron, &zone),
        next,
        &event.user.id,
        now,
    )
    .await?;
    let first = next
        .with_timezone(&zone.parse::<chrono_tz::Tz>().unwrap_or(chrono_tz::UTC))
        .format("%a %d %b %Y %H:%M %Z");
    say(format!(
        "Schedule {id}: {verb} in this channel on `{cron}` ({zone}). First: {first}."
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
            s.next_at.as_deref().unwrap_or("never")
        ));
    }
    if schedules.is_empty() {
        lines.push("None yet: `/nibble prompts`, `/nibble checkins` or `/nibble digest` in a channel sets one.".into());
    }
    Ok(lines.join("\n"))
}
