//! What members post to the community: `/share` success stories, `/ask` questions for mentors and
//! moderators, and `/nibble suggest` topics for new lessons, with votes.

use crate::chat::{Choice, Event, Message, Reply, encode_vote};
use crate::command::Topic;
use crate::command::community_posts::{MAX_POST, too_long};
use crate::engine::core::applied::Applied;
use crate::engine::core::ctx::Ctx;
use crate::engine::core::errors::EngineError;
use crate::engine::core::reply::{say, say_queued};
use crate::engine::core::text::channel_ref;
use crate::engine::core::text::clip;
use crate::engine::core::threads::Opening;
use crate::engine::core::threads::open;
use crate::store::{Store, ThreadKind, Tx};
use chrono::{DateTime, Utc};

/// `/share <story>`.
pub(crate) async fn share(
    ctx: &mut Ctx<'_, '_>,
    story: &str,
) -> Result<Applied<Reply>, EngineError> {
    let who = &ctx.event.user.id;
    let body = format!("🌟 **Success story** from <@{who}>:\n{story}\nComment in the thread 🧵");
    post(ctx, (ThreadKind::Story, "stories"), None, story, body).await
}

/// `/ask [course] <question>`: a first word that is a course id says what the question is about.
pub(crate) async fn ask(
    ctx: &mut Ctx<'_, '_>,
    question: &str,
) -> Result<Applied<Reply>, EngineError> {
    let catalog = ctx.catalog.clone();
    let (course, text) = match question.split_once(char::is_whitespace) {
        Some((first, rest)) if catalog.course(first).is_some() => (Some(first), rest.trim()),
        _ => (None, question),
    };
    // Only now is it known which words are the question.
    if text.chars().count() > MAX_POST {
        return say(too_long());
    }
    let who = &ctx.event.user.id;
    let about = course
        .and_then(|c| catalog.course(c))
        .map(|c| format!(" about “{}”", c.title))
        .unwrap_or_default();
    let body = format!(
        "❓ **Question** from <@{who}>{about}:\n{text}\nMentors and moderators: please answer in the thread 🧵"
    );
    post(ctx, (ThreadKind::Question, "qa"), course, text, body).await
}

/// Opens a story's or question's thread in the channel set for its `role` (and course).
async fn post(
    ctx: &mut Ctx<'_, '_>,
    (kind, role): (ThreadKind, &str),
    course: Option<&str>,
    text: &str,
    body: String,
) -> Result<Applied<Reply>, EngineError> {
    let tenant_id = ctx.member.tenant_id;
    let Some(channel) =
        Store::community_channel(ctx.tx, tenant_id, role, course.unwrap_or("")).await?
    else {
        return say(format!(
            "There's no {} channel yet: a community moderator sets one with `/nibble {}`.",
            if role == "qa" { "Q&A" } else { "stories" },
            if role == "qa" {
                "qa-channel"
            } else {
                "stories-channel"
            }
        ));
    };
    let opening = Opening {
        tenant_id,
        kind,
        channel: &channel,
        title: &clip(text, 120),
        text: body,
        author_id: Some(ctx.member.member_id),
        course_id: course,
        lesson_id: None,
        reflection: false,
        key: format!("{kind}:{}", ctx.event.key),
    };
    open(ctx.tx, &opening, ctx.now).await?;
    let what = if kind == ThreadKind::Story {
        "Thanks for sharing! Your story"
    } else {
        "Your question"
    };
    say_queued(format!("{what} is posted in {}.", channel_ref(&channel)))
}

/// `/nibble suggestions` (moderators and team leads): every topic, with votes.
pub(crate) async fn suggestions(ctx: &mut Ctx<'_, '_>) -> Result<Applied<Reply>, EngineError> {
    let all = Store::suggestions(ctx.tx, ctx.member.tenant_id, 25).await?;
    if all.is_empty() {
        return say("No topic suggestions yet.");
    }
    let mut lines = vec![format!("**Lesson topics suggested** (top {})", all.len())];
    lines.extend(
        all.iter()
            .map(|s| format!("• {} vote(s): {}", s.votes, clip(&s.topic, 120))),
    );
    say(lines.join("\n"))
}

/// `/nibble suggest [topic]`: suggests (or votes for) a topic; without one, the top ones to vote for.
pub(crate) async fn suggest(
    ctx: &mut Ctx<'_, '_>,
    topic: Option<Topic>,
) -> Result<Applied<Reply>, EngineError> {
    let (tenant_id, member_id) = (ctx.member.tenant_id, ctx.member.member_id);
    let Some(Topic { text: topic, key }) = topic else {
        let top = Store::suggestions(ctx.tx, tenant_id, 5).await?;
        if top.is_empty() {
            return say("No suggestions yet: `/nibble suggest <topic>` proposes a lesson topic.");
        }
        let mut lines = vec!["Topics suggested for new lessons: tap to add your vote.".to_string()];
        lines.extend(
            top.iter()
                .map(|s| format!("• {} ({} votes)", s.topic, s.votes)),
        );
        let choices = top
            .iter()
            .map(|s| Choice {
                label: format!("👍 {}", clip(&s.topic, 60)),
                payload: encode_vote(s.id),
            })
            .collect();
        let menu = Message::Menu {
            text: lines.join("\n"),
            choices,
        };
        return Ok(Applied::new(Reply::Ephemeral(menu), false));
    };
    let (_, new_vote) =
        Store::suggest(ctx.tx, tenant_id, member_id, (&topic, &key), ctx.now).await?;
    say(if new_vote {
        format!("Thanks: “{topic}” is on the list for the lesson writers.")
    } else {
        format!("You've suggested or voted for “{topic}” already.")
    })
}

/// A vote button: one vote per member and suggestion, only for this tenant's suggestions.
pub(crate) async fn vote(
    tx: &mut Tx<'_>,
    event: &Event,
    suggestion_id: i64,
    now: DateTime<Utc>,
) -> Result<Applied<Reply>, EngineError> {
    let member = crate::engine::core::members::member_of(tx, event, now).await?;
    let counted = Store::vote(tx, member.tenant_id, suggestion_id, member.member_id, now).await?;
    say(if counted {
        "👍 Vote counted."
    } else {
        "You've voted for that one already (or it isn't a suggestion here)."
    })
}
