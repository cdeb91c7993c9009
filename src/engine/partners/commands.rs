//! `/partner …`: members join, leave, pause and avoid; team leads create pools, hold a round now and
//! read a pool's stats. Also the pool announcement's Join button and the check-in buttons.

use crate::chat::{
    Action, CheckInOutcome, Choice, Destination, Event, Message, Reply, encode_join_pool,
};
use crate::command::values::parse_length;
use crate::domain::campaign::split_words;
use crate::engine::core::applied::Applied;
use crate::engine::core::errors::EngineError;
use crate::engine::core::reply::{say, say_queued};
use crate::engine::core::state::Core;
use crate::engine::core::text::channel_ref;
use crate::engine::partners::rounds::cadence;
use crate::engine::partners::rounds::next_round_text;
use crate::engine::partners::rounds::run_round;
use crate::store::{Award, MemberRef, NewPool, PoolRow, Store, Tx};
use chrono::{DateTime, Utc};

pub const PARTNER_USAGE: &str = "Accountability partners, per channel:\n\
• `/partner join` / `/partner leave`: take part in this channel's pairing rounds, or stop\n\
• `/partner pause 2w` (or `off`): skip rounds for a while\n\
• `/partner avoid @member`: never be paired with them (private, permanent)\n\
• `/partner stats`, `/partner round`: a pool's figures, a round now (team leads)\n\
• `/partner create cadence=weekly|biweekly|monthly|\"<cron>\" size=2|3 zone=Europe/Berlin [mentor=<course>]` (team leads)";

const NO_POOL: &str = "There's no partner pool in this channel yet: a team lead can start one with `/partner create`.";

