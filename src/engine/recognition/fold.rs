//! The recognition fold: after each batch of work, new answers and ledger rows are folded into
//! learning days, streak milestones, course completions, leaderboard standings and badges, in a
//! transaction of their own. Clicks never pay for it: one fold serves a whole batch with multi-row
//! statements, and a failed fold leaves its cursor where it was, to be retried after the next batch.

use crate::chat::{Destination, Message};
use crate::config::Announce;
use crate::domain::badges::{LearnerFigures, earned};
use crate::domain::periods::Period;
use crate::domain::points::{course_source, streak_source};
use crate::domain::streaks::{StreakRules, current_streak, local_day};
use crate::engine::core::errors::EngineError;
use crate::engine::core::state::Core;
use crate::engine::core::tenant_rules::TenantRules;
use crate::engine::core::tenant_rules::tenant_rules;
use crate::store::{Award, MemberFacts, NewAward, StandingKey, Store, StoreError, Tx};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use std::collections::{BTreeSet, HashMap, HashSet};

/// Answers folded per transaction between batches (ledger rows: twice as many): small enough that a
/// click arriving meanwhile waits only milliseconds.
pub(crate) const FOLD_LIMIT: i64 = 1000;
/// Per transaction when folding a backlog on request (nothing is waiting).
pub(crate) const BULK_FOLD_LIMIT: i64 = 10_000;

/// What one fold did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FoldReport {
    pub answers: usize,
    pub awards: usize,
    pub badges: usize,
    pub more: bool,
}

/// Reads the rules of tenants not read yet in this fold.
async fn load_tenants(
    core: &Core,
    tx: &mut Tx<'_>,
    tenants: &mut HashMap<i64, TenantRules>,
    ids: impl Iterator<Item = i64>,
) -> Result<(), EngineError> {
    for id in ids.collect::<BTreeSet<i64>>() {
        if let std::collections::hash_map::Entry::Vacant(slot) = tenants.entry(id) {
            slot.insert(tenant_rules(core, tx, id).await?);
        }
    }
    Ok(())
}

/// The member's zone, else the tenant's.
fn zone_of(facts: Option<&MemberFacts>, tenant: &TenantRules) -> Tz {
    facts
        .and_then(|f| f.time_zone.as_deref())
        .and_then(|z| z.parse().ok())
        .unwrap_or(tenant.zone)
}

/// A member's current streak as of `today` (their local date).
pub(crate) async fn streak_of(
    tx: &mut Tx<'_>,
    tenant_id: i64,
    member_id: i64,
    today: NaiveDate,
    rules: &StreakRules,
) -> Result<u32, EngineError> {
    let since = (today - Duration::days(STREAK_LOOKBACK)).to_string();
    let days = Store::learning_days(tx, tenant_id, member_id, &since).await?;
    let away = Store::vacation_days_of(tx, tenant_id, &[member_id]).await?;
    Ok(streak_from(&days, today, rules, away.get(&member_id)))
}

/// How far back a streak is read: longer streaks count as this long.
const STREAK_LOOKBACK: i64 = 400;

/// The streak as of `today` from stored learning days and vacations (YYYY-MM-DD).
fn streak_from(
    days: &[String],
    today: NaiveDate,
    rules: &StreakRules,
    vacations: Option<&Vec<(String, String)>>,
) -> u32 {
    let date = |d: &str| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok();
    let days: BTreeSet<NaiveDate> = days.iter().filter_map(|d| date(d)).collect();
    let away: Vec<(NaiveDate, NaiveDate)> = vacations
        .into_iter()
        .flatten()
        .filter_map(|(a, b)| Some((date(a)?, date(b)?)))
        .collect();
    current_streak(&days, today, rules, &away)
}

