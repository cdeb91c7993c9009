//! Moderators' tools on replies and members: feature, unfeature, take a reply's points away, keep a
//! member off the leaderboards or bring them back.

use crate::chat::Reply;
use crate::command::ReplyAction;
use crate::command::community_moderate::NO_SUCH_REPLY;
use crate::command::values::Mention;
use crate::engine::community::discussions::{set_featured, settle};
use crate::engine::core::applied::Applied;
use crate::engine::core::ctx::Ctx;
use crate::engine::core::errors::EngineError;
use crate::engine::core::reply::say;
use crate::store::{Store, ThreadState};

/// `/nibble exclude|include @member`.
pub(crate) async fn leaderboard(
    ctx: &mut Ctx<'_, '_>,
    member: &Mention,
    excluded: bool,
) -> Result<Applied<Reply>, EngineError> {
    let tenant_id = ctx.member.tenant_id;
    let who = match crate::engine::core::mentions::resolve(ctx.tx, tenant_id, member).await? {
        Ok(who) => who,
        Err(why) => return say(why),
    };
    let (target, _) = Store::ensure_member_id(ctx.tx, tenant_id, &who, ctx.now).await?;
    Store::set_leaderboard_hidden(ctx.tx, tenant_id, target, excluded).await?;
    say(if excluded {
        format!("<@{who}> is off the leaderboards (their points stay theirs).")
    } else {
        format!("<@{who}> is back on the leaderboards.")
    })
}

/// `/nibble feature|unfeature|unpoint <reply>`.
pub(crate) async fn reply(
    ctx: &mut Ctx<'_, '_>,
    action: ReplyAction,
    reply: i64,
) -> Result<Applied<Reply>, EngineError> {
    let (core, now) = (ctx.core, ctx.now);
    let (tenant_id, moderator) = (ctx.member.tenant_id, ctx.member.member_id);
    let Some(mut reply) = Store::reply(ctx.tx, tenant_id, reply).await? else {
        return say(NO_SUCH_REPLY);
    };
    let Some(d) = Store::discussion(ctx.tx, tenant_id, reply.discussion_id).await? else {
        return say("That reply's thread is gone.");
    };
    let text = match action {
        ReplyAction::Feature if reply.member_id == moderator => {
            "A moderator can't feature their own reply: ask another moderator.".to_string()
        }
        ReplyAction::Feature | ReplyAction::Unfeature => {
            let feature = action == ReplyAction::Feature;
            let allowed =
                !(feature && (d.state != ThreadState::Open || reply.deleted_at.is_some()));
            if allowed && feature {
                Store::add_feature(ctx.tx, reply.id, moderator, "command").await?;
            } else if allowed {
                Store::remove_feature(ctx.tx, reply.id, None).await?;
            }
            if allowed && set_featured(core, ctx.tx, &d, &mut reply, feature, now).await? {
                format!(
                    "Reply #{} {}d ({} points now).",
                    reply.id,
                    action.verb(),
                    reply.points
                )
            } else {
                format!(
                    "Reply #{} can't be featured: it was deleted or its thread is closed.",
                    reply.id
                )
            }
        }
        ReplyAction::Unpoint => {
            reply.points_removed = true;
            settle(core, ctx.tx, &d, &mut reply, None, now).await?;
            format!("Reply #{} no longer earns points.", reply.id)
        }
    };
    say(text)
}
