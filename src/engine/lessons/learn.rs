//! `/learn` (next lesson, a named lesson or course, a search), its result buttons, `/progress` and
//! the course list.

use crate::chat::{Choice, Event, Message, Reply, encode_open};
use crate::command::LearnTarget;
use crate::content::{Catalog, Lesson};
use crate::engine::core::applied::Applied;
use crate::engine::core::ctx::Ctx;
use crate::engine::core::deliver::{Delivery, Recipient, deliver};
use crate::engine::core::errors::EngineError;
use crate::engine::core::members::member_once;
use crate::engine::core::reply::{say, say_queued, silent};
use crate::engine::core::state::Core;
use crate::store::{MemberRef, Store, Tx};
use chrono::{DateTime, Utc};
use std::collections::HashSet;

/// How many search results `/learn <words>` offers.
const SEARCH_RESULTS: usize = 5;

/// `/learn`: the next lesson, a named lesson (sent again if seen), a course's next lesson, a
/// course's diagnostic, or a search.
pub(crate) async fn learn(
    ctx: &mut Ctx<'_, '_>,
    target: LearnTarget,
) -> Result<Applied<Reply>, EngineError> {
    let catalog = ctx.catalog.clone();
    let topic = match target {
        LearnTarget::Diagnose(course) => {
            return crate::engine::lessons::diagnostics::start(
                ctx.tx,
                &catalog,
                ctx.event,
                &ctx.member,
                &course,
                ctx.now,
            )
            .await;
        }
        LearnTarget::Next => None,
        LearnTarget::Topic(topic) => Some(topic),
    };
    let seen: HashSet<String> =
        Store::lessons_seen_by(ctx.tx, ctx.member.tenant_id, ctx.member.member_id)
            .await?
            .into_iter()
            .collect();
    let (lesson, resend) = match topic.as_deref() {
        None => {
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
                    );
                }
            }
        }
        Some(topic) => {
            if let Some(l) = catalog.lesson(topic) {
                (l, true)
            } else if let Some(course) = catalog.course(topic) {
                match next_unseen(catalog.lessons_of(course).collect(), &seen) {
                    Some(l) => (l, false),
                    None => {
                        return say(format!(
                            "You've finished every lesson of “{}”. 🎉",
                            course.title
                        ));
                    }
                }
            } else {
                return search(&catalog, topic);
            }
        }
    };
    send_lesson(
        ctx.tx,
        &catalog,
        ctx.event,
        &ctx.member,
        lesson,
        resend,
        ctx.now,
    )
    .await
}

/// Search results for `/learn <words>`: the best matches, each with a button that sends it.
fn search(catalog: &Catalog, query: &str) -> Result<Applied<Reply>, EngineError> {
    let hits = catalog.search(query, SEARCH_RESULTS);
    if hits.is_empty() {
        return say(format!(
            "No lesson matches “{query}”. Try `/learn` for your next lesson, or `/nibble courses`."
        ));
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
pub(crate) async fn open_lesson(
    core: &Core,
    tx: &mut Tx<'_>,
    event: &Event,
    lesson_id: &str,
    now: DateTime<Utc>,
) -> Result<Applied<Reply>, EngineError> {
    let catalog = core.catalog.current();
    let Some(lesson) = catalog.lesson(lesson_id) else {
        return say("That lesson no longer exists: `/learn <words>` searches again.");
    };
    let Some(member) = member_once(tx, event, now).await? else {
        return silent(false);
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
    say_queued(text)
}

fn next_unseen<'a>(lessons: Vec<&'a Lesson>, seen: &HashSet<String>) -> Option<&'a Lesson> {
    lessons.into_iter().find(|l| !seen.contains(&l.id))
}

pub(crate) async fn progress(ctx: &mut Ctx<'_, '_>) -> Result<Applied<Reply>, EngineError> {
    let done = Store::completed_lessons(ctx.tx, &ctx.member).await?;
    let stats = Store::member_progress(ctx.tx, &ctx.member).await?;
    let catalog = ctx.catalog.clone();
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
    say(lines.join("\n"))
}

pub(crate) fn courses(catalog: &Catalog) -> String {
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
