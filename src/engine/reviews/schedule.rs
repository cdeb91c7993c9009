//! Spaced-repetition delivery: graded answers become review cards (in the recognition fold, off the
//! click's path), and each learner's due cards go out in one DM a day at their review time, in their
//! own time zone, at most `reviews.per_day` of them.

use crate::chat::{
    Choice, Destination, Message, QuestionCard, encode_review, multi_review_action_id,
};
use crate::content::QuestionKind;
use crate::domain::review::{CardState, parse_review_time, rating, review};
use crate::engine::core::errors::EngineError;
use crate::engine::core::state::Core;
use crate::scheduler::{local_date, resolve_local};
use crate::store::{CardRow, NewActivity, NewCard, ReviewDue, Store, StoreError, Tx};
use chrono::{DateTime, Duration, NaiveTime, Utc};
use chrono_tz::Tz;
use std::collections::HashMap;

/// The first instant strictly after `after` at `time` on the local clock of `zone`.
pub(crate) fn next_review_at(after: DateTime<Utc>, time: NaiveTime, zone: Tz) -> DateTime<Utc> {
    let mut day = local_date(after, zone);
    for _ in 0..3 {
        if let Some(at) = resolve_local(zone, day.and_time(time))
            && at > after
        {
            return at;
        }
        day = day.succ_opt().unwrap_or(day);
    }
    after + Duration::days(1)
}

/// The learner's review time: their own, else the configured default.
pub(crate) fn review_time_of(core: &Core, own: Option<&str>) -> NaiveTime {
    own.and_then(parse_review_time)
        .or_else(|| parse_review_time(&core.reviews.time))
        .unwrap_or(NaiveTime::MIN)
}

/// Creates a card for every graded lesson answer in this fold (its first review is the answer
/// itself) and a review schedule for learners who had none.
pub(crate) async fn fold_cards(
    core: &Core,
    tx: &mut Tx<'_>,
    answers: &[NewActivity],
    zone_of: impl Fn(&NewActivity) -> Tz,
) -> Result<(), EngineError> {
    if !core.reviews.enabled {
        return Ok(());
    }
    let mut cards = Vec::new();
    let mut schedules: HashMap<i64, (i64, i64, DateTime<Utc>)> = HashMap::new();
    let time = review_time_of(core, None);
    for a in answers {
        let Some((lesson, question, correct)) = &a.graded else {
            continue;
        };
        let card = review(&core.reviews, &CardState::new(a.at), rating(*correct), a.at);
        cards.push(NewCard {
            tenant_id: a.tenant_id,
            member_id: a.member_id,
            lesson_id: lesson.clone(),
            question_id: question.clone(),
            card,
        });
        schedules.entry(a.member_id).or_insert_with(|| {
            (
                a.tenant_id,
                a.member_id,
                next_review_at(a.at, time, zone_of(a)),
            )
        });
    }
    Store::create_cards(tx, &cards).await?;
    let rows: Vec<_> = schedules.into_values().collect();
    Store::ensure_review_schedules(tx, &rows).await?;
    Ok(())
}

/// Sends the review DMs due now, up to `limit` learners; returns how many DMs were queued and
/// whether more learners are due.
pub(crate) async fn review_tick(
    core: &Core,
    tx: &mut Tx<'_>,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<(usize, bool), EngineError> {
    let due = Store::due_reviews(tx, now, limit).await?;
    let more = due.len() as i64 == limit;
    let mut zones: HashMap<i64, Tz> = HashMap::new();
    let mut sent = 0;
    for r in &due {
        let zone = match r.time_zone.as_deref().and_then(|z| z.parse::<Tz>().ok()) {
            Some(z) => z,
            None => match zones.get(&r.tenant_id) {
                Some(z) => *z,
                None => {
                    let z = crate::engine::core::tenant_rules::tenant_rules(core, tx, r.tenant_id)
                        .await?
                        .zone;
                    zones.insert(r.tenant_id, z);
                    z
                }
            },
        };
        let time = review_time_of(core, r.review_time.as_deref());
        let held_until = hold_end(tx, r, now).await?;
        if let Some(until) = held_until {
            let next = next_review_at(until.max(now), time, zone);
            Store::set_review_next(tx, r.member_id, Some(next), None).await?;
            continue;
        }
        let today = local_date(now, zone);
        let next = next_review_at(now, time, zone);
        let day = today.to_string();
        let room = core.reviews.per_day - Store::reviews_sent_on(tx, r.member_id, &day).await?;
        let end_of_today = today
            .succ_opt()
            .and_then(|d| resolve_local(zone, d.and_time(NaiveTime::MIN)))
            .unwrap_or(now + Duration::days(1));
        let cards = if core.reviews.enabled && room > 0 {
            Store::due_cards(tx, r.tenant_id, r.member_id, end_of_today, room).await?
        } else {
            Vec::new()
        };
        if send_reviews(core, tx, r, &cards, &day, now).await? {
            sent += 1;
        }
        Store::set_review_next(tx, r.member_id, Some(next), Some(&day)).await?;
    }
    Ok((sent, more))
}

