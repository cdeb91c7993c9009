//! Routing: which feature handles an incoming event, click or command.

use crate::chat::{Action, Destination, Event, EventKind, Message, Reply};
use crate::engine::core::applied::Applied;
use crate::engine::core::errors::EngineError;
use crate::engine::core::members::member_once;
use crate::engine::core::reply::{say, silent};
use crate::engine::core::state::Core;
use crate::store::{Store, Tx};
use chrono::{DateTime, Utc};

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

pub(crate) async fn apply_event(
    core: &Core,
    tx: &mut Tx<'_>,
    event: &Event,
    now: DateTime<Utc>,
) -> Result<Applied<Reply>, EngineError> {
    match &event.kind {
        EventKind::Button { payload, values } => click(core, tx, event, payload, values, now).await,
        EventKind::Command { name, args } => {
            let applied = command(core, tx, event, name, args, now).await?;
            crate::engine::setup_notices::tell_lead(tx, event, applied, now).await
        }
        EventKind::MemberJoined => welcome(core, tx, event, now).await,
        EventKind::Message { id, text, thread } => {
            crate::engine::community::discussions::on_message(
                core,
                tx,
                event,
                (id, text, thread.as_deref()),
                now,
            )
            .await
        }
        EventKind::MessageEdited { id, text } => {
            crate::engine::community::discussions::on_edit(core, tx, event, (id, text), now).await
        }
        EventKind::MessageDeleted { id } => {
            crate::engine::community::discussions::on_delete(core, tx, event, id, now).await
        }
        EventKind::Reaction {
            message,
            emoji,
            added,
        } => {
            crate::engine::community::discussions::on_reaction(
                core,
                tx,
                event,
                (message, emoji, *added),
                now,
            )
            .await
        }
    }
}

async fn click(
    core: &Core,
    tx: &mut Tx<'_>,
    event: &Event,
    payload: &str,
    values: &[String],
    now: DateTime<Utc>,
) -> Result<Applied<Reply>, EngineError> {
    match Action::decode(payload, values) {
        Ok(Action::Answer { prompt_id, choices }) => {
            crate::engine::lessons::answer::answer_quiz(core, tx, event, prompt_id, choices, now)
                .await
        }
        Ok(Action::Review { prompt_id, choices }) => {
            crate::engine::reviews::click::apply(core, tx, event, prompt_id, &choices, now).await
        }
        Ok(Action::Open { lesson_id }) => {
            crate::engine::lessons::learn::open_lesson(core, tx, event, &lesson_id, now).await
        }
        Ok(Action::Vote { suggestion_id }) => {
            crate::engine::community::posts::vote(tx, event, suggestion_id, now).await
        }
        Ok(action @ (Action::JoinPool { .. } | Action::CheckIn { .. })) => {
            crate::engine::partners::commands::click(core, tx, event, action, now).await
        }
        Err(_) => {
            tracing::warn!(payload, "rejected a malformed button payload");
            say("That button isn't valid here.")
        }
    }
}

async fn welcome(
    core: &Core,
    tx: &mut Tx<'_>,
    event: &Event,
    now: DateTime<Utc>,
) -> Result<Applied<Reply>, EngineError> {
    let Some(crate::store::MemberRef {
        tenant_id,
        member_id,
    }) = crate::engine::core::members::member_once(tx, event, now).await?
    else {
        return silent(false);
    };
    let u = &event.user;
    crate::engine::campaigns::enrol::on_join(core, tx, tenant_id, member_id, event, now).await?;
    // A mention, not a name: it reads right even when the platform has not told us the name yet.
    let text = format!(
        "Welcome, <@{}>! I'm nibble: short lessons and one-tap quizzes right here in chat. \
         Type `/learn` for your first lesson, or `/learn <topic>` to find one.",
        u.id
    );
    let to = Destination::Member { user: u.id.clone() };
    let key = format!("welcome:{tenant_id}:{}", u.id);
    let queued =
        crate::engine::core::deliver::queue(tx, tenant_id, &key, &to, &Message::text(text), now)
            .await?;
    silent(queued)
}

