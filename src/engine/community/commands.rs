//! Runs the community feature's commands, and the moderators' thread tools: start, list, show,
//! close. Who may run each is the command's to say (the route checks it).

use crate::chat::{Destination, Message, Reply};
use crate::command::community_moderate::{NO_SUCH_THREAD, THREAD_USAGE};
use crate::command::{CommunityCommand, ThreadCommand};
use crate::engine::core::applied::Applied;
use crate::engine::core::ctx::Ctx;
use crate::engine::core::errors::EngineError;
use crate::engine::core::reply::{say, say_queued};
use crate::engine::core::text::clip;
use crate::engine::core::text::plural;
use crate::engine::core::threads::Opening;
use crate::engine::core::threads::open;
use crate::store::{DiscussionRow, Store, ThreadKind};

/// Lines per page of a thread list: well inside every platform's message limit.
const PAGE: usize = 10;

pub(crate) async fn execute(
    ctx: &mut Ctx<'_, '_>,
    command: CommunityCommand,
) -> Result<Applied<Reply>, EngineError> {
    match command {
        CommunityCommand::ModeratorTools => say(THREAD_USAGE),
        CommunityCommand::Thread(c) => thread(ctx, c).await,
        CommunityCommand::Reply { action, reply } => {
            super::moderation::reply(ctx, action, reply).await
        }
        CommunityCommand::Leaderboard { member, excluded } => {
            super::moderation::leaderboard(ctx, &member, excluded).await
        }
        CommunityCommand::Setting(s) => super::schedule::apply(ctx, s).await,
        CommunityCommand::Share { story } => super::posts::share(ctx, &story).await,
        CommunityCommand::Ask { question } => super::posts::ask(ctx, &question).await,
        CommunityCommand::Suggest { topic } => super::posts::suggest(ctx, topic).await,
        CommunityCommand::Suggestions => super::posts::suggestions(ctx).await,
    }
}

/// `/nibble thread …`
async fn thread(
    ctx: &mut Ctx<'_, '_>,
    command: ThreadCommand,
) -> Result<Applied<Reply>, EngineError> {
    match command {
        ThreadCommand::Start { question } => {
            let opening = Opening {
                tenant_id: ctx.member.tenant_id,
                kind: ThreadKind::Prompt,
                channel: &ctx.event.channel,
                title: &question,
                text: format!("💬 **Discussion:** {question}\nReply in the thread 🧵"),
                author_id: Some(ctx.member.member_id),
                course_id: None,
                lesson_id: None,
                reflection: false,
                key: format!("thread:{}", ctx.event.key),
            };
            let id = open(ctx.tx, &opening, ctx.now).await?;
            say_queued(format!("Thread {id} started here."))
        }
        ThreadCommand::List { page } => list(ctx, page).await,
        ThreadCommand::Show { thread } => show(ctx, thread).await,
        ThreadCommand::Close { thread } => close(ctx, thread).await,
    }
}

async fn list(ctx: &mut Ctx<'_, '_>, page: Option<i64>) -> Result<Applied<Reply>, EngineError> {
    let open = Store::open_discussions(ctx.tx, ctx.member.tenant_id).await?;
    if open.is_empty() {
        return say("No open threads.");
    }
    let pages = open.len().div_ceil(PAGE);
    let page = page.map_or(1, |n| usize::try_from(n).unwrap_or(1).clamp(1, pages));
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

async fn show(ctx: &mut Ctx<'_, '_>, thread: i64) -> Result<Applied<Reply>, EngineError> {
    let Some(d) = discussion(ctx, thread).await? else {
        return say(NO_SUCH_THREAD);
    };
    let people = Store::participants(ctx.tx, d.id).await?;
    let replies = Store::replies_of(ctx.tx, d.id).await?;
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
            p.first_at.0.format("%Y-%m-%d %H:%M"),
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

/// This workspace's thread with that number, if there is one.
async fn discussion(
    ctx: &mut Ctx<'_, '_>,
    thread: i64,
) -> Result<Option<DiscussionRow>, EngineError> {
    Ok(Store::discussion(ctx.tx, ctx.member.tenant_id, thread).await?)
}

async fn close(ctx: &mut Ctx<'_, '_>, thread: i64) -> Result<Applied<Reply>, EngineError> {
    let Some(d) = discussion(ctx, thread).await? else {
        return say(NO_SUCH_THREAD);
    };
    if !Store::close_discussion(ctx.tx, d.id, ctx.now).await? {
        return say(format!("Thread {} is closed already.", d.id));
    }
    let to = match Store::thread_of(ctx.tx, d.outbox_id).await? {
        Some((channel, thread)) => Destination::Thread { channel, thread },
        None => Destination::Channel { channel: d.channel },
    };
    let text =
        "🔒 This thread is closed: thanks for taking part! Replies here no longer earn points.";
    let key = format!("closed:{}", d.id);
    crate::engine::core::deliver::queue(
        ctx.tx,
        ctx.member.tenant_id,
        &key,
        &to,
        &Message::text(text),
        ctx.now,
    )
    .await?;
    // Where the platform can (Discord), the thread is locked once the note is in it.
    if matches!(to, Destination::Thread { .. }) {
        Store::lock_thread_after(ctx.tx, &key).await?;
    }
    say_queued(format!("Thread {} closed.", d.id))
}
