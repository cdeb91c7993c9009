//! Discussion threads: opening one (a message that opens a thread once posted) and tracking the
//! replies in it: counted once each, paid up to a daily cap, featured by moderators' reactions,
//! and unpaid again when deleted, shortened or taken back by a moderator.

use crate::chat::{Event, Reply};
use crate::domain::points::lesson_source;
use crate::engine::core::applied::Applied;
use crate::engine::core::errors::EngineError;
use crate::engine::core::reply::silent;
use crate::engine::core::state::Core;
use crate::store::{Award, DiscussionRow, ReplyRow, Store, ThreadState, Timestamp, Tx};
use chrono::{DateTime, Utc};

fn nothing() -> Result<Applied<Reply>, EngineError> {
    silent(false)
}

/// A message: recorded as a reply when it was posted in one of our threads.
pub(crate) async fn on_message(
    core: &Core,
    tx: &mut Tx<'_>,
    event: &Event,
    (id, text, thread): (&str, &str, Option<&str>),
    now: DateTime<Utc>,
) -> Result<Applied<Reply>, EngineError> {
    let tenant_id = Store::ensure_tenant(tx, event.platform.as_str(), &event.tenant, now).await?;
    // Slack names a thread by its parent's ts; on Discord the thread is the channel itself.
    let key = thread.unwrap_or(&event.channel);
    let Some(discussion) = Store::discussion_by_thread(tx, tenant_id, key, &event.channel).await?
    else {
        // Not a reply in one of our threads: its author is not made a member by chatting.
        return nothing();
    };
    let member_id = crate::engine::core::members::member_of(tx, event, now)
        .await?
        .member_id;
    let u = &event.user;
    let zone = u
        .time_zone
        .as_deref()
        .and_then(|z| z.parse().ok())
        .or_else(|| core.recognition.time_zone.parse().ok())
        .unwrap_or(chrono_tz::UTC);
    let day = crate::scheduler::local_date(now, zone).to_string();
    let length = text.trim().chars().count() as i64;
    let Some(mut reply) = Store::insert_reply(
        tx,
        &discussion,
        member_id,
        &event.channel,
        id,
        length,
        &day,
        now,
    )
    .await?
    else {
        return nothing(); // a redelivery: counted once
    };
    // Its deletion was handled first (events run concurrently): it never earns anything.
    if Store::was_deleted(tx, tenant_id, &event.channel, id).await? {
        reply.deleted_at = Some(Timestamp(now));
    }
    claim_slot(core, tx, &discussion, &mut reply).await?;
    settle(core, tx, &discussion, &mut reply, None, now).await?;
    reflect(core, tx, &discussion, &reply, now).await?;
    nothing()
}

/// An edit: the reply's length is re-read; too short now gives its paid slot back.
pub(crate) async fn on_edit(
    core: &Core,
    tx: &mut Tx<'_>,
    event: &Event,
    (id, text): (&str, &str),
    now: DateTime<Utc>,
) -> Result<Applied<Reply>, EngineError> {
    let (_, Some((discussion, mut reply))) = find_reply(tx, event, id, now).await? else {
        return nothing();
    };
    if reply.deleted_at.is_some() {
        return nothing();
    }
    reply.length = text.trim().chars().count() as i64;
    // Too short now: its paid slot is given back (unless a moderator took its points: it keeps the slot).
    if reply.length < core.communities.min_reply_chars as i64 && !reply.points_removed {
        reply.counted = false;
    }
    claim_slot(core, tx, &discussion, &mut reply).await?;
    settle(core, tx, &discussion, &mut reply, Some(now), now).await?;
    reflect(core, tx, &discussion, &reply, now).await?;
    nothing()
}

/// A deletion: the reply loses every point it held (a repeat changes nothing).
pub(crate) async fn on_delete(
    core: &Core,
    tx: &mut Tx<'_>,
    event: &Event,
    id: &str,
    now: DateTime<Utc>,
) -> Result<Applied<Reply>, EngineError> {
    let (tenant_id, found) = find_reply(tx, event, id, now).await?;
    let Some((discussion, mut reply)) = found else {
        // Perhaps a reply whose own event is still on its way: remember the deletion.
        Store::record_deleted_message(tx, tenant_id, &event.channel, id, now).await?;
        return nothing();
    };
    if reply.deleted_at.is_none() {
        reply.deleted_at = Some(Timestamp(now));
        settle(core, tx, &discussion, &mut reply, None, now).await?;
    }
    nothing()
}

/// A moderator's feature reaction on a reply features it; it stays featured while any moderator's
/// feature remains. Anyone else's reactions, and a moderator's on their own reply, are reactions.
pub(crate) async fn on_reaction(
    core: &Core,
    tx: &mut Tx<'_>,
    event: &Event,
    (message, emoji, added): (&str, &str, bool),
    now: DateTime<Utc>,
) -> Result<Applied<Reply>, EngineError> {
    let features = core
        .communities
        .feature_reactions
        .iter()
        .any(|r| r == emoji);
    if !features || !event.user.is_moderator {
        return nothing();
    }
    let (_, Some((discussion, mut reply))) = find_reply(tx, event, message, now).await? else {
        return nothing();
    };
    let moderator = crate::engine::core::members::member_of(tx, event, now)
        .await?
        .member_id;
    if moderator == reply.member_id {
        return nothing();
    }
    let left = if added {
        if discussion.state != ThreadState::Open || reply.deleted_at.is_some() {
            return nothing();
        }
        Store::add_feature(tx, reply.id, moderator, emoji).await?;
        1
    } else {
        Store::remove_feature(tx, reply.id, Some((moderator, emoji))).await?
    };
    set_featured(core, tx, &discussion, &mut reply, left > 0, now).await?;
    nothing()
}

