//! `/points`, `/leaderboard`, `/badges`, and the `/nibble` settings for recognition: a member's
//! leaderboard opt-out; a team lead's leaderboards switch, time zone and weekend rule.

use crate::chat::{Event, Message, Reply};
use crate::command::values::mention_id;
use crate::domain::periods::Period;
use crate::engine::core::applied::Applied;
use crate::engine::core::errors::EngineError;
use crate::engine::core::reply::say;
use crate::engine::core::state::Core;
use crate::engine::core::tenant_rules::tenant_rules;
use crate::engine::recognition::fold::streak_of;
use crate::store::{BoardLine, MemberRef, Store, TenantSetting, Tx};
use chrono::{DateTime, Utc};

/// Board lines shown at most.
const TOP: i64 = 10;

pub(crate) async fn points(
    core: &Core,
    tx: &mut Tx<'_>,
    event: &Event,
    member: &MemberRef,
    now: DateTime<Utc>,
) -> Result<Applied<Reply>, EngineError> {
    let rules = tenant_rules(core, tx, member.tenant_id).await?;
    let total = Store::points_total(tx, member.tenant_id, member.member_id).await?;
    let week = Period::Week.key(now, rules.zone);
    let this_week = Store::board_rank(tx, member.tenant_id, &week, member.member_id)
        .await?
        .map_or(0, |r| r.points);
    let zone = event
        .user
        .time_zone
        .as_deref()
        .and_then(|z| z.parse().ok())
        .unwrap_or(rules.zone);
    let today = now.with_timezone(&zone).date_naive();
    let streak = streak_of(
        tx,
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
        match Store::board_rank(tx, member.tenant_id, "all", member.member_id).await? {
            Some(r) => lines.push(format!("Rank #{} of {} all time.", r.rank, r.of)),
            None if total > 0 => {
                lines.push("You're hidden from leaderboards (`/nibble leaderboard show`).".into())
            }
            None => {}
        }
    }
    say(lines.join("\n"))
}

pub(crate) async fn leaderboard(
    core: &Core,
    tx: &mut Tx<'_>,
    event: &Event,
    member: &MemberRef,
    args: &str,
    now: DateTime<Utc>,
) -> Result<Applied<Reply>, EngineError> {
    let rules = tenant_rules(core, tx, member.tenant_id).await?;
    if !rules.leaderboards {
        return say("Leaderboards are turned off here.");
    }
    let mut period = Period::Week;
    let mut channel = None;
    for word in args.split_whitespace() {
        match (Period::parse(word), word) {
            (Some(p), _) => period = p,
            (None, "here") if !event.is_dm => channel = Some(event.channel.clone()),
            (None, w) if w.starts_with("<#") => channel = Some(mention_id(w)),
            (None, w) => {
                return say(format!(
                    "`{w}` isn't a period: use `/leaderboard week`, `month` or `all`, and `here` for this channel."
                ));
            }
        }
    }
    let (lines, mine) = match &channel {
        Some(c) => {
            let board =
                Store::channel_board(tx, member.tenant_id, c, period.start(now, rules.zone))
                    .await?;
            let mine = board
                .iter()
                .position(|l| l.member_id == member.member_id)
                .map(|i| (i as i64 + 1, board[i].points, board.len() as i64));
            (board.into_iter().take(TOP as usize).collect(), mine)
        }
        None => {
            let key = period.key(now, rules.zone);
            let top = Store::board_top(tx, member.tenant_id, &key, TOP).await?;
            let mine = Store::board_rank(tx, member.tenant_id, &key, member.member_id)
                .await?
                .map(|r| (r.rank, r.points, r.of));
            (top, mine)
        }
    };
    let place = channel
        .as_ref()
        .map_or(String::new(), |c| format!(" in <#{c}>"));
    if lines.is_empty() {
        return say(format!("No points{place} {} yet.", period.label()));
    }
    let mut text = vec![format!("🏆 **Leaderboard{place}, {}**", period.label())];
    text.extend(
        lines
            .iter()
            .enumerate()
            .map(|(i, l)| board_line(i as i64 + 1, l, member)),
    );
    if let Some((rank, points, of)) = mine.filter(|(rank, _, _)| *rank > TOP) {
        text.push(format!("…\nYou: #{rank} of {of} with {points} points."));
    }
    say(text.join("\n"))
}

