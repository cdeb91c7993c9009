//! Learners' review settings: `/nibble review-time`, `/nibble reviews` and `/nibble vacation`.

use crate::chat::{Event, Reply};
use crate::command::values::parse_length;
use crate::domain::review::parse_review_time;
use crate::engine::campaigns::commands::reschedule_member;
use crate::engine::core::applied::Applied;
use crate::engine::core::errors::EngineError;
use crate::engine::core::reply::say;
use crate::engine::core::state::Core;
use crate::engine::core::tenant_rules::tenant_rules;
use crate::engine::reviews::schedule::{next_review_at, review_time_of};
use crate::scheduler::local_date;
use crate::store::{MemberRef, Store, Tx, Vacation};
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;

/// The learner's zone as the platform reports it, else the workspace's.
async fn zone_of(
    core: &Core,
    tx: &mut Tx<'_>,
    event: &Event,
    member: &MemberRef,
) -> Result<Tz, EngineError> {
    let own = event.user.time_zone.as_deref().and_then(|z| z.parse().ok());
    Ok(match own {
        Some(z) => z,
        None => tenant_rules(core, tx, member.tenant_id).await?.zone,
    })
}

fn local(at: DateTime<Utc>, zone: Tz) -> String {
    at.with_timezone(&zone).format("%a %d %b %H:%M").to_string()
}

/// `/nibble review-time HH:MM|off|on`, or without a value: the current setting.
pub(crate) async fn review_time(
    core: &Core,
    tx: &mut Tx<'_>,
    event: &Event,
    member: &MemberRef,
    args: &str,
    now: DateTime<Utc>,
) -> Result<Applied<Reply>, EngineError> {
    let zone = zone_of(core, tx, event, member).await?;
    let current = Store::review_schedule(tx, member.member_id).await?;
    let own = current.as_ref().and_then(|(t, _)| t.clone());
    let arg = args.trim().to_lowercase();
    let (time_text, next) = match arg.as_str() {
        "" => return reviews(core, tx, event, member, now).await,
        "off" => (own.clone(), None),
        "on" => {
            let time = review_time_of(core, own.as_deref());
            (own.clone(), Some(next_review_at(now, time, zone)))
        }
        value => match parse_review_time(value) {
            Some(time) => (
                Some(time.format("%H:%M").to_string()),
                Some(next_review_at(now, time, zone)),
            ),
            None => {
                return say(format!(
                    "“{}” isn't a time. Use 24-hour `HH:MM`, e.g. `/nibble review-time 08:30`, or `/nibble review-time off`.",
                    args.trim()
                ));
            }
        },
    };
    Store::set_review_time(
        tx,
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
pub(crate) async fn reviews(
    core: &Core,
    tx: &mut Tx<'_>,
    event: &Event,
    member: &MemberRef,
    now: DateTime<Utc>,
) -> Result<Applied<Reply>, EngineError> {
    let zone = zone_of(core, tx, event, member).await?;
    let (cards, due, retired) =
        Store::review_counts(tx, member.tenant_id, member.member_id, now).await?;
    if cards == 0 {
        return say(
            "No reviews yet: every quiz question you answer comes back for a review just as you're about to forget it.",
        );
    }
    let schedule = Store::review_schedule(tx, member.member_id).await?;
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

/// `/nibble vacation 2w|off`: holds reviews, streaks and campaign lessons, and moves due reviews on
/// by the length of the vacation.
pub(crate) async fn vacation(
    core: &Core,
    tx: &mut Tx<'_>,
    event: &Event,
    member: &MemberRef,
    args: &str,
    now: DateTime<Utc>,
) -> Result<Applied<Reply>, EngineError> {
    let zone = zone_of(core, tx, event, member).await?;
    let current = Store::current_vacation(tx, member.member_id, now).await?;
    if args.trim().eq_ignore_ascii_case("off") {
        let Some(v) = current else {
            return say("You're not on vacation.");
        };
        // Bring reviews back by the part of the vacation not taken.
        shift_cards(tx, member, -(v.ends_at - now), now).await?;
        let yesterday = local_date(now, zone).pred_opt().unwrap_or_default();
        Store::end_vacation(
            tx,
            member.member_id,
            &v.first_day,
            &yesterday.to_string(),
            now,
        )
        .await?;
        Store::set_member_snooze(tx, member.member_id, None).await?;
        reschedule_member(core, tx, member, now).await?;
        if let Some((own, Some(_))) = Store::review_schedule(tx, member.member_id).await? {
            let next = next_review_at(now, review_time_of(core, own.as_deref()), zone);
            Store::set_review_next(tx, member.member_id, Some(next), None).await?;
        }
        return say("👋 Welcome back! Reviews, streaks and campaign lessons continue from today.");
    }
    if let Some(v) = current {
        return say(format!(
            "You're on vacation until {}. `/nibble vacation off` ends it; then set a new one.",
            local(v.ends_at, zone)
        ));
    }
    let Some(length) = parse_length(args).filter(|d| *d >= Duration::days(1)) else {
        return say(
            "How long? For example `/nibble vacation 2w` (days `d` or weeks `w`, up to 12 weeks), or `/nibble vacation off`.",
        );
    };
    let ends_at = now + length;
    let first = local_date(now, zone);
    // The day they come back is an ordinary day again.
    let last = local_date(ends_at, zone).pred_opt().unwrap_or(first);
    let v = Vacation {
        first_day: first.to_string(),
        last_day: last.max(first).to_string(),
        ends_at,
    };
    Store::add_vacation(tx, member.tenant_id, member.member_id, &v).await?;
    shift_cards(tx, member, length, now).await?;
    Store::set_member_snooze(tx, member.member_id, Some(ends_at)).await?;
    reschedule_member(core, tx, member, ends_at).await?;
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
