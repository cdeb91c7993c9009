//! The partners feature's commands: `/partner join|leave|pause|avoid|stats|round|create|help`;
//! `stats`, `round` and `create` are for team leads and moderators.

use super::values::{Mention, member, parse_length};
use super::{Permission, UsageError};
use crate::domain::campaign::split_words;
use crate::scheduler::Schedule;
use chrono::Duration;

pub const PARTNER_USAGE: &str = "Accountability partners, per channel:\n\
• `/partner join` / `/partner leave`: take part in this channel's pairing rounds, or stop\n\
• `/partner pause 2w` (or `off`): skip rounds for a while\n\
• `/partner avoid @member`: never be paired with them (private, permanent)\n\
• `/partner stats`, `/partner round`: a pool's figures, a round now (team leads)\n\
• `/partner create cadence=weekly|biweekly|monthly|\"<cron>\" size=2|3 zone=Europe/Berlin [mentor=<course>]` (team leads)";

const NOT_A_LEAD: &str =
    "Only team leads and moderators can create pools, hold rounds and see a pool's stats.";

const LEADS: Permission = Permission::LeadOrModerator {
    refusal: NOT_A_LEAD,
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartnerCommand {
    /// `/partner` alone or `/partner help`.
    Help,
    /// A pool for this channel.
    Create(PoolPlan),
    /// Something done in this channel's pool. A mistake in it is told only once the channel is
    /// known to have a pool: a channel without one says so first.
    InPool(Result<PoolCommand, UsageError>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PoolCommand {
    Join,
    Leave,
    /// Skip rounds for this long; None: back in the rounds now.
    Pause {
        length: Option<Duration>,
    },
    /// Never be paired with this member.
    Avoid(Mention),
    Stats,
    /// A round now.
    Round,
}

/// `/partner create …` as read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolPlan {
    /// Every `mentor=` course named before the first mistake, in order; the last is the pool's.
    /// Whether a course exists is known only against the catalog: the handler checks each before
    /// telling the mistake, since the settings are read left to right.
    pub mentors: Vec<String>,
    pub settings: Result<PoolSettings, UsageError>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolSettings {
    /// As typed (`weekly`, `biweekly`, `monthly` or a cron expression), and stored so.
    pub cadence: String,
    /// The cadence in the pool's zone.
    pub schedule: Schedule,
    /// People per group: 2 or 3.
    pub size: i64,
}

impl PartnerCommand {
    /// `/partner …`; None for another feature's command.
    pub fn parse(name: &str, args: &str) -> Option<Result<Self, UsageError>> {
        (name == "partner").then(|| Ok(Self::from_words(args)))
    }

    /// The words after `/partner`.
    pub fn from_words(args: &str) -> Self {
        let args = args.trim();
        let (verb, rest) = args.split_once(char::is_whitespace).unwrap_or((args, ""));
        let in_pool = |c| PartnerCommand::InPool(Ok(c));
        match verb.to_lowercase().as_str() {
            "" | "help" => PartnerCommand::Help,
            "create" => PartnerCommand::Create(PoolPlan::parse(rest)),
            "join" => in_pool(PoolCommand::Join),
            "leave" => in_pool(PoolCommand::Leave),
            "stats" => in_pool(PoolCommand::Stats),
            "round" => in_pool(PoolCommand::Round),
            "pause" => PartnerCommand::InPool(PoolCommand::pause(rest)),
            "avoid" => PartnerCommand::InPool(PoolCommand::avoid(rest)),
            other => PartnerCommand::InPool(Err(UsageError::new(
                Permission::Anyone,
                format!("I don't know `/partner {other}`.\n{PARTNER_USAGE}"),
            ))),
        }
    }

    pub fn permission(&self) -> Permission {
        match self {
            PartnerCommand::Create(_)
            | PartnerCommand::InPool(Ok(PoolCommand::Stats | PoolCommand::Round)) => LEADS,
            _ => Permission::Anyone,
        }
    }
}

impl PoolCommand {
    /// `pause 2w` / `pause off` (also Discord's `for` option).
    pub fn pause(length: &str) -> Result<Self, UsageError> {
        let length = match length.trim() {
            "off" => None,
            other => Some(parse_length(other).ok_or_else(|| {
                UsageError::new(
                    Permission::Anyone,
                    "Pause for how long? For example `/partner pause 2w` (days `d` or weeks `w`, up to 12 weeks), or `/partner pause off`.",
                )
            })?),
        };
        Ok(PoolCommand::Pause { length })
    }

    fn avoid(who: &str) -> Result<Self, UsageError> {
        if who.trim().is_empty() {
            return Err(UsageError::new(
                Permission::Anyone,
                "Who? `/partner avoid @member`: you'll never be paired with them, and they won't know.",
            ));
        }
        member(who)
            .map(PoolCommand::Avoid)
            .map_err(|why| UsageError::new(Permission::Anyone, why))
    }
}

impl PoolPlan {
    /// `cadence=… size=… zone=… mentor=…` (also Discord's `settings` option).
    pub fn parse(settings: &str) -> Self {
        let mut mentors = Vec::new();
        let settings = pool_settings(settings, &mut mentors);
        PoolPlan { mentors, settings }
    }
}

fn pool_settings(text: &str, mentors: &mut Vec<String>) -> Result<PoolSettings, UsageError> {
    let usage = |message: String| UsageError::new(LEADS, message);
    let words = split_words(text).map_err(|e| usage(format!("{e}\n{PARTNER_USAGE}")))?;
    let (mut every, mut size, mut zone) = ("weekly".to_string(), 2, "UTC".to_string());
    for w in &words {
        let Some((key, value)) = w.split_once('=') else {
            return Err(usage(format!(
                "`{w}` isn't a setting (key=value).\n{PARTNER_USAGE}"
            )));
        };
        match key {
            "cadence" => every = value.to_string(),
            "zone" => zone = value.to_string(),
            "size" => match value {
                "2" => size = 2,
                "3" => size = 3,
                _ => return Err(usage("`size` is 2 (pairs) or 3 (trios).".into())),
            },
            "mentor" => mentors.push(value.to_string()),
            other => {
                return Err(usage(format!(
                    "Unknown setting `{other}`.\n{PARTNER_USAGE}"
                )));
            }
        }
    }
    let (schedule, _) =
        cadence(&every, &zone).map_err(|e| usage(format!("That cadence doesn't work: {e}")))?;
    Ok(PoolSettings {
        cadence: every,
        schedule,
        size,
    })
}

/// A pool's cadence as a schedule and the least gap between two rounds.
pub fn cadence(cadence: &str, zone: &str) -> Result<(Schedule, Duration), String> {
    let (cron, gap) = match cadence {
        "weekly" => ("0 9 * * Mon", Duration::zero()),
        "biweekly" => ("0 9 * * Mon", Duration::days(13)),
        "monthly" => ("0 9 1 * *", Duration::zero()),
        other => (other, Duration::zero()),
    };
    let schedule = Schedule::parse(cron, zone).map_err(|e| e.to_string())?;
    Ok((schedule, gap))
}

#[cfg(test)]
#[path = "partners_tests.rs"]
mod tests;