/// Features or unfeatures a reply; false when the thread is closed (no more points) or the reply
/// was deleted.
pub(crate) async fn set_featured(
    core: &Core,
    tx: &mut Tx<'_>,
    discussion: &DiscussionRow,
    reply: &mut ReplyRow,
    featured: bool,
    now: DateTime<Utc>,
) -> Result<bool, EngineError> {
    if reply.deleted_at.is_some() || (featured && discussion.state != ThreadState::Open) {
        return Ok(false);
    }
    reply.featured = featured;
    settle(core, tx, discussion, reply, None, now).await?;
    Ok(true)
}

/// The event's workspace, and the reply (with its discussion) that `message` is there, if any.
async fn find_reply(
    tx: &mut Tx<'_>,
    event: &Event,
    message: &str,
    now: DateTime<Utc>,
) -> Result<(i64, Option<(DiscussionRow, ReplyRow)>), EngineError> {
    let tenant_id = Store::ensure_tenant(tx, event.platform.as_str(), &event.tenant, now).await?;
    let Some(reply) = Store::reply_by_message(tx, tenant_id, &event.channel, message).await? else {
        return Ok((tenant_id, None));
    };
    let discussion = Store::discussion(tx, tenant_id, reply.discussion_id).await?;
    Ok((tenant_id, discussion.map(|d| (d, reply))))
}

/// Gives the reply one of its author's paid slots for its day, if it qualifies and one is free.
async fn claim_slot(
    core: &Core,
    tx: &mut Tx<'_>,
    discussion: &DiscussionRow,
    reply: &mut ReplyRow,
) -> Result<(), EngineError> {
    let s = &core.communities;
    if reply.counted
        || discussion.state != ThreadState::Open
        || reply.points_removed
        || reply.deleted_at.is_some()
        || reply.length < s.min_reply_chars as i64
    {
        return Ok(());
    }
    let used = Store::counted_replies_on(tx, reply.tenant_id, reply.member_id, &reply.day).await?;
    reply.counted = used < s.daily_reply_cap;
    Ok(())
}

/// Brings the reply's points in the ledger to what it should hold now, appending the difference.
pub(crate) async fn settle(
    core: &Core,
    tx: &mut Tx<'_>,
    discussion: &DiscussionRow,
    reply: &mut ReplyRow,
    edited_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(), EngineError> {
    let s = &core.communities;
    let target = if reply.deleted_at.is_some() || reply.points_removed {
        0
    } else {
        i64::from(reply.counted) * s.reply_points + i64::from(reply.featured) * s.featured_bonus
    };
    let delta = target - reply.points;
    if delta != 0 {
        reply.ledger_seq += 1;
        let source = format!("reply:{}:{}", reply.id, reply.ledger_seq);
        let reason = match (delta > 0, reply.featured) {
            (true, true) => "featured discussion reply",
            (true, false) => "discussion reply",
            (false, _) => "discussion reply points withdrawn",
        };
        let award = Award {
            tenant_id: reply.tenant_id,
            member_id: reply.member_id,
            reason,
            amount: delta,
            source: &source,
            channel: Some(&discussion.channel),
        };
        Store::award_points(tx, &award, now).await?;
        reply.points = target;
    }
    Store::save_reply(tx, reply, edited_at).await?;
    Ok(())
}

/// A long-enough reply in a reflection thread completes its lesson for the author.
async fn reflect(
    core: &Core,
    tx: &mut Tx<'_>,
    discussion: &DiscussionRow,
    reply: &ReplyRow,
    now: DateTime<Utc>,
) -> Result<(), EngineError> {
    let (true, ThreadState::Open, Some(lesson_id), Some(course_id)) = (
        discussion.reflection,
        discussion.state,
        discussion.lesson_id.as_deref(),
        discussion.course_id.as_deref(),
    ) else {
        return Ok(());
    };
    if reply.deleted_at.is_some() || reply.length < core.communities.min_reply_chars as i64 {
        return Ok(());
    }
    if Store::complete_lesson(
        tx,
        reply.tenant_id,
        reply.member_id,
        lesson_id,
        course_id,
        now,
    )
    .await?
    {
        let source = lesson_source(lesson_id);
        let award = Award {
            tenant_id: reply.tenant_id,
            member_id: reply.member_id,
            reason: "lesson completed",
            amount: core.rules.lesson_completed,
            source: &source,
            channel: Some(&discussion.channel),
        };
        Store::award_points(tx, &award, now).await?;
    }
    Ok(())
}
