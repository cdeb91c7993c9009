//! Moderator tools for discussion threads: start, list, show, close; feature, unfeature and take
//! points from replies; keep a member off the leaderboards. Only community moderators may use them.

use crate::chat::{Destination, Event, Message, Reply};
use crate::command::values::number;
use crate::command::values::unquote;
use crate::engine::core::applied::Applied;
use crate::engine::core::errors::EngineError;
use crate::engine::core::reply::{say, say_queued};
use crate::engine::core::state::Core;
use crate::engine::core::text::NOT_MODERATOR;
use crate::engine::core::text::clip;
use crate::engine::core::text::plural;
use crate::engine::core::threads::Opening;
use crate::engine::core::threads::open;
use crate::store::{MemberRef, Store, Tx};
use chrono::{DateTime, Utc};

pub const THREAD_USAGE: &str = "Moderator tools:\n\
• `/nibble thread start \"question\"`: open a discussion thread here\n\
• `/nibble thread list [page]`: open threads with reply counts\n\
• `/nibble thread show <thread>`: who took part, and each reply's number\n\
• `/nibble thread close <thread>`: lock it (replies earn nothing more)\n\
• `/nibble feature <reply>` / `/nibble unfeature <reply>`: feature a reply (bonus points), or a ⭐ reaction\n\
• `/nibble unpoint <reply>`: take a reply's points away\n\
• `/nibble exclude @member` / `/nibble include @member`: keep a member off the leaderboards, or back\n\
• `/nibble prompts <course|general> \"<cron>\" [zone]`, `/nibble checkins \"<cron>\" [zone]`, `/nibble digest \"<cron>\" [zone]|now`: schedules for this channel; `/nibble community` lists them, `/nibble unschedule <n>` stops one\n\
• `/nibble stories-channel`, `/nibble qa-channel [course]`: where `/share` and `/ask` post";

/// Lines per page of a thread list: well inside every platform's message limit.
const PAGE: usize = 10;

/// The community subcommands of `/nibble`; None when `verb` is not one of them.
/// `/nibble moderate <subcommand>` reaches the same ones (Discord has room for 25 subcommands).
pub(crate) async fn route(
    core: &Core,
    tx: &mut Tx<'_>,
    event: &Event,
    member: &MemberRef,
    (verb, rest): (&str, &str),
    now: DateTime<Utc>,
) -> Option<Result<Applied<Reply>, EngineError>> {
    let (verb, rest) = match verb {
        "moderate" | "moderators" if rest.trim().is_empty() => {
            return Some(say(THREAD_USAGE));
        }
        "moderate" => {
            let (v, r) = rest
                .trim()
                .split_once(char::is_whitespace)
                .unwrap_or((rest.trim(), ""));
            (v.to_lowercase(), r)
        }
        other => (other.to_string(), rest),
    };
    Some(match verb.as_str() {
        "thread" => thread(tx, event, member, rest, now).await,
        "feature" | "unfeature" | "unpoint" | "exclude" | "include" => {
            crate::engine::community::moderation::moderate(
                core,
                tx,
                event,
                member,
                (&verb, rest),
                now,
            )
            .await
        }
        "prompts" | "checkins" | "digest" | "community" | "unschedule" | "stories-channel"
        | "qa-channel" => {
            crate::engine::community::schedule::apply(core, tx, event, member, (&verb, rest), now)
                .await
        }
        "suggest" | "suggestions" => {
            crate::engine::community::posts::suggest(tx, event, member, (&verb, rest), now).await
        }
        _ => return None,
    })
}

/// `/nibble thread …`
async fn thread(
    tx: &mut Tx<'_>,
    event: &Event,
    member: &MemberRef,
    args: &str,
    now: DateTime<Utc>,
) -> Result<Applied<Reply>, EngineError> {
    if !event.user.is_moderator {
        return say(NOT_MODERATOR);
    }
    let (verb, rest) = args.split_once(char::is_whitespace).unwrap_or((args, ""));
    match verb.to_lowercase().as_str() {
        "start" => {
            let question = unquote(rest);
            if question.is_empty() {
                return say("Usage: `/nibble thread start \"your question\"`");
            }
            if question.chars().count() > 1000 {
                return say("That question is too long: keep it under 1,000 characters.");
            }
            let opening = Opening {
                tenant_id: member.tenant_id,
                kind: "prompt",
                channel: &event.channel,
                title: question,
                text: format!("💬 **Discussion:** {question}\nReply in the thread 🧵"),
                author_id: Some(member.member_id),
                course_id: None,
                lesson_id: None,
                reflection: false,
                key: format!("thread:{}", event.key),
            };
            let id = open(tx, &opening, now).await?;
            say_queued(format!("Thread {id} started here."))
        }
        "list" => list(tx, member, rest).await,
        "show" => show(tx, member, rest).await,
        "close" => close(tx, member, rest, now).await,
        _ => say(THREAD_USAGE),
    }
}

