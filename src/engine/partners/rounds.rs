//! Accountability partner rounds: when a pool's round is due its members are matched (see
//! `domain::matching`), each group is introduced in a group DM, and halfway to the next round each
//! group is asked whether they met; "met" earns everyone in it points.

use crate::chat::{CheckInOutcome, Choice, Destination, Message, encode_check_in};
use crate::command::partners::cadence;
use crate::domain::matching::{Candidate, RoundInput, plan_round};
use crate::engine::core::errors::EngineError;
use crate::engine::core::state::Core;
use crate::engine::core::text::channel_ref;
use crate::store::{PoolMember, PoolRow, Store, Tx};
use chrono::{DateTime, Duration, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use std::collections::HashMap;

/// The pool's next round after one held at `after`.
pub(crate) fn next_round(pool: &PoolRow, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let (schedule, gap) = cadence(&pool.cadence, &pool.time_zone).ok()?;
    schedule.next_after(after + gap)
}

const STARTERS: &[&str] = &[
    "What's one thing you learned recently that you've already used at work?",
    "What would you like to get better at this month, and what's the first small step?",
    "Which lesson so far was the most useful, and why?",
    "What got in the way of learning last week, and how could you dodge it this week?",
    "Teach each other one idea from a recent lesson in two minutes.",
];

/// Runs every due round and check-in (up to `limit` each); returns (rounds held, check-ins sent,
/// more due).
pub(crate) async fn partner_tick(
    core: &Core,
    tx: &mut Tx<'_>,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<(usize, usize, bool), EngineError> {
    let pools = Store::due_pools(tx, now, limit).await?;
    let mut rounds = 0;
    for pool in &pools {
        if run_round(core, tx, pool, now).await? {
            rounds += 1;
        }
    }
    let checkins = Store::take_due_checkins(tx, now, limit).await?;
    for (round_id, tenant_id) in &checkins {
        for (group_id, users) in Store::round_groups(tx, *round_id).await? {
            let choices = [
                ("✅ We met", CheckInOutcome::Met),
                ("⏳ Not yet", CheckInOutcome::NotYet),
                ("⏭ Skip this round", CheckInOutcome::Skip),
            ]
            .into_iter()
            .map(|(label, o)| Choice {
                label: label.into(),
                payload: encode_check_in(group_id, o),
            })
            .collect();
            let message = Message::Menu {
                text: "🤝 Halfway through this round: did you meet? One answer counts for the group; meeting earns you both points.".into(),
                choices,
            };
            let key = format!("checkin:{group_id}");
            crate::engine::core::deliver::queue(
                tx,
                *tenant_id,
                &key,
                &Destination::Group { users },
                &message,
                now,
            )
            .await?;
        }
    }
    let more = pools.len() as i64 == limit || checkins.len() as i64 == limit;
    Ok((rounds, checkins.len(), more))
}

/// Holds one round of a pool now; false when too few people were there to pair.
pub(crate) async fn run_round(
    core: &Core,
    tx: &mut Tx<'_>,
    pool: &PoolRow,
    now: DateTime<Utc>,
) -> Result<bool, EngineError> {
    let next = next_round(pool, now);
    let members = Store::active_pool_members(tx, pool.id, now).await?;
    if members.len() < 2 {
        if let [alone] = members.as_slice() {
            let text = format!(
                "🤝 Not enough people in the partner pool of {} this round, so no partner this time. \
                 Invite a colleague to `/partner join`!",
                channel_ref(&pool.channel)
            );
            let key = format!("pool-alone:{}:{}", pool.id, pool.rounds + 1);
            let to = Destination::Member {
                user: alone.external_id.clone(),
            };
            crate::engine::core::deliver::queue(
                tx,
                pool.tenant_id,
                &key,
                &to,
                &Message::text(text),
                now,
            )
            .await?;
        }
        Store::set_next_round(tx, pool.id, next).await?;
        return Ok(false);
    }
    let input = RoundInput {
        members: candidates(core, tx, pool, &members, now).await?,
        last_met: Store::pool_meetings(tx, pool.id).await?,
        avoid: Store::avoided_pairs(tx, pool.tenant_id).await?,
        round: pool.rounds as u32 + 1,
        group_size: pool.group_size as usize,
        mentor_mode: pool.mentor_course.is_some(),
    };
    let groups = plan_round(&input);
    // Halfway to the next round (or in three days when the pool has no next round).
    let checkin = now + next.map_or(Duration::days(3), |n| (n - now) / 2);
    let round_id = Store::start_round(tx, pool, now, Some(checkin), next).await?;
    let by_id: HashMap<i64, &PoolMember> = members.iter().map(|m| (m.member_id, m)).collect();
    let ids: Vec<i64> = members.iter().map(|m| m.member_id).collect();
    let lessons_done = Store::completions_per_course(tx, pool.tenant_id, &ids).await?;
    for group in &groups {
        let group_id = Store::add_group(tx, round_id, pool.id, group).await?;
        let users: Vec<String> = group
            .iter()
            .filter_map(|m| by_id.get(m).map(|p| p.external_id.clone()))
            .collect();
        let course = shared_course(core, pool, group, &lessons_done);
        let text = introduction(pool, &users, course.as_deref(), input.round);
        let key = format!("intro:{group_id}");
        let to = Destination::Group { users };
        crate::engine::core::deliver::queue(
            tx,
            pool.tenant_id,
            &key,
            &to,
            &Message::text(text),
            now,
        )
        .await?;
    }
    let unplaced = members.len() - groups.iter().map(Vec::len).sum::<usize>();
    tracing::info!(
        pool = pool.id,
        round = input.round,
        groups = groups.len(),
        unplaced,
        "partner round held"
    );
    Ok(true)
}

/// When the pool's next round is, in its zone.
pub(crate) fn next_round_text(pool: &PoolRow) -> String {
    let at = pool.next_round_at.map(|t| t.0);
    let zone: Option<Tz> = pool.time_zone.parse().ok();
    match (at, zone) {
        (Some(at), Some(zone)) => at
            .with_timezone(&zone)
            .format("%a %d %b %Y %H:%M %Z")
            .to_string(),
        _ => "when a team lead holds one".into(),
    }
}

fn introduction(pool: &PoolRow, users: &[String], course: Option<&str>, round: u32) -> String {
    let names: Vec<String> = users.iter().map(|u| format!("<@{u}>")).collect();
    let names = match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => names.join(""),
    };
    let starter = STARTERS[round as usize % STARTERS.len()];
    let mut text = format!(
        "👋 **Your accountability partners this round** (the pool of {}): {names}.\n\
         Conversation starter: _{starter}_",
        channel_ref(&pool.channel)
    );
    if let Some(course) = course {
        text.push_str(&format!("\nYou're all learning **{course}**."));
    }
    text.push_str("\nFind half an hour this week; I'll check in halfway through the round.");
    text
}