pub(crate) async fn apply(
    core: &Core,
    tx: &mut Tx<'_>,
    event: &Event,
    member: &MemberRef,
    args: &str,
    now: DateTime<Utc>,
) -> Result<Applied<Reply>, EngineError> {
    let (verb, rest) = args
        .trim()
        .split_once(char::is_whitespace)
        .unwrap_or((args.trim(), ""));
    let verb = verb.to_lowercase();
    if matches!(verb.as_str(), "create" | "round" | "stats")
        && !(event.user.is_lead || event.user.is_moderator)
    {
        return say(
            "Only team leads and moderators can create pools, hold rounds and see a pool's stats.",
        );
    }
    if verb == "create" {
        return create(core, tx, event, member, rest, now).await;
    }
    if matches!(verb.as_str(), "" | "help") {
        return say(PARTNER_USAGE);
    }
    let Some(pool) = Store::pool_in_channel(tx, member.tenant_id, &event.channel).await? else {
        return say(NO_POOL);
    };
    match verb.as_str() {
        "join" => join(tx, &pool, member, now).await,
        "leave" => {
            let left = Store::leave_pool(tx, pool.id, member.member_id, now).await?;
            say(if left {
                "You've left this channel's partner pool. `/partner join` any time to come back."
            } else {
                "You're not in this channel's partner pool."
            })
        }
        "pause" => {
            let until = match rest.trim() {
                "off" => None,
                other => match parse_length(other) {
                    Some(d) => Some(now + d),
                    None => {
                        return say(
                            "Pause for how long? For example `/partner pause 2w` (days `d` or weeks `w`, up to 12 weeks), or `/partner pause off`.",
                        );
                    }
                },
            };
            if !Store::pause_in_pool(tx, pool.id, member.member_id, until).await? {
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
        "avoid" => {
            let who = match crate::engine::core::mentions::member_id(tx, member.tenant_id, rest)
                .await?
            {
                Ok(who) if who != event.user.id => who,
                Ok(_) => return say("You can't avoid yourself."),
                Err(_) if rest.trim().is_empty() => {
                    return say(
                        "Who? `/partner avoid @member`: you'll never be paired with them, and they won't know.",
                    );
                }
                Err(why) => return say(why),
            };
            let (other, _) = Store::ensure_member_id(tx, member.tenant_id, &who, now).await?;
            Store::add_avoid(tx, member.tenant_id, member.member_id, other, now).await?;
            say("Noted, privately: you'll never be paired with them.")
        }
        "stats" => {
            let s = Store::pool_stats(tx, pool.id).await?;
            let rate = if s.answered > 0 {
                s.met * 100 / s.answered
            } else {
                0
            };
            let next = next_round_text(&pool);
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
        "round" => {
            let held = run_round(core, tx, &pool, now).await?;
            if held {
                say_queued("🤝 Round held: every group has its introduction.")
            } else {
                say("Not enough people in the pool for a round.")
            }
        }
        other => say(format!("I don't know `/partner {other}`.\n{PARTNER_USAGE}")),
    }
}

async fn join(
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

async fn create(
    core: &Core,
    tx: &mut Tx<'_>,
    event: &Event,
    member: &MemberRef,
    args: &str,
    now: DateTime<Utc>,
) -> Result<Applied<Reply>, EngineError> {
    let words = match split_words(args) {
        Ok(w) => w,
        Err(e) => return say(format!("{e}\n{PARTNER_USAGE}")),
    };
    let (mut every, mut size, mut zone, mut mentor) =
        ("weekly".to_string(), 2, "UTC".to_string(), None);
    for w in &words {
        let Some((key, value)) = w.split_once('=') else {
            return say(format!(
                "`{w}` isn't a setting (key=value).\n{PARTNER_USAGE}"
            ));
        };
        match key {
            "cadence" => every = value.to_string(),
            "zone" => zone = value.to_string(),
            "size" => match value {
                "2" => size = 2,
                "3" => size = 3,
                _ => return say("`size` is 2 (pairs) or 3 (trios)."),
            },
            "mentor" => match core.catalog.current().course(value) {
                Some(c) => mentor = Some(c.id.clone()),
                None => {
                    return say(format!("There's no course `{value}` for mentor mode."));
                }
            },
            other => {
                return say(format!("Unknown setting `{other}`.\n{PARTNER_USAGE}"));
            }
        }
    }
    let (schedule, _) = match cadence(&every, &zone) {
        Ok(s) => s,
        Err(e) => return say(format!("That cadence doesn't work: {e}")),
    };
    let Some(first) = schedule.next_after(now) else {
        return say("That cadence never fires.");
    };
    let pool = NewPool {
        tenant_id: member.tenant_id,
        channel: &event.channel,
        cadence: &every,
        time_zone: &zone,
        group_size: size,
        mentor_course: mentor.as_deref(),
        next_round_at: first,
        created_by: &event.user.id,
    };
    let Some(pool_id) = Store::create_pool(tx, &pool, now).await? else {
        return say("This channel has a partner pool already: `/partner stats` shows it.");
    };
    let mode = mentor.map_or(String::new(), |c| {
        format!(
            " Mentor mode: learners who need help with `{c}` are paired with those who mastered it."
        )
    });
    let text = format!(
        "🤝 **Accountability partners** start here: every round ({every}) I pair the people who joined, never with the same person twice while someone new is available, and introduce you by DM.{mode} Tap Join or type `/partner join`."
    );
    let announcement = Message::Menu {
        text,
        choices: vec![Choice {
            label: "Join".into(),
            payload: encode_join_pool(pool_id),
        }],
    };
    let key = format!("pool-announce:{pool_id}");
    let to = Destination::Channel {
        channel: event.channel.clone(),
    };
    crate::engine::core::deliver::queue(tx, member.tenant_id, &key, &to, &announcement, now)
        .await?;
    let first = first
        .with_timezone(&schedule.zone)
        .format("%a %d %b %Y %H:%M %Z");
    say_queued(format!(
        "Pool created for this channel (groups of {size}). First round: {first}."
    ))
}

/// The announcement's Join button, and the check-in buttons.
pub(crate) async fn click(
    core: &Core,
    tx: &mut Tx<'_>,
    event: &Event,
    action: Action,
    now: DateTime<Utc>,
) -> Result<Applied<Reply>, EngineError> {
    match action {
        Action::JoinPool { pool_id } => {
            let pool = Store::partner_pool(tx, pool_id).await?;
            let tenant_id =
                Store::ensure_tenant(tx, event.platform.as_str(), &event.tenant, now).await?;
            let Some(pool) = pool.filter(|p| p.tenant_id == tenant_id) else {
                return say("That pool doesn't exist here.");
            };
            let u = &event.user;
            let member_id = Store::ensure_member(
                tx,
                pool.tenant_id,
                &u.id,
                &u.name,
                u.time_zone.as_deref(),
                now,
            )
            .await?;
            join(
                tx,
                &pool,
                &MemberRef {
                    tenant_id: pool.tenant_id,
                    member_id,
                },
                now,
            )
            .await
        }
        Action::CheckIn { group_id, outcome } => {
            check_in(core, tx, event, group_id, outcome, now).await
        }
        _ => say("That button isn't valid here."),
    }
}

async fn check_in(
    core: &Core,
    tx: &mut Tx<'_>,
    event: &Event,
    group_id: i64,
    outcome: CheckInOutcome,
    now: DateTime<Utc>,
) -> Result<Applied<Reply>, EngineError> {
    let Some(group) =
        Store::partner_group(tx, group_id, event.platform.as_str(), &event.tenant).await?
    else {
        return say("That check-in doesn't exist here.");
    };
    let Some(&(member_id, _)) = group.members.iter().find(|(_, e)| *e == event.user.id) else {
        return say("This check-in belongs to another group.");
    };
    if let Some(done) = &group.outcome {
        return Ok(Applied::new(
            Reply::UpdateSource(Message::text(format!(
                "Already recorded for your group: {}.",
                done.replace('_', " ")
            ))),
            false,
        ));
    }
    if !Store::set_group_outcome(tx, group_id, outcome.as_str(), member_id, now).await? {
        return say("Already recorded for your group.");
    }
    let points = core.rules.partner_meeting;
    let text = match outcome {
        CheckInOutcome::Met => {
            let source = format!("partner:{group_id}");
            for (m, _) in &group.members {
                let award = Award {
                    tenant_id: group.tenant_id,
                    member_id: *m,
                    reason: "partner meeting",
                    amount: points,
                    source: &source,
                    channel: None,
                };
                Store::award_points(tx, &award, now).await?;
            }
            format!("✅ Great, you met! +{points} points each.")
        }
        CheckInOutcome::NotYet => {
            "👍 Noted: not yet. There's still time before the next round.".into()
        }
        CheckInOutcome::Skip => "⏭ Skipped this round. See you in the next one.".into(),
    };
    Ok(Applied::new(
        Reply::UpdateSource(Message::text(text)),
        false,
    ))
}