fn board_line(rank: i64, l: &BoardLine, me: &MemberRef) -> String {
    let medal = match rank {
        1 => "🥇",
        2 => "🥈",
        3 => "🥉",
        _ => "▫️",
    };
    let you = if l.member_id == me.member_id {
        " (you)"
    } else {
        ""
    };
    format!("{medal} {rank}. {}{you}: {} points", l.name, l.points)
}

pub(crate) async fn badges(
    core: &Core,
    tx: &mut Tx<'_>,
    member: &MemberRef,
    args: &str,
) -> Result<Applied<Reply>, EngineError> {
    let (member_id, whose) = match args.trim() {
        "" => (member.member_id, "You have".to_string()),
        other => {
            let id = match crate::engine::core::mentions::member_id(tx, member.tenant_id, other)
                .await?
            {
                Ok(id) => id,
                Err(why) => return Ok(Applied::new(Reply::Ephemeral(Message::text(why)), false)),
            };
            // Looking someone up makes nobody a member: no row, no badges.
            let Some(m) = Store::member_id_of(tx, member.tenant_id, &id).await? else {
                return say(format!(
                    "<@{id}> has no badges yet: complete a lesson to earn the first."
                ));
            };
            (m, format!("<@{id}> has"))
        }
    };
    let held = Store::badges_of(tx, member.tenant_id, member_id).await?;
    if held.is_empty() {
        return say(format!(
            "{whose} no badges yet: complete a lesson to earn the first."
        ));
    }
    let mut lines = vec![format!("{whose} {} badge(s):", held.len())];
    for (id, at) in held {
        match core.badges.iter().find(|b| b.id == id) {
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
pub(crate) async fn leaderboard_setting(
    tx: &mut Tx<'_>,
    event: &Event,
    member: &MemberRef,
    args: &str,
) -> Result<Applied<Reply>, EngineError> {
    match args.trim() {
        "hide" | "show" => {
            let hide = args.trim() == "hide";
            Store::set_leaderboard_hidden(tx, member.tenant_id, member.member_id, hide).await?;
            say(if hide {
                "You're hidden from leaderboards. Your points and badges stay yours. `/nibble leaderboard show` undoes it."
            } else {
                "You're back on the leaderboards."
            })
        }
        "off" | "on" if !event.user.is_lead => {
            say("Only team leads can turn leaderboards on or off.")
        }
        "off" | "on" => {
            let off = args.trim() == "off";
            set_switch(tx, member, TenantSetting::LeaderboardsOff, off).await?;
            say(if off {
                "Leaderboards are off for everyone here."
            } else {
                "Leaderboards are on."
            })
        }
        _ => say("Usage: `/nibble leaderboard hide` or `show` (you), `off` or `on` (team leads)."),
    }
}

/// `/nibble timezone <Zone>` and `/nibble weekends skip|count` (team leads).
pub(crate) async fn tenant_setting(
    tx: &mut Tx<'_>,
    event: &Event,
    member: &MemberRef,
    sub: &str,
    args: &str,
) -> Result<Applied<Reply>, EngineError> {
    if !event.user.is_lead {
        return say("Only team leads can change this.");
    }
    let value = args.trim();
    match sub {
        "timezone" => match crate::scheduler::parse_zone(value) {
            Ok(zone) => {
                Store::set_tenant_setting(
                    tx,
                    member.tenant_id,
                    TenantSetting::TimeZone,
                    zone.name(),
                )
                .await?;
                say(format!(
                    "Weeks and months now begin at midnight in {}.",
                    zone.name()
                ))
            }
            Err(e) => say(format!("{e}.")),
        },
        _ => match value {
            "skip" | "count" => {
                let skip = value == "skip";
                set_switch(tx, member, TenantSetting::ExcludeWeekends, skip).await?;
                say(if skip {
                    "Weekends no longer break streaks (learning on them still counts)."
                } else {
                    "Weekends count for streaks again."
                })
            }
            _ => say("Usage: `/nibble weekends skip` or `/nibble weekends count`."),
        },
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
