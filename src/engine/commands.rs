//! Slash commands every learner has: `/learn`, `/points`, `/progress`, and help for anything unknown.

use super::deliver::{Delivery, Recipient, deliver};
use super::writer::Applied;
use super::{Core, EngineError};
use crate::chat::{Choice, Event, Message, Reply, encode_open};
use crate::content::{Catalog, Lesson};
use crate::store::{MemberRef, Store, Tx};
use chrono::{DateTime, Utc};
use std::collections::HashSet;

pub const USAGE: &str = "Here's what I can do:\n\
• `/learn`: your next lesson, by DM\n\
• `/learn <lesson id, course id or words>`: a specific lesson, the next in a course, or a search\n\
• `/learn diagnose <course>`: a short quiz that skips the lessons you already master\n\
• `/points`: your points, this week, your rank and your streak\n\
• `/leaderboard [week|month|all] [here]`: the top ten (here: this channel's)\n\
• `/badges [@member]`: badges earned\n\
• `/nibble leaderboard hide|show`: leave or rejoin the leaderboards\n\
• `/progress`: your courses, lessons done and quiz accuracy\n\
• `/nibble courses`: every course\n\
• `/nibble snooze 3d` / `/nibble snooze off`: hold campaign lessons for a while\n\
• `/nibble pause` / `/nibble resume`: stop or restart campaign lessons\n\
• `/nibble reviews`: your spaced-repetition reviews; `/nibble review-time 08:30` (or `off`) sets when they come\n\
• `/nibble vacation 2w` / `/nibble vacation off`: hold reviews, streak and campaign lessons while you're away\n\
• `/partner join|leave|pause 2w|avoid @member`: accountability partners in this channel (`/partner help`)\n\
• `/nibble campaign …`: drip campaigns (team leads; `/nibble campaign help`)\n\
• `/nibble needs-help <course>`: learners struggling with a course (team leads)\n\
• `/nibble report [course]`: the team's learning report (team leads)\n\
• `/share <story>`: post a success story for the community; `/ask [course] <question>`: ask mentors and moderators\n\
• `/nibble suggest [topic]`: suggest a topic for a new lesson, or vote for one\n\
• `/nibble moderate`: community moderators' tools (threads, featuring, digests)\n\
• `/nibble forget-me`: erase your personal data\n\
• `/nibble help`: this list";

/// The event's workspace and member, created on first sight.
pub(super) async fn member_of(
    tx: &mut Tx<'_>,
    event: &Event,
    now: DateTime<Utc>,
) -> Result<MemberRef, crate::store::StoreError> {
    let tenant_id = Store::ensure_tenant(tx, event.platform.as_str(), &event.tenant, now).await?;
    let u = &event.user;
    let member_id =
        Store::ensure_member(tx, tenant_id, &u.id, &u.name, u.time_zone.as_deref(), now).await?;
    // The platform's answer (a known name) says who holds which role; remembered so that a slow
    // lookup after a restart is not a downgrade. An unknown name means the lookup did not answer.
    if !u.name.is_empty() {
        Store::remember_roles(tx, member_id, (u.is_lead, u.is_moderator)).await?;
    }
    Ok(MemberRef {
        tenant_id,
        member_id,
    })
}

/// The event's member, unless this event was handled before (a redelivery): then None.
pub(super) async fn member_once(
    tx: &mut Tx<'_>,
    event: &Event,
    now: DateTime<Utc>,
) -> Result<Option<MemberRef>, crate::store::StoreError> {
    let member = member_of(tx, event, now).await?;
    let first = Store::mark_event_processed(tx, member.tenant_id, &event.key, now).await?;
    Ok(first.then_some(member))
}

/// How many search results `/learn <words>` offers.
const SEARCH_RESULTS: usize = 5;

pub(super) fn say(text: impl Into<String>, queued: bool) -> Result<Applied<Reply>, EngineError> {
    Ok(Applied::new(Reply::Ephemeral(Message::text(text)), queued))
}

