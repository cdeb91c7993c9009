//! Slash commands every learner has: `/learn`, `/points`, `/progress`, and help for anything unknown.

use super::deliver::{Delivery, Recipient, deliver};
use super::writer::Applied;
use super::{Core, EngineError};
use crate::chat::{Event, Message, Reply};
use crate::content::{Catalog, Lesson};
use crate::store::{MemberRef, Store, Tx};
use chrono::{DateTime, Utc};
use std::collections::HashSet;

pub const USAGE: &str = "Here's what I can do:\n\
• `/learn`: your next lesson, by DM\n\
• `/learn <lesson id, course id or words>`: a specific lesson, the next in a course, or a search\n\
• `/points`: your points, this week, your rank and your streak\n\
• `/leaderboard [week|month|all] [here]`: the top ten (here: this channel's)\n\
• `/badges [@member]`: badges earned\n\
• `/nibble leaderboard hide|show`: leave or rejoin the leaderboards\n\
• `/progress`: your courses, lessons done and quiz accuracy\n\
• `/nibble courses`: every course\n\
• `/nibble snooze 3d` / `/nibble snooze off`: hold campaign lessons for a while\n\
• `/nibble pause` / `/nibble resume`: stop or restart campaign lessons\n\
• `/nibble campaign …`: drip campaigns (team leads; `/nibble campaign help`)\n\
• `/nibble help`: this list";

fn say(text: impl Into<String>, queued: bool) -> Result<Applied<Reply>, EngineError> {
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
    let tenant_id = Store::ensure_tenant(tx, event.platform.as_str(), &event.tenant, now).await?;
    let u = &event.user;
    let member_id =
        Store::ensure_member(tx, tenant_id, &u.id, &u.name, u.time_zone.as_deref(), now).await?;
    if !Store::mark_event_processed(tx, tenant_id, &event.key, now).await? {
        return Ok(Applied::new(Reply::None, false));
    }
    let member = MemberRef {
        tenant_id,
        member_id,
    };
    let catalog = core.catalog.current();
    let args = args.trim();
    match name.trim_start_matches('/').to_lowercase().as_str() {
        "learn" => learn(tx, &catalog, event, &member, args, now).await,
        "points" => super::recognition_commands::points(core, tx, event, &member, now).await,
        "leaderboard" => {
            super::recognition_commands::leaderboard(core, tx, event, &member, args, now).await
        }
        "badges" => super::recognition_commands::badges(core, tx, &member, args, now).await,
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
            match sub.as_str() {
                "leaderboard" => {
                    super::recognition_commands::leaderboard_setting(tx, event, &member, rest).await
                }
                "timezone" | "weekends" => {
                    super::recognition_commands::tenant_setting(tx, event, &member, &sub, rest)
                        .await
                }
                "help" => say(USAGE, false),
                "courses" => say(courses(&catalog), false),
                other => say(format!("I don't know `/nibble {other}`.\n{USAGE}"), false),
            }
        }
        // Registered on the platforms already; their features are still being built.
        other @ ("partner" | "share") => say(
            format!("`/{other}` isn't available in this version of nibble yet.\n{USAGE}"),
            false,
        ),
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
        let hits = catalog.search(args);
        match hits.as_slice() {
            [] => {
                return say(
                    format!(
                        "No lesson matches “{args}”. Try `/learn` for your next lesson, or `/nibble courses`."
                    ),
                    false,
                );
            }
            [one] => (*one, true),
            many => {
                let list: Vec<String> = many
                    .iter()
                    .take(5)
                    .map(|l| format!("• {} (`/learn {}`)", l.title, l.id))
                    .collect();
                return say(
                    format!("Lessons matching “{args}”:\n{}", list.join("\n")),
                    false,
                );
            }
        }
    };
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
