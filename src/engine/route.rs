//! Routing: which feature handles an incoming event, click or command.

use crate::chat::{Action, Destination, Event, EventKind, Message, Reply};
use crate::command::{AccountCommand, Command, ReportCommand, USAGE, UsageError};
use crate::engine::core::applied::{Applied, CommandStatus};
use crate::engine::core::ctx::Ctx;
use crate::engine::core::errors::EngineError;
use crate::engine::core::members::member_once;
use crate::engine::core::reply::{say, say_as, silent};
use crate::engine::core::state::Core;
use crate::store::{Store, Tx};
use chrono::{DateTime, Utc};

pub(crate) async fn apply_event(
    core: &Core,
    tx: &mut Tx<'_>,
    event: &Event,
    now: DateTime<Utc>,
) -> Result<Applied<Reply>, EngineError> {
    match &event.kind {
        EventKind::Button { payload, values } => click(core, tx, event, payload, values, now).await,
        EventKind::Command { name, args } => {
            let applied = command(core, tx, event, Input::Text(name, args), now).await?;
            crate::engine::setup_notices::tell_lead(tx, event, applied, now).await
        }
        EventKind::Invoked(parsed) => {
            let applied = command(core, tx, event, Input::Typed(parsed), now).await?;
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
            crate::engine::partners::click::click(core, tx, event, action, now).await
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

/// A command as typed in chat, or already a value (Discord's options, the CLI).
enum Input<'a> {
    Text(&'a str, &'a str),
    Typed(&'a Result<Command, UsageError>),
}

/// A slash command: the member first (a redelivery is answered with nothing), then the command
/// value, then who may run it (one place for every command), then its feature's handler.
async fn command(
    core: &Core,
    tx: &mut Tx<'_>,
    event: &Event,
    input: Input<'_>,
    now: DateTime<Utc>,
) -> Result<Applied<Reply>, EngineError> {
    let Some(member) = member_once(tx, event, now).await? else {
        return silent(false);
    };
    let parsed = match input {
        Input::Text(name, args) => Command::parse(name, args),
        Input::Typed(parsed) => parsed.clone(),
    };
    let user = &event.user;
    let command = match parsed {
        Ok(command) => command,
        Err(e) => {
            return match e.permission.refusal_for(user.is_lead, user.is_moderator) {
                Some(refusal) => say_as(CommandStatus::Refused, refusal),
                None => say_as(CommandStatus::Invalid, e.message),
            };
        }
    };
    if let Some(refusal) = command
        .permission()
        .refusal_for(user.is_lead, user.is_moderator)
    {
        return say_as(CommandStatus::Refused, refusal);
    }
    let mut ctx = Ctx {
        core,
        tx,
        event,
        member,
        catalog: core.catalog.current(),
        now,
    };
    execute(&mut ctx, command).await
}

/// Runs a command someone may run.
pub(crate) async fn execute(
    ctx: &mut Ctx<'_, '_>,
    command: Command,
) -> Result<Applied<Reply>, EngineError> {
    match command {
        Command::Account(c) => account(ctx, c).await,
        Command::Campaigns(c) => crate::engine::campaigns::commands::execute(ctx, c).await,
        Command::Community(c) => crate::engine::community::commands::execute(ctx, c).await,
        Command::Lessons(c) => crate::engine::lessons::commands::execute(ctx, c).await,
        Command::Partner(c) => crate::engine::partners::commands::execute(ctx, c).await,
        Command::Recognition(c) => crate::engine::recognition::commands::execute(ctx, c).await,
        Command::Report(ReportCommand::Report { course }) => {
            crate::engine::reports::command::report(ctx, course).await
        }
        Command::Reviews(c) => crate::engine::reviews::commands::execute(ctx, c).await,
    }
}

async fn account(
    ctx: &mut Ctx<'_, '_>,
    command: AccountCommand,
) -> Result<Applied<Reply>, EngineError> {
    match command {
        AccountCommand::Help => say(USAGE),
        AccountCommand::ForgetMe { confirmed: false } => say(
            "This erases your personal data here: your name and id, streak, badges, reviews, partner pools and the messages addressed to you. Your answers stay in the team's statistics without anything that identifies you, and you leave the leaderboards. Type `/nibble forget-me confirm` to go ahead.",
        ),
        AccountCommand::ForgetMe { confirmed: true } => {
            let done =
                Store::forget_member_in(ctx.tx, ctx.member.member_id, &ctx.event.user.id).await?;
            tracing::info!(
                member = ctx.member.member_id,
                "a member asked to be forgotten"
            );
            say(format!("🗑 Done. {done}"))
        }
    }
}