pub(super) async fn apply(
    core: &Core,
    tx: &mut Tx<'_>,
    event: &Event,
    name: &str,
    args: &str,
    now: DateTime<Utc>,
) -> Result<Applied<Reply>, EngineError> {
    let Some(member) = member_once(tx, event, now).await? else {
        return Ok(Applied::new(Reply::None, false));
    };
    let catalog = core.catalog.current();
    let args = args.trim();
    match name.trim_start_matches('/').to_lowercase().as_str() {
        "learn" => learn(tx, &catalog, event, &member, args, now).await,
        "points" => super::recognition_commands::points(core, tx, event, &member, now).await,
        "leaderboard" => {
            super::recognition_commands::leaderboard(core, tx, event, &member, args, now).await
        }
        "badges" => super::recognition_commands::badges(core, tx, &member, args).await,
        "progress" => progress(tx, &catalog, &member).await,
        "nibble" | "help" => {
            let (sub, rest) = args.split_once(char::is_whitespace).unwrap_or((args, ""));
            let sub = if sub.is_empty() {
                "help".to_string()
            } else {
                sub.to_lowercase()
            };
            if let Some(done) =
                super::campaign_commands::apply(core, tx, event, &member, &sub, rest, now).await
            {
                return done;
            }
            if let Some(done) =
                super::community_commands::route(core, tx, event, &member, (&sub, rest), now).await
            {
                return done;
            }
            match sub.as_str() {
                "leaderboard" => {
                    super::recognition_commands::leaderboard_setting(tx, event, &member, rest).await
                }
                "timezone" | "weekends" => {
                    super::recognition_commands::tenant_setting(tx, event, &member, &sub, rest)
                        .await
                }
                "review-time" => {
                    super::review_commands::review_time(core, tx, event, &member, rest, now).await
                }
                "reviews" => super::review_commands::reviews(core, tx, event, &member, now).await,
                "vacation" => {
                    super::review_commands::vacation(core, tx, event, &member, rest, now).await
                }
                "forget-me" if rest.trim() != "confirm" => say(
                    "This erases your personal data here: your name and id, streak, badges, reviews, partner pools and the messages addressed to you. Your answers stay in the team's statistics without anything that identifies you, and you leave the leaderboards. Type `/nibble forget-me confirm` to go ahead.",
                    false,
                ),
                "forget-me" => {
                    let done =
                        Store::forget_member_in(tx, member.member_id, &event.user.id).await?;
                    tracing::info!(member = member.member_id, "a member asked to be forgotten");
                    say(format!("🗑 Done. {done}"), false)
                }
                "report" => {
                    super::report_command::report(core, tx, event, &member, rest, now).await
                }
                "needs-help" if !event.user.is_lead => say(
                    "Only team leads can see who needs help: ask yours, or check `/progress` for your own results.",
                    false,
                ),
                "needs-help" => super::diagnostics::needs_help(core, tx, &member, rest).await,
                "help" => say(USAGE, false),
                "courses" => say(courses(&catalog), false),
                other => say(format!("I don't know `/nibble {other}`.\n{USAGE}"), false),
            }
        }
        "partner" => super::partner_commands::apply(core, tx, event, &member, args, now).await,
        command @ ("share" | "ask") => {
            super::community_posts::post(core, tx, event, &member, (command, args), now).await
        }
        other => say(
            format!("I don't know the command `/{other}`.\n{USAGE}"),
            false,
        ),
    }
}

async fn learn(
    tx: &mut Tx<'_>,
    catalog: &Catalog,
    event: &Event,
    member: &MemberRef,
    args: &str,
    now: DateTime<Utc>,
) -> Result<Applied<Reply>, EngineError> {
    let seen: HashSet<String> = Store::lessons_seen_by(tx, member.tenant_id, member.member_id)
        .await?
        .into_iter()
        .collect();
    let (lesson, resend) = if args.is_empty() {
        let all = catalog
            .courses()
            .iter()
            .flat_map(|c| catalog.lessons_of(c))
            .collect();
        match next_unseen(all, &seen) {
            Some(l) => (l, false),
            None => {
                return say(
                    "You've done every lesson there is. Nice work! 🎉 `/progress` shows your results.",
                    false,
                );
            }
        }
    } else if let Some(course) = args
        .strip_prefix("diagnose")
        .filter(|rest| rest.is_empty() || rest.starts_with(char::is_whitespace))
    {
        return super::diagnostics::start(tx, catalog, event, member, course.trim(), now).await;
    } else if let Some(l) = catalog.lesson(args) {
        (l, true)
    } else if let Some(course) = catalog.course(args) {
        match next_unseen(catalog.lessons_of(course).collect(), &seen) {
            Some(l) => (l, false),
            None => {
                return say(
                    format!("You've finished every lesson of “{}”. 🎉", course.title),
                    false,
                );
            }
        }
    } else {
        return search(catalog, args);
    };
    send_lesson(tx, catalog, event, member, lesson, resend, now).await
}