async fn list(
    tx: &mut Tx<'_>,
    member: &MemberRef,
    rest: &str,
) -> Result<Applied<Reply>, EngineError> {
    let open = Store::open_discussions(tx, member.tenant_id).await?;
    if open.is_empty() {
        return say("No open threads.");
    }
    let pages = open.len().div_ceil(PAGE);
    let page = number(rest).map_or(1, |n| (n as usize).clamp(1, pages));
    let mut lines = vec![format!(
        "**Open threads** ({} in all, page {page} of {pages})",
        open.len()
    )];
    for (d, replies, members) in open.iter().skip((page - 1) * PAGE).take(PAGE) {
        lines.push(format!(
            "• {} “{}” in {}: {} from {} ({})",
            d.id,
            clip(&d.title, 80),
            crate::engine::core::text::channel_ref(&d.channel),
            plural(*replies, "reply", "replies"),
            plural(*members, "member", "members"),
            d.kind
        ));
    }
    if page < pages {
        lines.push(format!("`/nibble thread list {}` for more", page + 1));
    }
    say(lines.join("\n"))
}

async fn show(
    tx: &mut Tx<'_>,
    member: &MemberRef,
    rest: &str,
) -> Result<Applied<Reply>, EngineError> {
    let Some(d) = thread_arg(tx, member, rest).await? else {
        return say("No such thread here: `/nibble thread list` shows them.");
    };
    let people = Store::participants(tx, d.id).await?;
    let replies = Store::replies_of(tx, d.id).await?;
    let mut lines = vec![format!(
        "**Thread {}** “{}” ({})",
        d.id,
        clip(&d.title, 80),
        d.state
    )];
    for p in people.iter().take(20) {
        lines.push(format!(
            "• <@{}>: {}, first at {}, {} characters, {} points",
            p.external_id,
            plural(p.replies, "reply", "replies"),
            p.first_at
                .get(..16)
                .unwrap_or(&p.first_at)
                .replace('T', " "),
            p.length,
            p.points
        ));
    }
    let standing: Vec<String> = replies
        .iter()
        .rev()
        .filter(|r| r.deleted_at.is_none())
        .take(15)
        .map(|r| {
            let star = if r.featured { " ⭐" } else { "" };
            format!("#{} ({} pts{star})", r.id, r.points)
        })
        .collect();
    if !standing.is_empty() {
        lines.push(format!("Latest replies: {}", standing.join(", ")));
    }
    say(lines.join("\n"))
}

async fn thread_arg(
    tx: &mut Tx<'_>,
    member: &MemberRef,
    rest: &str,
) -> Result<Option<crate::store::DiscussionRow>, EngineError> {
    Ok(match number(rest) {
        Some(id) => Store::discussion(tx, member.tenant_id, id).await?,
        None => None,
    })
}

async fn close(
    tx: &mut Tx<'_>,
    member: &MemberRef,
    rest: &str,
    now: DateTime<Utc>,
) -> Result<Applied<Reply>, EngineError> {
    let Some(d) = thread_arg(tx, member, rest).await? else {
        return say("No such thread here: `/nibble thread list` shows them.");
    };
    if !Store::close_discussion(tx, d.id, now).await? {
        return say(format!("Thread {} is closed already.", d.id));
    }
    let to = match Store::thread_of(tx, d.outbox_id).await? {
        Some((channel, thread)) => Destination::Thread { channel, thread },
        None => Destination::Channel { channel: d.channel },
    };
    let text =
        "🔒 This thread is closed: thanks for taking part! Replies here no longer earn points.";
    let key = format!("closed:{}", d.id);
    crate::engine::core::deliver::queue(tx, member.tenant_id, &key, &to, &Message::text(text), now)
        .await?;
    // Where the platform can (Discord), the thread is locked once the note is in it.
    if matches!(to, Destination::Thread { .. }) {
        Store::lock_thread_after(tx, &key).await?;
    }
    say_queued(format!("Thread {} closed.", d.id))
}
