//! Runs `/partner …`: members join, leave, pause and avoid in this channel's pool; team leads and
//! moderators (the route checks who) read a pool's stats, hold a round now and create pools.

use crate::chat::Reply;
use crate::command::partners::PARTNER_USAGE;
use crate::command::{PartnerCommand, PoolCommand};
use crate::engine::core::applied::Applied;
use crate::engine::core::ctx::Ctx;
use crate::engine::core::errors::EngineError;
use crate::engine::core::mentions::{Mention, resolve};
use crate::engine::core::reply::{say, say_queued};
use crate::engine::core::text::channel_ref;
use crate::engine::partners::rounds::{next_round_text, run_round};
use crate::store::{MemberRef, PoolRow, Store, Tx};
use chrono::{DateTime, Duration, Utc};

const NO_POOL: &str = "There's no partner pool in this channel yet: a team lead can start one with `/partner create`.";

pub(crate) async fn execute(
    ctx: &mut Ctx<'_, '_>,
    command: PartnerCommand,
) -> Result<Applied<Reply>, EngineError> {
    let command = match command {
        PartnerCommand::Help => return say(PARTNER_USAGE),
        PartnerCommand::Create(plan) => return super::create::create(ctx, plan).await,
        PartnerCommand::InPool(command) => command,
    };
    let Some(pool) =
        Store::pool_in_channel(ctx.tx, ctx.member.tenant_id, &ctx.event.channel).await?
    else {
        return say(NO_POOL);
    };
    match command {
        Err(mistake) => say(mistake.message),
        Ok(PoolCommand::Join) => join(ctx.tx, &pool, &ctx.member, ctx.now).await,
        Ok(PoolCommand::Leave) => {
            let left = Store::leave_pool(ctx.tx, pool.id, ctx.member.member_id, ctx.now).await?;
            say(if left {
                "You've left this channel's partner pool. `/partner join` any time to come back."
            } else {
                "You're not in this channel's partner pool."
            })
        }
        Ok(PoolCommand::Pause { length }) => pause(ctx, &pool, length).await,
        Ok(PoolCommand::Avoid(who)) => avoid(ctx, &who).await,
        Ok(PoolCommand::Stats) => stats(ctx, &pool).await,
        Ok(PoolCommand::Round) => {
            if run_round(ctx.core, ctx.tx, &pool, ctx.now).await? {
                say_queued("🤝 Round held: every group has its introduction.")
            } else {
                say("Not enough people in the pool for a round.")
            }
        }
    }
}

/// Joins a pool (the command and the announcement's Join button).
pub(crate) async fn join(
    tx: &mut Tx<'_>,
    pool: &PoolRow,
    member: &MemberRef,
    now: DateTime<Utc>,
) -> Result<Applied<Reply>, EngineError> {
    let new = Store::join_pool(tx, pool.id, member.member_id, now).await?;
    let next = next_round_text(pool);
    say(if new {
        format!(
            "🤝 You're in the partner pool of {}. Next round: {next}.",
            channel_ref(&pool.channel)
        )
    } else {
        "You're already in this pool.".into()
    })
}

async fn pause(
    ctx: &mut Ctx<'_, '_>,
    pool: &PoolRow,
    length: Option<Duration>,
) -> Result<Applied<Reply>, EngineError> {
    let until = length.map(|d| ctx.now + d);
    if !Store::pause_in_pool(ctx.tx, pool.id, ctx.member.member_id, until).await? {
        return say("You're not in this channel's partner pool: `/partner join` first.");
    }
    say(match until {
        Some(u) => format!(
            "⏸️ No partner rounds for you until {} (UTC).",
            u.format("%a %d %b")
        ),
        None => "▶️ You're back in the partner rounds.".into(),
    })
}

async fn avoid(ctx: &mut Ctx<'_, '_>, who: &Mention) -> Result<Applied<Reply>, EngineError> {
    let tenant_id = ctx.member.tenant_id;
    let who = match resolve(ctx.tx, tenant_id, who).await? {
        Ok(who) if who != ctx.event.user.id => who,
        Ok(_) => return say("You can't avoid yourself."),
        Err(why) => return say(why),
    };
    let (other, _) = Store::ensure_member_id(ctx.tx, tenant_id, &who, ctx.now).await?;
    Store::add_avoid(ctx.tx, tenant_id, ctx.member.member_id, other, ctx.now).await?;
    say("Noted, privately: you'll never be paired with them.")
}

async fn stats(ctx: &mut Ctx<'_, '_>, pool: &PoolRow) -> Result<Applied<Reply>, EngineError> {
    let s = Store::pool_stats(ctx.tx, pool.id).await?;
    let rate = if s.answered > 0 {
        s.met * 100 / s.answered
    } else {
        0
    };
    let next = next_round_text(pool);
    say(format!(
        "🤝 **Partner pool of {}**: {} members, {} rounds, {} groups; {} check-ins answered, {} met ({rate}% met rate). Cadence `{}` in {}; next round {next}.",
        channel_ref(&pool.channel),
        s.members,
        s.rounds,
        s.groups,
        s.answered,
        s.met,
        pool.cadence,
        pool.time_zone
    ))
}
