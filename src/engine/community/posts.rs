//! What members post to the community: `/share` success stories, `/ask` questions for mentors and
//! moderators, and `/nibble suggest` topics for new lessons, with votes.

use crate::chat::{Choice, Event, Message, Reply, encode_vote};
use crate::engine::core::applied::Applied;
use crate::engine::core::errors::EngineError;
use crate::engine::core::reply::{say, say_queued};
use crate::engine::core::state::Core;
use crate::engine::core::text::channel_ref;
use crate::engine::core::text::clip;
use crate::engine::core::threads::Opening;
use crate::engine::core::threads::open;
use crate::store::{MemberRef, Store, Tx};
use chrono::{DateTime, Utc};

const MAX_POST: usize = 2000;

/// `/share <story>` and `/ask [course] <question>`.
pub(crate) async fn post(
    core: &Core,
    tx: &mut Tx<'_>,
    event: &Event,
    member: &MemberRef,
    (command, args): (&str, &str),
    now: DateTime<Utc>,
) -> Result<Applied<Reply>, EngineError> {
    let catalog = core.catalog.current();
    let (course, text) = match args.split_once(char::is_whitespace) {
        Some((first, rest)) if command == "ask" && catalog.course(first).is_some() => {
            (Some(first), rest.trim())
        }
        _ => (None, args.trim()),
    };
    if text.is_empty() {
        return say(if command == "share" {
            "Usage: `/share <your story>`: what you tried, and what happened."
        } else {
            "Usage: `/ask [course] <your question>`"
        });
    }
    if text.chars().count() > MAX_POST {
        return say(format!(
            "That's over {MAX_POST} characters: please shorten it."
        ));
    }
    let role = if command == "share" { "stories" } else { "qa" };
    let Some(channel) =
        Store::community_channel(tx, member.tenant_id, role, course.unwrap_or("")).await?
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
    let who = &event.user.id;
    let (kind, body) = if command == "share" {
        (
            "story",
            format!("🌟 **Success story** from <@{who}>:\n{text}\nComment in the thread 🧵"),
        )
    } else {
        let about = course
            .and_then(|c| catalog.course(c))
            .map(|c| format!(" about “{}”", c.title))
            .unwrap_or_default();
        (
            "question",
            format!(
                "❓ **Question** from <@{who}>{about}:\n{text}\nMentors and moderators: please answer in the thread 🧵"
            ),
        )
    };
    let opening = Opening {
        tenant_id: member.tenant_id,
        kind,
        channel: &channel,
        title: &clip(text, 120),
        text: body,
        author_id: Some(member.member_id),
        course_id: course,
        lesson_id: None,
        reflection: false,
        key: format!("{kind}:{}", event.key),
    };
    open(tx, &opening, now).await?;
    let what = if kind == "story" {
        "Thanks for sharing! Your story"
    } else {
        "Your question"
    };
    say_queued(format!("{what} is posted in {}.", channel_ref(&channel)))
}

/// Lowercase words of letters and digits: "Giving  Feedback!" and "giving feedback" are one topic.
fn topic_key(topic: &str) -> String {
    topic
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// `/nibble suggest [topic]` (anyone) and `/nibble suggestions` (moderators and team leads).
pub(crate) async fn suggest(
    tx: &mut Tx<'_>,
    event: &Event,
    member: &MemberRef,
    (verb, topic): (&str, &str),
    now: DateTime<Utc>,
) -> Result<Applied<Reply>, EngineError> {
    let topic = crate::command::values::unquote(topic);
    if verb == "suggestions" {
        if !(event.user.is_moderator || event.user.is_lead) {
            return say(
                "Only moderators and team leads see every suggestion; `/nibble suggest` shows the top ones.",
            );
        }
        let all = Store::suggestions(tx, member.tenant_id, 25).await?;
        if all.is_empty() {
            return say("No topic suggestions yet.");
        }
        let mut lines = vec![format!("**Lesson topics suggested** (top {})", all.len())];
        lines.extend(
            all.iter()
                .map(|s| format!("• {} vote(s): {}", s.votes, clip(&s.topic, 120))),
        );
        return say(lines.join("\n"));
    }
    if topic.is_empty() {
        let top = Store::suggestions(tx, member.tenant_id, 5).await?;
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
    }
    let key = topic_key(topic);
    if key.is_empty() || topic.chars().count() > 200 {
        return say("A topic needs a few words (at most 200 characters).");
    }
    let (_, new_vote) =
        Store::suggest(tx, member.tenant_id, member.member_id, (topic, &key), now).await?;
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

#[cfg(test)]
mod tests {
    #[test]
    fn topics_match_regardless_of_case_and_punctuation() {
        assert_eq!(super::topic_key("  Giving  Feedback!"), "giving feedback");
        assert_eq!(super::topic_key("giving feedback"), "giving feedback");
        assert_eq!(super::topic_key("¡!"), "");
    }
}