async fn command(
    core: &Core,
    tx: &mut Tx<'_>,
    event: &Event,
    name: &str,
    args: &str,
    now: DateTime<Utc>,
) -> Result<Applied<Reply>, EngineError> {
    let Some(member) = member_once(tx, event, now).await? else {
        return silent(false);
    };
    let catalog = core.catalog.current();
    let args = args.trim();
    match name.trim_start_matches('/').to_lowercase().as_str() {
        "learn" => {
            crate::engine::lessons::learn::learn(tx, &catalog, event, &member, args, now).await
        }
        "points" => {
            crate::engine::recognition::commands::points(core, tx, event, &member, now).await
        }
        "leaderboard" => {
            crate::engine::recognition::commands::leaderboard(core, tx, event, &member, args, now)
                .await
        }
        "badges" => crate::engine::recognition::commands::badges(core, tx, &member, args).await,
        "progress" => crate::engine::lessons::learn::progress(tx, &catalog, &member).await,
        "nibble" | "help" => {
            let (sub, rest) = args.split_once(char::is_whitespace).unwrap_or((args, ""));
            let sub = if sub.is_empty() {
                "help".to_string()
            } else {
                sub.to_lowercase()
            };
            if let Some(done) =
                crate::engine::campaigns::commands::apply(core, tx, event, &member, &sub, rest, now)
                    .await
            {
                return done;
            }
            if let Some(done) = crate::engine::community::commands::route(
                core,
                tx,
                event,
                &member,
                (&sub, rest),
                now,
            )
            .await
            {
                return done;
            }
            match sub.as_str() {
                "leaderboard" => {
                    crate::engine::recognition::commands::leaderboard_setting(
                        tx, event, &member, rest,
                    )
                    .await
                }
                "timezone" | "weekends" => {
                    crate::engine::recognition::commands::tenant_setting(
                        tx, event, &member, &sub, rest,
                    )
                    .await
                }
                "review-time" => {
                    crate::engine::reviews::commands::review_time(
                        core, tx, event, &member, rest, now,
                    )
                    .await
                }
                "reviews" => {
                    crate::engine::reviews::commands::reviews(core, tx, event, &member, now).await
                }
                "vacation" => {
                    crate::engine::reviews::commands::vacation(core, tx, event, &member, rest, now)
                        .await
                }
                "forget-me" if rest.trim() != "confirm" => say(
                    "This erases your personal data here: your name and id, streak, badges, reviews, partner pools and the messages addressed to you. Your answers stay in the team's statistics without anything that identifies you, and you leave the leaderboards. Type `/nibble forget-me confirm` to go ahead.",
                ),
                "forget-me" => {
                    let done =
                        Store::forget_member_in(tx, member.member_id, &event.user.id).await?;
                    tracing::info!(member = member.member_id, "a member asked to be forgotten");
                    say(format!("🗑 Done. {done}"))
                }
                "report" => {
                    crate::engine::reports::command::report(core, tx, event, &member, rest, now)
                        .await
                }
                "needs-help" if !event.user.is_lead => say(
                    "Only team leads can see who needs help: ask yours, or check `/progress` for your own results.",
                ),
                "needs-help" => {
                    crate::engine::lessons::diagnostics::needs_help(core, tx, &member, rest).await
                }
                "help" => say(USAGE),
                "courses" => say(crate::engine::lessons::learn::courses(&catalog)),
                other => say(format!("I don't know `/nibble {other}`.\n{USAGE}")),
            }
        }
        "partner" => {
            crate::engine::partners::commands::apply(core, tx, event, &member, args, now).await
        }
        command @ ("share" | "ask") => {
            crate::engine::community::posts::post(core, tx, event, &member, (command, args), now)
                .await
        }
        other => say(format!("I don't know the command `/{other}`.\n{USAGE}")),
    }
}