pub(crate) async fn apply_fold(
    core: &Core,
    tx: &mut Tx<'_>,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<FoldReport, EngineError> {
    let (ledger_cursor, answer_cursor) = Store::recognition_cursor(tx).await?;
    let answers = Store::answers_after(tx, answer_cursor, limit).await?;
    let reviews = Store::review_answers_after(tx, limit).await?;
    let mut report = FoldReport {
        answers: answers.len() + reviews.len(),
        ..Default::default()
    };
    let mut tenants: HashMap<i64, TenantRules> = HashMap::new();
    let activity = || answers.iter().chain(reviews.iter());
    let ids: HashSet<i64> = activity().map(|a| a.member_id).collect();
    let mut facts = Store::member_facts(tx, &ids).await?;

    // Learning days, each in the learner's own calendar as it was when they learned.
    load_tenants(core, tx, &mut tenants, activity().map(|a| a.tenant_id)).await?;
    crate::engine::reviews::schedule::fold_cards(core, tx, &answers, |a| {
        zone_of(facts.get(&a.member_id), &tenants[&a.tenant_id])
    })
    .await?;
    let mut days = Vec::new();
    for a in activity() {
        let zone = zone_of(facts.get(&a.member_id), &tenants[&a.tenant_id]);
        let day = (a.tenant_id, a.member_id, local_day(a.at, zone).to_string());
        if !days.contains(&day) {
            days.push(day);
        }
    }
    let mut streaks: HashMap<(i64, i64), u32> = HashMap::new();
    let new_days = Store::add_learning_days(tx, &days).await?;
    let mut by_tenant: HashMap<i64, Vec<(i64, NaiveDate)>> = HashMap::new();
    for (tenant_id, member_id, day) in &new_days {
        if let Ok(today) = NaiveDate::parse_from_str(day, "%Y-%m-%d") {
            by_tenant
                .entry(*tenant_id)
                .or_default()
                .push((*member_id, today));
        }
    }
    for (tenant_id, learners) in by_tenant {
        let rules = tenants[&tenant_id].streaks;
        let Some(earliest) = learners.iter().map(|(_, d)| *d).min() else {
            continue;
        };
        let since = (earliest - Duration::days(STREAK_LOOKBACK)).to_string();
        let ids: Vec<i64> = learners.iter().map(|(m, _)| *m).collect();
        let all_days = Store::learning_days_of(tx, tenant_id, &ids, &since).await?;
        let away = Store::vacation_days_of(tx, tenant_id, &ids).await?;
        for (member_id, today) in learners {
            let days = all_days.get(&member_id).map_or(&[][..], Vec::as_slice);
            let streak = streak_from(days, today, &rules, away.get(&member_id));
            streaks.insert((tenant_id, member_id), streak);
            if core.recognition.streak_milestones.contains(&streak) {
                let source = streak_source(streak, &today.to_string());
                let award = Award {
                    tenant_id,
                    member_id,
                    reason: "streak milestone",
                    amount: core.rules.streak_milestone,
                    source: &source,
                    channel: None,
                };
                Store::award_points(tx, &award, now).await?;
            }
        }
    }

    // Courses completed by this batch's lesson completions: counted per course in one query.
    let catalog = core.catalog.current();
    let mut ledger = Store::ledger_after(tx, ledger_cursor, limit * 2).await?;
    let mut completers: HashMap<i64, Vec<i64>> = HashMap::new();
    for r in ledger.iter().filter(|r| r.source.starts_with("lesson:")) {
        completers.entry(r.tenant_id).or_default().push(r.member_id);
    }
    let mut course_awards = Vec::new();
    for (tenant_id, ids) in completers {
        let counts = Store::completions_per_course(tx, tenant_id, &ids).await?;
        for r in ledger.iter().filter(|r| r.tenant_id == tenant_id) {
            let Some(lesson) = r
                .source
                .strip_prefix("lesson:")
                .and_then(|l| catalog.lesson(l))
            else {
                continue;
            };
            let Some(course) = catalog.course(&lesson.course_id) else {
                continue;
            };
            // Lessons without questions cannot be completed: receiving them is enough, checked
            // the slow way only for the rare course that has one.
            let needed = catalog
                .lessons_of(course)
                .filter(|l| !l.questions.is_empty())
                .count();
            let done = counts
                .get(&(r.member_id, course.id.clone()))
                .copied()
                .unwrap_or(0);
            let finished = done >= needed
                && (needed == course.lesson_ids.len() || {
                    let member = crate::store::MemberRef {
                        tenant_id,
                        member_id: r.member_id,
                    };
                    let (d, t) = crate::engine::campaigns::lifecycle::course_progress(
                        tx, &catalog, &course.id, &member,
                    )
                    .await?;
                    d >= t
                });
            if finished {
                course_awards.push((tenant_id, r.member_id, course.id.clone(), r.channel.clone()));
            }
        }
    }
    for (tenant_id, member_id, course, channel) in course_awards {
        let source = course_source(&course);
        let award = Award {
            tenant_id,
            member_id,
            reason: "course completed",
            amount: core.rules.course_completed,
            source: &source,
            channel: channel.as_deref(),
        };
        Store::award_points(tx, &award, now).await?;
    }

    // Standings: every new ledger row (including the fold's own awards) into week, month and all
    // time.
    let last_read = ledger.last().map_or(ledger_cursor, |r| r.id);
    ledger.extend(Store::ledger_after(tx, last_read, limit * 2).await?);
    report.awards = ledger.len();
    let missing: HashSet<i64> = ledger
        .iter()
        .map(|r| r.member_id)
        .filter(|m| !facts.contains_key(m))
        .collect();
    facts.extend(Store::member_facts(tx, &missing).await?);
    load_tenants(core, tx, &mut tenants, ledger.iter().map(|r| r.tenant_id)).await?;
    fold_standings(tx, &ledger, &tenants, &facts).await?;

    // Badges for everyone who did something.
    let mut touched: HashMap<i64, BTreeSet<i64>> = HashMap::new();
    for (t, m) in activity()
        .map(|a| (a.tenant_id, a.member_id))
        .chain(ledger.iter().map(|r| (r.tenant_id, r.member_id)))
    {
        touched.entry(t).or_default().insert(m);
    }
    let channels: HashMap<(i64, i64), String> = ledger
        .iter()
        .filter_map(|r| Some(((r.tenant_id, r.member_id), r.channel.clone()?)))
        .collect();
    let counts_meetings = core.badges.iter().any(|b| {
        matches!(
            b.rule,
            crate::domain::badges::BadgeRule::PartnerCheckins { .. }
        )
    });
    let counts_replies = core.badges.iter().any(|b| {
        matches!(
            b.rule,
            crate::domain::badges::BadgeRule::ThreadReplies { .. }
        )
    });
    let mut candidates = Vec::new();
    for (tenant_id, members) in touched {
        let members: Vec<i64> = members.into_iter().collect();
        let figures = Store::figures(tx, tenant_id, &members).await?;
        // Only a badge that counts partner meetings needs them read.
        let meetings = if counts_meetings {
            Store::partner_meetings(tx, &members).await?
        } else {
            HashMap::new()
        };
        let replies = if counts_replies {
            Store::reply_counts(tx, &members).await?
        } else {
            HashMap::new()
        };
        let held = Store::badges_held(tx, tenant_id, &members).await?;
        for member_id in members {
            let f = figures.get(&member_id).cloned().unwrap_or_default();
            let learner = LearnerFigures {
                lessons_completed: f.lessons_completed,
                courses_completed: f.courses_completed,
                streak: streaks.get(&(tenant_id, member_id)).copied().unwrap_or(0),
                correct_in_a_row: f.correct_in_a_row,
                graded: f.graded,
                correct: f.correct,
                thread_replies: replies.get(&member_id).copied().unwrap_or(0),
                partner_checkins: meetings.get(&member_id).copied().unwrap_or(0),
            };
            for badge in &core.badges {
                if !held.contains(&(member_id, badge.id.clone())) && earned(&badge.rule, &learner) {
                    candidates.push((tenant_id, member_id, badge.id.clone()));
                }
            }
        }
    }
    let awarded = Store::award_badges(tx, &candidates, now).await?;
    report.badges = awarded.len();
    let mut announcements = Vec::with_capacity(awarded.len());
    for (tenant_id, member_id, badge_id) in awarded {
        let Some(badge) = core.badges.iter().find(|b| b.id == badge_id) else {
            continue;
        };
        let user = facts
            .get(&member_id)
            .map(|f| f.external_id.clone())
            .unwrap_or_default();
        let channel = channels.get(&(tenant_id, member_id)).cloned();
        let (to, text) = match (core.recognition.announce_badges, channel) {
            (Announce::Channel, Some(channel)) => (
                Destination::Channel { channel },
                format!(
                    "🏅 <@{user}> earned {} **{}**: {}",
                    badge.emoji, badge.name, badge.description
                ),
            ),
            _ => (
                Destination::Member { user },
                format!(
                    "🏅 New badge: {} **{}**: {}. `/badges` lists yours.",
                    badge.emoji, badge.name, badge.description
                ),
            ),
        };
        let encode =
            |v: serde_json::Result<String>| v.map_err(|e| StoreError::Invalid(e.to_string()));
        announcements.push((
            tenant_id,
            format!("badge:{tenant_id}:{member_id}:{badge_id}"),
            encode(serde_json::to_string(&to))?,
            encode(serde_json::to_string(&Message::text(text)))?,
        ));
    }
    Store::enqueue_many(tx, &announcements, now).await?;

    let last_ledger = ledger.last().map_or(ledger_cursor, |r| r.id);
    let last_answer = answers.last().map_or(answer_cursor, |a| a.id);
    Store::set_recognition_cursor(tx, last_ledger, last_answer).await?;
    if let Some(last) = reviews.last() {
        Store::set_review_cursor(tx, last.id).await?;
    }
    report.more = answers.len() as i64 == limit
        || reviews.len() as i64 == limit
        || ledger.len() as i64 == limit * 2;
    Ok(report)
}

