//! The scheduler's community work: due prompt and check-in schedules open threads, due digests
//! post the week's threads, reply counts, featured replies, newcomers and unanswered questions.

use crate::chat::{Destination, Message};
use crate::engine::core::errors::EngineError;
use crate::engine::core::state::Core;
use crate::engine::core::text::channel_ref;
use crate::engine::core::text::clip;
use crate::engine::core::text::plural;
use crate::engine::core::threads::Opening;
use crate::engine::core::threads::open;
use crate::scheduler::Schedule;
use crate::store::{Digest, ScheduleKind, Store, StoreError, ThreadKind, Tx};
use chrono::{DateTime, Duration, Utc};

/// A digest message's length limit: inside Discord's 2,000 characters and a Slack section's 3,000.
const DIGEST_PART: usize = 1800;

/// Fires due schedules (up to `limit`); returns (threads opened, digests posted, more due?).
pub(crate) async fn community_tick(
    core: &Core,
    tx: &mut Tx<'_>,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<(usize, usize, bool), EngineError> {
    let due = Store::due_community_schedules(tx, now, limit).await?;
    let (mut threads, mut digests) = (0, 0);
    let catalog = core.catalog.current();
    for s in &due {
        let slot = s.next_at.map(|t| t.to_string()).unwrap_or_default();
        let key = format!("community:{}:{slot}", s.id);
        // Slots missed while nibble was down are not caught up: the next one is after now.
        let next = Schedule::parse(&s.cron, &s.time_zone)
            .ok()
            .and_then(|sch| sch.next_after(now));
        match s.kind {
            ScheduleKind::Digest => {
                post_digest(tx, s.tenant_id, &s.channel, &key, now).await?;
                digests += 1;
            }
            kind => {
                let course = catalog.course(&s.course_id);
                let list = match (kind, course) {
                    (ScheduleKind::Prompts, Some(c)) if !c.prompts.is_empty() => &c.prompts,
                    (ScheduleKind::Prompts, _) => &core.communities.prompts,
                    _ => &core.communities.checkin_prompts,
                };
                let Some(prompt) = list.get(s.position as usize % list.len().max(1)) else {
                    continue;
                };
                let (kind, icon) = if kind == ScheduleKind::Checkins {
                    (ThreadKind::Checkin, "🔄 **Check-in**")
                } else {
                    (ThreadKind::Prompt, "💬 **Discussion**")
                };
                let opening = Opening {
                    tenant_id: s.tenant_id,
                    kind,
                    channel: &s.channel,
                    title: prompt,
                    text: format!("{icon}: {prompt}\nReply in the thread 🧵"),
                    author_id: None,
                    course_id: course.map(|c| c.id.as_str()),
                    lesson_id: None,
                    reflection: false,
                    key,
                };
                open(tx, &opening, now).await?;
                threads += 1;
            }
        }
        Store::advance_community_schedule(tx, s.id, next).await?;
    }
    Ok((threads, digests, due.len() as i64 >= limit))
}

/// Queues the digest of the 7 days before `now` to a channel; returns how many messages it took.
pub(crate) async fn post_digest(
    tx: &mut Tx<'_>,
    tenant_id: i64,
    channel: &str,
    key: &str,
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    let digest = Store::digest(tx, tenant_id, now - Duration::days(7), now).await?;
    let parts = pack(&digest_lines(&digest, now), DIGEST_PART);
    let to = Destination::Channel {
        channel: channel.to_string(),
    };
    for (i, text) in parts.iter().enumerate() {
        let message = Message::text(text);
        crate::engine::core::deliver::queue(
            tx,
            tenant_id,
            &format!("{key}:{i}"),
            &to,
            &message,
            now,
        )
        .await?;
    }
    Ok(parts.len())
}

pub(crate) fn digest_lines(d: &Digest, now: DateTime<Utc>) -> Vec<String> {
    let mut lines = vec![format!(
        "📰 **Community digest**: the week to {}",
        now.format("%a %d %b %Y")
    )];
    if d.threads.is_empty() && d.unanswered.is_empty() {
        lines.push(
            "A quiet week: no discussion threads. `/share` a story or `/ask` a question!".into(),
        );
        return lines;
    }
    let replies: i64 = d.threads.iter().map(|t| t.replies).sum();
    lines.push(format!(
        "**Threads** ({}, {replies} replies this week)",
        d.threads.len()
    ));
    for t in &d.threads {
        lines.push(format!(
            "• “{}” in {} ({}): {} from {}",
            clip(&t.title, 90),
            channel_ref(&t.channel),
            t.kind,
            plural(t.replies, "reply", "replies"),
            plural(t.members, "member", "members")
        ));
    }
    if !d.featured.is_empty() {
        lines.push(format!("**Featured replies** ⭐ ({})", d.featured.len()));
        for f in &d.featured {
            lines.push(format!(
                "• <@{}> in “{}”",
                f.external_id,
                clip(&f.title, 70)
            ));
        }
    }
    if !d.newcomers.is_empty() {
        lines.push(format!(
            "**First time taking part** 👋 ({}): {}",
            d.newcomers.len(),
            d.newcomers
                .iter()
                .map(|(id, _)| format!("<@{id}>"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if !d.unanswered.is_empty() {
        lines.push(format!(
            "**Questions waiting for an answer** ❓ ({})",
            d.unanswered.len()
        ));
        for q in &d.unanswered {
            lines.push(format!(
                "• “{}” in {}",
                clip(&q.title, 90),
                channel_ref(&q.channel)
            ));
        }
    }
    lines
}

/// Packs lines into messages of at most `max` characters, never splitting a line (lines are
/// clipped well below `max`); continuation parts say so.
pub(crate) fn pack(lines: &[String], max: usize) -> Vec<String> {
    let mut parts: Vec<String> = Vec::new();
    let mut current = String::new();
    for line in lines {
        let line = clip(line, max / 2);
        if !current.is_empty() && current.chars().count() + 1 + line.chars().count() > max {
            parts.push(std::mem::take(&mut current));
            current.push_str("(continued)");
        }
        if !current.is_empty() {
            current.push('\n');
        }
        current.push_str(&line);
    }
    if !current.is_empty() {
        parts.push(current);
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packs_long_digests_into_parts_within_the_limit() {
        let lines: Vec<String> = (0..300)
            .map(|i| format!("• thread number {i} with some words"))
            .collect();
        let parts = pack(&lines, 1800);
        assert!(parts.len() > 3, "{}", parts.len());
        for p in &parts {
            assert!(p.chars().count() <= 1800, "{}", p.chars().count());
        }
        let joined = parts.join("\n");
        for l in &lines {
            assert!(joined.contains(l.as_str()), "{l} lost");
        }
        assert!(parts[1].starts_with("(continued)"));
    }
}
