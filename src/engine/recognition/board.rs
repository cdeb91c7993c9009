//! `/leaderboard`: the workspace's or a channel's top ten for a period, and where the member stands.

use crate::chat::Reply;
use crate::command::recognition::not_a_period;
use crate::command::{Board, BoardPlace, UsageError};
use crate::engine::core::applied::Applied;
use crate::engine::core::ctx::Ctx;
use crate::engine::core::errors::EngineError;
use crate::engine::core::reply::say;
use crate::engine::core::tenant_rules::tenant_rules;
use crate::store::{BoardLine, MemberRef, Store};

/// Board lines shown at most.
const TOP: i64 = 10;

pub(crate) async fn leaderboard(
    ctx: &mut Ctx<'_, '_>,
    board: Result<Board, UsageError>,
    said_here: bool,
) -> Result<Applied<Reply>, EngineError> {
    let (member, now) = (ctx.member.clone(), ctx.now);
    let rules = tenant_rules(ctx.core, ctx.tx, member.tenant_id).await?;
    if !rules.leaderboards {
        return say("Leaderboards are turned off here.");
    }
    // A DM is no channel: there, `here` is the first word that makes no sense.
    if said_here && ctx.event.is_dm {
        return say(not_a_period("here").message);
    }
    let Board { period, place } = match board {
        Ok(board) => board,
        Err(mistake) => return say(mistake.message),
    };
    let channel = place.map(|p| match p {
        BoardPlace::Here => ctx.event.channel.clone(),
        BoardPlace::Channel(c) => c,
    });
    let (lines, mine) = match &channel {
        Some(c) => {
            let since = period.start(now, rules.zone);
            let board = Store::channel_board(ctx.tx, member.tenant_id, c, since).await?;
            let mine = board
                .iter()
                .position(|l| l.member_id == member.member_id)
                .map(|i| (i as i64 + 1, board[i].points, board.len() as i64));
            (board.into_iter().take(TOP as usize).collect(), mine)
        }
        None => {
            let key = period.key(now, rules.zone);
            let top = Store::board_top(ctx.tx, member.tenant_id, &key, TOP).await?;
            let mine = Store::board_rank(ctx.tx, member.tenant_id, &key, member.member_id)
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
            .map(|(i, l)| board_line(i as i64 + 1, l, &member)),
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
