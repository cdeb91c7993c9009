//! Runs the learners' review commands: `/nibble reviews`, `/nibble review-time` and
//! `/nibble vacation`.

use crate::chat::Reply;
use crate::command::{ReviewCommand, ReviewTime, UsageError, Vacation};
use crate::engine::campaigns::commands::reschedule_member;
use crate::engine::core::applied::Applied;
use crate::engine::core::ctx::Ctx;
use crate::engine::core::errors::EngineError;
use crate::engine::core::reply::say;
use crate::engine::core::tenant_rules::tenant_rules;
use crate::engine::reviews::schedule::{next_review_at, review_time_of};
use crate::scheduler::local_date;
use crate::store::{MemberRef, Store, Tx, Vacation as VacationRow};
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;

pub(crate) async fn execute(
    ctx: &mut Ctx<'_, '_>,
    command: ReviewCommand,
) -> Result<Applied<Reply>, EngineError> {
    match command {
        ReviewCommand::Reviews => reviews(ctx).await,
        ReviewCommand::ReviewTime(time) => review_time(ctx, time).await,
        ReviewCommand::Vacation(Vacation::Off) => end_vacation(ctx).await,
        ReviewCommand::Vacation(Vacation::For(length)) => vacation(ctx, length).await,
    }
}

/// The learner's zone as the platform reports it, else the workspace's.
async fn zone_of(ctx: &mut Ctx<'_, '_>) -> Result<Tz, EngineError> {
    let own = ctx
        .event
        .user
        .time_zone
        .as_deref()
        .and_then(|z| z.parse().ok());
    Ok(match own {
        Some(z) => z,
        None => {
            tenant_rules(ctx.core, ctx.tx, ctx.member.tenant_id)
                .await?
                .zone
        }
    })
}

fn local(at: DateTime<Utc>, zone: Tz) -> String {
    at.with_timezone(&zone).format("%a %d %b %H:%M").to_string()
}

/// `/nibble review-time HH:MM|off|on`.
async fn review_time(
    ctx: &mut Ctx<'_, '_>,
    time: ReviewTime,
) -> Result<Applied<Reply>, EngineError> {
    let (core, now) = (ctx.core, ctx.now);
    let zone = zone_of(ctx).await?;
    let current = Store::review_schedule(ctx.tx, ctx.member.member_id).await?;
    let own = current.as_ref().and_then(|(t, _)| t.clone());
    let (time_text, next) = match time {
        ReviewTime::Off => (own, None),
        ReviewTime::On => {
            let time = review_time_of(core, own.as_deref());
            (own, Some(next_review_at(now, time, zone)))
        }
        ReviewTime::At(time) => (
            Some(time.format("%H:%M").to_string()),
            Some(next_review_at(now, time, zone)),
        ),
    };
    let member = &ctx.member;
    Store::set_review_time(
        ctx.tx,
        member.tenant_id,
        member.member_id,
        time_text.as_deref(),
        next,
    )
    .await?;
    match next {
        None => say("🔕 Reviews are off. `/nibble review-time on` brings them back."),
        Some(at) => say(format!(
            "🔁 Your reviews arrive by DM at {} ({}); the next on {}.",
            review_time_of(core, time_text.as_deref()).format("%H:%M"),
            zone.name(),
            local(at, zone)
        )),
    }
}

/// `/nibble reviews`: cards, what is due, when the next review DM comes.
async fn reviews(ctx: &mut Ctx<'_, '_>) -> Result<Applied<Reply>, EngineError> {
    let (core, now) = (ctx.core, ctx.now);
    let zone = zone_of(ctx).await?;
    let member = &ctx.member;
    let (cards, due, retired) =
        Store::review_counts(ctx.tx, member.tenant_id, member.member_id, now).await?;
    if cards == 0 {
        return say(
            "No reviews yet: every quiz question you answer comes back for a review just as you're about to forget it.",
        );
    }
    let schedule = Store::review_schedule(ctx.tx, member.member_id).await?;
    let next = match schedule.as_ref().and_then(|(_, at)| *at) {
        Some(at) => format!("next review DM: {}", local(at, zone)),
        None => "reviews are off (`/nibble review-time on`)".into(),
    };
    let time = review_time_of(core, schedule.and_then(|(t, _)| t).as_deref());
    say(format!(
        "🔁 **Reviews**: {cards} questions, {due} due now, {retired} mastered (no more reviews). \
         Up to {} a day at {} ({}); {next}. Change it with `/nibble review-time HH:MM`.",
        core.reviews.per_day,
        time.format("%H:%M"),
        zone.name()
    ))
}