/// Search results for `/learn <words>`: the best matches, each with a button that sends it.
fn search(catalog: &Catalog, query: &str) -> Result<Applied<Reply>, EngineError> {
    let hits = catalog.search(query, SEARCH_RESULTS);
    if hits.is_empty() {
        return say(
            format!(
                "No lesson matches “{query}”. Try `/learn` for your next lesson, or `/nibble courses`."
            ),
            false,
        );
    }
    let mut lines = vec![format!("Lessons matching “{query}”, best first:")];
    for l in &hits {
        let course = catalog
            .course(&l.course_id)
            .map_or("", |c| c.title.as_str());
        lines.push(format!(
            "• **{}** ({course}, {} min): {} `/learn {}`",
            l.title, l.minutes, l.objective, l.id
        ));
    }
    let choices = hits
        .iter()
        .map(|l| Choice {
            label: l.title.clone(),
            payload: encode_open(&l.id),
        })
        .collect();
    let menu = Message::Menu {
        text: lines.join("\n"),
        choices,
    };
    Ok(Applied::new(Reply::Ephemeral(menu), false))
}

/// A search result's button: sends that lesson by DM.
pub(super) async fn open_lesson(
    core: &Core,
    tx: &mut Tx<'_>,
    event: &Event,
    lesson_id: &str,
    now: DateTime<Utc>,
) -> Result<Applied<Reply>, EngineError> {
    let catalog = core.catalog.current();
    let Some(lesson) = catalog.lesson(lesson_id) else {
        return say(
            "That lesson no longer exists: `/learn <words>` searches again.",
            false,
        );
    };
    let Some(member) = member_once(tx, event, now).await? else {
        return Ok(Applied::new(Reply::None, false));
    };
    send_lesson(tx, &catalog, event, &member, lesson, true, now).await
}

/// Queues a lesson to the member by DM and says so.
async fn send_lesson(
    tx: &mut Tx<'_>,
    catalog: &Catalog,
    event: &Event,
    member: &MemberRef,
    lesson: &Lesson,
    resend: bool,
    now: DateTime<Utc>,
) -> Result<Applied<Reply>, EngineError> {
    let course_title = catalog
        .course(&lesson.course_id)
        .map(|c| c.title.as_str())
        .unwrap_or("");
    deliver(
        tx,
        &Delivery {
            tenant_id: member.tenant_id,
            lesson,
            course_title,
            recipient: &Recipient::Member(event.user.clone()),
            member_id: Some(member.member_id),
            origin: "learn",
            resend,
        },
        now,
    )
    .await?;
    let text = if event.is_dm {
        format!("Here's “{}” ({} min).", lesson.title, lesson.minutes)
    } else {
        format!(
            "📬 I've sent you “{}” ({} min) by DM.",
            lesson.title, lesson.minutes
        )
    };
    say(text, true)
}

fn next_unseen<'a>(lessons: Vec<&'a Lesson>, seen: &HashSet<String>) -> Option<&'a Lesson> {
    lessons.into_iter().find(|l| !seen.contains(&l.id))
}

async fn progress(
    tx: &mut Tx<'_>,
    catalog: &Catalog,
    member: &MemberRef,
) -> Result<Applied<Reply>, EngineError> {
    let done = Store::completed_lessons(tx, member).await?;
    let stats = Store::member_progress(tx, member).await?;
    let mut lines = vec!["**Your progress**".to_string()];
    for course in catalog.courses() {
        let n = done.iter().filter(|(c, _)| *c == course.id).count();
        if n > 0 {
            lines.push(format!(
                "• {}: {n} of {} lessons",
                course.title,
                course.lesson_ids.len()
            ));
        }
    }
    if lines.len() == 1 {
        lines.push("No lessons completed yet: `/learn` starts one.".into());
    }
    if let Some(s) = stats.filter(|s| s.graded > 0) {
        lines.push(format!(
            "Quiz accuracy: {}% ({} of {} right)",
            s.correct * 100 / s.graded,
            s.correct,
            s.graded
        ));
    }
    say(lines.join("\n"), false)
}

fn courses(catalog: &Catalog) -> String {
    let mut lines = vec!["**Courses**".to_string()];
    for c in catalog.courses() {
        lines.push(format!(
            "• {} ({} lessons): {} `/learn {}`",
            c.title,
            c.lesson_ids.len(),
            c.description,
            c.id
        ));
    }
    lines.join("\n")
}