/// The course the group has most in common (the pool's mentor course when it has one), from the
/// lessons each member completed per course.
fn shared_course(
    core: &Core,
    pool: &PoolRow,
    group: &[i64],
    lessons_done: &HashMap<(i64, String), usize>,
) -> Option<String> {
    let catalog = core.catalog.current();
    let title = |id: &str| catalog.course(id).map(|c| c.title.clone());
    if let Some(course) = &pool.mentor_course {
        return title(course);
    }
    let mut per_course: HashMap<&str, (usize, usize)> = HashMap::new();
    for ((member, course), n) in lessons_done {
        if !group.contains(member) {
            continue;
        }
        let e = per_course.entry(course.as_str()).or_default();
        e.0 += 1; // members on it
        e.1 += n;
    }
    let best = per_course
        .into_iter()
        .filter(|(_, (members, _))| *members == group.len())
        .max_by_key(|(c, (_, lessons))| (*lessons, std::cmp::Reverse(c.to_string())));
    best.and_then(|(c, _)| title(c))
}

/// The round's members with their hours and, in mentor mode, who needs help and who mastered it.
async fn candidates(
    core: &Core,
    tx: &mut Tx<'_>,
    pool: &PoolRow,
    members: &[PoolMember],
    now: DateTime<Utc>,
) -> Result<Vec<Candidate>, EngineError> {
    let mut out: Vec<Candidate> = members
        .iter()
        .map(|m| Candidate {
            id: m.member_id,
            utc_offset_minutes: m
                .time_zone
                .as_deref()
                .and_then(|z| z.parse::<Tz>().ok())
                .map(|z| {
                    z.offset_from_utc_datetime(&now.naive_utc())
                        .fix()
                        .local_minus_utc()
                        / 60
                }),
            needs_help: false,
            mastered: false,
        })
        .collect();
    let catalog = core.catalog.current();
    let Some(course) = pool
        .mentor_course
        .as_deref()
        .and_then(|c| catalog.course(c))
    else {
        return Ok(out);
    };
    let accuracy: HashMap<String, (i64, i64)> =
        Store::course_accuracy(tx, pool.tenant_id, &course.lesson_ids)
            .await?
            .into_iter()
            .map(|a| (a.external_id, (a.correct, a.graded)))
            .collect();
    let ids: Vec<i64> = members.iter().map(|m| m.member_id).collect();
    let done = Store::completions_per_course(tx, pool.tenant_id, &ids).await?;
    let r = &core.reviews;
    for (c, m) in out.iter_mut().zip(members) {
        let (right, graded) = accuracy.get(&m.external_id).copied().unwrap_or((0, 0));
        let completed = done
            .get(&(m.member_id, course.id.clone()))
            .copied()
            .unwrap_or(0);
        c.needs_help =
            graded >= r.needs_help_min_answers && right * 100 < r.needs_help_below * graded;
        c.mastered =
            completed >= course.lesson_ids.len() && graded > 0 && right * 100 >= 80 * graded;
    }
    Ok(out)
}