/// `/nibble vacation off`: back early; reviews come back by the part of the vacation not taken.
async fn end_vacation(ctx: &mut Ctx<'_, '_>) -> Result<Applied<Reply>, EngineError> {
    let (core, now) = (ctx.core, ctx.now);
    let zone = zone_of(ctx).await?;
    let member = ctx.member.clone();
    let Some(v) = Store::current_vacation(ctx.tx, member.member_id, now).await? else {
        return say("You're not on vacation.");
    };
    shift_cards(ctx.tx, &member, -(v.ends_at - now), now).await?;
    let yesterday = local_date(now, zone).pred_opt().unwrap_or_default();
    Store::end_vacation(
        ctx.tx,
        member.member_id,
        &v.first_day,
        &yesterday.to_string(),
        now,
    )
    .await?;
    Store::set_member_snooze(ctx.tx, member.member_id, None).await?;
    reschedule_member(core, ctx.tx, &member, now).await?;
    if let Some((own, Some(_))) = Store::review_schedule(ctx.tx, member.member_id).await? {
        let next = next_review_at(now, review_time_of(core, own.as_deref()), zone);
        Store::set_review_next(ctx.tx, member.member_id, Some(next), None).await?;
    }
    say("👋 Welcome back! Reviews, streaks and campaign lessons continue from today.")
}

/// `/nibble vacation 2w`: holds reviews, streaks and campaign lessons, and moves due reviews on
/// by the length of the vacation.
async fn vacation(
    ctx: &mut Ctx<'_, '_>,
    length: Result<Duration, UsageError>,
) -> Result<Applied<Reply>, EngineError> {
    let (core, now) = (ctx.core, ctx.now);
    let zone = zone_of(ctx).await?;
    let member = ctx.member.clone();
    if let Some(v) = Store::current_vacation(ctx.tx, member.member_id, now).await? {
        return say(format!(
            "You're on vacation until {}. `/nibble vacation off` ends it; then set a new one.",
            local(v.ends_at, zone)
        ));
    }
    let length = match length {
        Ok(length) => length,
        Err(mistake) => return say(mistake.message),
    };
    let ends_at = now + length;
    let first = local_date(now, zone);
    // The day they come back is an ordinary day again.
    let last = local_date(ends_at, zone).pred_opt().unwrap_or(first);
    let v = VacationRow {
        first_day: first.to_string(),
        last_day: last.max(first).to_string(),
        ends_at,
    };
    Store::add_vacation(ctx.tx, member.tenant_id, member.member_id, &v).await?;
    shift_cards(ctx.tx, &member, length, now).await?;
    Store::set_member_snooze(ctx.tx, member.member_id, Some(ends_at)).await?;
    reschedule_member(core, ctx.tx, &member, ends_at).await?;
    say(format!(
        "🏖️ Enjoy your vacation! Until {}: no reviews or campaign lessons, and your streak waits for \
         you. Reviews due meanwhile move on by the same time. `/nibble vacation off` ends it early.",
        local(ends_at, zone)
    ))
}

/// Moves every live card's due date by `by` (never into the past).
async fn shift_cards(
    tx: &mut Tx<'_>,
    member: &MemberRef,
    by: Duration,
    now: DateTime<Utc>,
) -> Result<(), EngineError> {
    for card in Store::live_cards(tx, member.tenant_id, member.member_id).await? {
        let due = (card.card.due + by).max(now.min(card.card.due));
        Store::set_card_due(tx, card.id, due).await?;
    }
    Ok(())
}
