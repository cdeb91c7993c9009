//! Moderators' tools on replies and members: feature, unfeature, take a reply's points away, keep a
//! member off the leaderboards or bring them back.

use crate::chat::{Event, Reply};
use crate::command::values::number;
use crate::engine::community::discussions::{set_featured, settle};
use crate::engine::core::applied::Applied;
use crate::engine::core::errors::EngineError;
use crate::engine::core::reply::say;
use crate::engine::core::state::Core;
use crate::engine::core::text::NOT_MODERATOR;
use crate::store::{MemberRef, Store, Tx};
use chrono::{DateTime, Utc};

/// `/nibble feature|unfeature|unpoint <reply>` and `/nibble exclude|include @member`.
pub(crate) async fn moderate(
    core: &Core,
    tx: &mut Tx<'_>,
    event: &Event,
    member: &MemberRef,
    (verb, rest): (&str, &str),
    now: DateTime<Utc>,
) -> Result<Applied<Reply>, EngineError> {
    if !event.user.is_moderator {
        return say(NOT_MODERATOR);
    }
    if matches!(verb, "exclude" | "include") {
        if rest.trim().is_empty() {
            return say(format!("Usage: `/nibble {verb} @member`"));
        }
        let who = match crate::engine::core::mentions::member_id(tx, member.tenant_id, rest).await?
        {
            Ok(who) => who,
            Err(why) => return say(why),
        };
        let (target, _) = Store::ensure_member_id(tx, member.tenant_id, &who, now).await?;
        let hide = verb == "exclude";
        Store::set_leaderboard_hidden(tx, member.tenant_id, target, hide).await?;
        return say(if hide {
            format!("<@{who}> is off the leaderboards (their points stay theirs).")
        } else {
            format!("<@{who}> is back on the leaderboards.")
        });
    }
    let reply = match number(rest) {
        Some(id) => Store::reply(tx, member.tenant_id, id).await?,
        None => None,
    };
    let Some(mut reply) = reply else {
        return say("No such reply here: `/nibble thread show <thread>` lists reply numbers.");
    };
    let Some(d) = Store::discussion(tx, member.tenant_id, reply.discussion_id).await? else {
        return say("That reply's thread is gone.");
    };
    let text = match verb {
        "feature" if reply.member_id == member.member_id => {
            "A moderator can't feature their own reply: ask another moderator.".to_string()
        }
        "feature" | "unfeature" => {
            let feature = verb == "feature";
            let allowed = !(feature && (d.state != "open" || reply.deleted_at.is_some()));
            if allowed && feature {
                Store::add_feature(tx, reply.id, member.member_id, "command").await?;
            } else if allowed {
                Store::remove_feature(tx, reply.id, None).await?;
            }
            if allowed && set_featured(core, tx, &d, &mut reply, feature, now).await? {
                format!("Reply #{} {verb}d ({} points now).", reply.id, reply.points)
            } else {
                format!(
                    "Reply #{} can't be featured: it was deleted or its thread is closed.",
                    reply.id
                )
            }
        }
        _ => {
            reply.points_removed = true;
            settle(core, tx, &d, &mut reply, None, now).await?;
            format!("Reply #{} no longer earns points.", reply.id)
        }
    };
    say(text)
}