/// Adds ledger rows to standings and moves each member's histogram count to their new total.
async fn fold_standings(
    tx: &mut Tx<'_>,
    ledger: &[NewAward],
    tenants: &HashMap<i64, TenantRules>,
    facts: &HashMap<i64, MemberFacts>,
) -> Result<(), EngineError> {
    let mut sums: HashMap<StandingKey, i64> = HashMap::new();
    for r in ledger {
        let zone = tenants.get(&r.tenant_id).map_or(chrono_tz::UTC, |t| t.zone);
        for period in [Period::Week, Period::Month, Period::AllTime] {
            *sums
                .entry((r.tenant_id, period.key(r.at, zone), r.member_id))
                .or_default() += r.amount;
        }
    }
    if sums.is_empty() {
        return Ok(());
    }
    let keys: Vec<StandingKey> = sums.keys().cloned().collect();
    let current = Store::standings_of(tx, &keys).await?;
    let mut rows = Vec::with_capacity(keys.len());
    let mut histogram: HashMap<(i64, String, i64), i64> = HashMap::new();
    for (key, added) in sums {
        let hidden = facts.get(&key.2).is_some_and(|f| f.hidden);
        let old = current.get(&key).copied();
        let new = old.unwrap_or(0) + added;
        if !hidden {
            if let Some(old) = old {
                *histogram.entry((key.0, key.1.clone(), old)).or_default() -= 1;
            }
            *histogram.entry((key.0, key.1.clone(), new)).or_default() += 1;
        }
        rows.push((key, new, hidden));
    }
    Store::write_standings(tx, &rows).await?;
    Store::adjust_histogram(tx, &histogram).await?;
    Ok(())
}
