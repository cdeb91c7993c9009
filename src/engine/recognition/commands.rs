//! Runs `/points`, `/leaderboard`, `/badges`, and the `/nibble` settings for recognition: a member's
//! leaderboard opt-out; a team lead's leaderboards switch, time zone and weekend rule (the route
//! checks who may run which).

use crate::chat::Reply;
use crate::command::{BoardSwitch, RecognitionCommand};
use crate::domain::periods::Period;
use crate::engine::core::applied::Applied;
use crate::engine::core::ctx::Ctx;
use crate::engine::core::errors::EngineError;
use crate::engine::core::mentions::{Mention, resolve};
use crate::engine::core::reply::say;
use crate::engine::core::tenant_rules::tenant_rules;
use crate::engine::recognition::fold::streak_of;
use crate::store::{MemberRef, Store, TenantSetting, Tx};

pub(crate) async fn execute(
    ctx: &mut Ctx<'_, '_>,
    command: RecognitionCommand,
) -> Result<Applied<Reply>, EngineError> {
    match command {
        RecognitionCommand::Points => points(ctx).await,
        RecognitionCommand::Leaderboard { board, said_here } => {
            super::board::leaderboard(ctx, board, said_here).await
        }
        RecognitionCommand::Badges { of } => badges(ctx, of).await,
        RecognitionCommand::LeaderboardSetting(switch) => leaderboard_setting(ctx, switch).await,
        RecognitionCommand::TimeZone(zone) => {
            let tenant_id = ctx.member.tenant_id;
            Store::set_tenant_setting(ctx.tx, tenant_id, TenantSetting::TimeZone, zone.name())
                .await?;
            say(format!(
                "Weeks and months now begin at midnight in {}.",
                zone.name()
            ))
        }
        RecognitionCommand::Weekends { skip } => {
            set_switch(ctx.tx, &ctx.member, TenantSetting::ExcludeWeekends, skip).await?;
            say(if skip {
                "Weekends no longer break streaks (learning on them still counts)."
            } else {
                "Weekends count for streaks again."
            })
        }
    }
}

async fn points(ctx: &mut Ctx<'_, '_>) -> Result<Applied<Reply>, EngineError> {
    let (member, now) = (ctx.member.clone(), ctx.now);
    let rules = tenant_rules(ctx.core, ctx.tx, member.tenant_id).await?;
    let total = Store::points_total(ctx.tx, member.tenant_id, member.member_id).await?;
    let week = Period::Week.key(now, rules.zone);
    let this_week = Store::board_rank(ctx.tx, member.tenant_id, &week, member.member_id)
        .await?
        .map_or(0, |r| r.points);
    let zone = ctx
        .event
        .user
        .time_zone
        .as_deref()
        .and_then(|z| z.parse().ok())
        .unwrap_or(rules.zone);
    let today = now.with_timezone(&zone).date_naive();
    let streak = streak_of(
        ctx.tx,
        member.tenant_id,
        member.member_id,
        today,
        &rules.streaks,
    )
    .await?;
    let mut lines = vec![format!(
        "You have **{total}** points ({this_week} this week). 🔥 Streak: {streak} day{}.",
        if streak == 1 { "" } else { "s" }
    )];
    if rules.leaderboards {
        match Store::board_rank(ctx.tx, member.tenant_id, "all", member.member_id).await? {
            Some(r) => lines.push(format!("Rank #{} of {} all time.", r.rank, r.of)),
            None if total > 0 => {
                lines.push("You're hidden from leaderboards (`/nibble leaderboard show`).".into())
            }
            None => {}
        }
    }
    say(lines.join("\n"))
}

async fn badges(ctx: &mut Ctx<'_, '_>, of: Option<Mention>) -> Result<Applied<Reply>, EngineError> {
    let tenant_id = ctx.member.tenant_id;
    let (member_id, whose) = match of {
        None => (ctx.member.member_id, "You have".to_string()),
        Some(mention) => {
            let id = match resolve(ctx.tx, tenant_id, &mention).await? {
                Ok(id) => id,
                Err(why) => return say(why),
            };
            // Looking someone up makes nobody a member: no row, no badges.
            let Some(m) = Store::member_id_of(ctx.tx, tenant_id, &id).await? else {
                return say(format!(
                    "<@{id}> has no badges yet: complete a lesson to earn the first."
                ));
            };
            (m, format!("<@{id}> has"))
        }
    };
    let held = Store::badges_of(ctx.tx, tenant_id, member_id).await?;
    if held.is_empty() {
        return say(format!(
            "{whose} no badges yet: complete a lesson to earn the first."
        ));
    }
    let mut lines = vec![format!("{whose} {} badge(s):", held.len())];
    for (id, at) in held {
        match ctx.core.badges.iter().find(|b| b.id == id) {
            Some(b) => lines.push(format!(
                "{} **{}**: {} ({})",
                b.emoji,
                b.name,
                b.description,
                &at[..10.min(at.len())]
            )),
            None => lines.push(format!("🏅 {id} ({})", &at[..10.min(at.len())])),
        }
    }
    say(lines.join("\n"))
}

/// `/nibble leaderboard hide|show` (anyone), `off|on` (team leads).
async fn leaderboard_setting(
    ctx: &mut Ctx<'_, '_>,
    switch: BoardSwitch,
) -> Result<Applied<Reply>, EngineError> {
    match switch {
        BoardSwitch::Hide | BoardSwitch::Show => {
            let hide = switch == BoardSwitch::Hide;
            let member = &ctx.member;
            Store::set_leaderboard_hidden(ctx.tx, member.tenant_id, member.member_id, hide).await?;
            say(if hide {
                "You're hidden from leaderboards. Your points and badges stay yours. `/nibble leaderboard show` undoes it."
            } else {
                "You're back on the leaderboards."
            })
        }
        BoardSwitch::Off | BoardSwitch::On => {
            let off = switch == BoardSwitch::Off;
            set_switch(ctx.tx, &ctx.member, TenantSetting::LeaderboardsOff, off).await?;
            say(if off {
                "Leaderboards are off for everyone here."
            } else {
                "Leaderboards are on."
            })
        }
    }
}

/// Stores an on/off tenant setting.
async fn set_switch(
    tx: &mut Tx<'_>,
    member: &MemberRef,
    setting: TenantSetting,
    on: bool,
) -> Result<(), EngineError> {
    let value = if on { "1" } else { "0" };
    Ok(Store::set_tenant_setting(tx, member.tenant_id, setting, value).await?)
}