/// When a learner's hold (vacation, pause, snooze) ends, if they are on one; pause has no end, so
/// it is checked again tomorrow.
async fn hold_end(
    tx: &mut Tx<'_>,
    r: &ReviewDue,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, StoreError> {
    if let Some(v) = Store::current_vacation(tx, r.member_id, now).await? {
        return Ok(Some(v.ends_at));
    }
    if r.paused {
        return Ok(Some(now));
    }
    let snoozed = r.snoozed_until.map(|t| t.0);
    Ok(snoozed.filter(|until| *until > now))
}

/// Queues one DM: a header and a question card per review. False when nothing could be sent.
async fn send_reviews(
    core: &Core,
    tx: &mut Tx<'_>,
    r: &ReviewDue,
    cards: &[CardRow],
    day: &str,
    now: DateTime<Utc>,
) -> Result<bool, EngineError> {
    let catalog = core.catalog.current();
    let to = Destination::Member {
        user: r.external_id.clone(),
    };
    let mut messages = Vec::new();
    let mut live = Vec::new();
    for c in cards {
        let found = catalog.lesson(&c.lesson_id).and_then(|l| {
            l.question(&c.question_id)
                .filter(|q| q.kind.has_right_answer())
                .map(|q| (l, q))
        });
        match found {
            Some((lesson, q)) => live.push((c, lesson, q)),
            // The question left its lesson (or stopped being graded): nothing left to review.
            None => Store::retire_card(tx, c.id, now).await?,
        }
    }
    for (n, (card, lesson, q)) in live.iter().enumerate() {
        let prompt_id = Store::create_review_prompt(tx, card, day, &q.fingerprint(), now).await?;
        let multi = q.kind == QuestionKind::Multiple;
        let card_message = Message::Question(QuestionCard {
            lesson_title: lesson.title.clone(),
            label: format!("Review {} of {}", n + 1, live.len()),
            prompt: q.prompt.clone(),
            multi,
            choices: q
                .options
                .iter()
                .enumerate()
                .map(|(i, o)| Choice {
                    label: o.text.clone(),
                    payload: if multi {
                        i.to_string()
                    } else {
                        encode_review(prompt_id, i)
                    },
                })
                .collect(),
            submit_action: multi.then(|| multi_review_action_id(prompt_id)),
        });
        messages.push((format!("review:{prompt_id}"), card_message));
    }
    if messages.is_empty() {
        return Ok(false);
    }
    let plural = if messages.len() == 1 { "" } else { "s" };
    let header = Message::text(format!(
        "🔁 **Time for a quick review**: {} question{plural} from lessons you've done. \
         Answering now, just as you start to forget, is what makes it stick.",
        messages.len()
    ));
    let header_key = format!("reviews:{}:{day}:{}", r.member_id, now.timestamp_millis());
    crate::engine::core::deliver::queue(tx, r.tenant_id, &header_key, &to, &header, now).await?;
    for (key, m) in &messages {
        crate::engine::core::deliver::queue(tx, r.tenant_id, key, &to, m, now).await?;
    }
    Ok(true)
}
