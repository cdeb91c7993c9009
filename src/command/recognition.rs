//! The recognition feature's commands: `/points`, `/leaderboard [week|month|all] [here]`,
//! `/badges [@member]`, and the `/nibble` settings `leaderboard hide|show|off|on`, `timezone <zone>`
//! and `weekends skip|count` (turning leaderboards off or on, the zone and weekends: team leads).

use super::values::{Mention, member, mention_id};
use super::{Permission, UsageError};
use crate::domain::periods::Period;
use crate::scheduler::parse_zone;
use chrono_tz::Tz;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecognitionCommand {
    Points,
    Leaderboard {
        /// The board asked for, or the first word that is neither a period nor a place: told only
        /// once leaderboards are known to be on here.
        board: Result<Board, UsageError>,
        /// `here` came before any such word: in a DM, which is no channel, that `here` is the
        /// mistake.
        said_here: bool,
    },
    /// Whose badges: None for one's own.
    Badges {
        of: Option<Mention>,
    },
    /// Leave or rejoin the leaderboards (anyone), or turn them off or on here (team leads).
    LeaderboardSetting(BoardSwitch),
    /// The zone weeks and months begin in (team leads).
    TimeZone(Tz),
    /// Whether a weekend without learning breaks a streak (team leads).
    Weekends {
        skip: bool,
    },
}

/// A leaderboard: its period and, for a channel's board, which channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Board {
    pub period: Period,
    pub place: Option<BoardPlace>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BoardPlace {
    /// The channel the command was typed in.
    Here,
    /// A channel's id.
    Channel(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoardSwitch {
    /// Leave the leaderboards.
    Hide,
    /// Rejoin them.
    Show,
    /// No leaderboards for anyone here.
    Off,
    On,
}

const NOT_A_LEAD_SWITCH: &str = "Only team leads can turn leaderboards on or off.";
const NOT_A_LEAD_SETTING: &str = "Only team leads can change this.";

const LEADS_SETTING: Permission = Permission::Lead {
    refusal: NOT_A_LEAD_SETTING,
};

impl RecognitionCommand {
    /// `/points`, `/leaderboard …`, `/badges …`; None for another feature's command.
    pub fn parse(name: &str, args: &str) -> Option<Result<Self, UsageError>> {
        Some(match name {
            "points" => Ok(RecognitionCommand::Points),
            "leaderboard" => Ok(Self::leaderboard(args)),
            "badges" => match args.trim() {
                "" => Ok(RecognitionCommand::Badges { of: None }),
                who => member(who)
                    .map(|m| RecognitionCommand::Badges { of: Some(m) })
                    .map_err(|why| UsageError::new(Permission::Anyone, why)),
            },
            _ => return None,
        })
    }

    /// `/nibble leaderboard …`, `/nibble timezone …`, `/nibble weekends …`; None for another
    /// feature's subcommand.
    pub fn parse_sub(sub: &str, rest: &str) -> Option<Result<Self, UsageError>> {
        Some(match sub {
            "leaderboard" => Self::board_switch(rest).map(RecognitionCommand::LeaderboardSetting),
            "timezone" => Self::time_zone(rest),
            "weekends" => Self::weekends(rest),
            _ => return None,
        })
    }

    /// `/leaderboard` with its words (Discord's `period` choice is one such word).
    pub fn leaderboard(words: &str) -> Self {
        let mut board = Board {
            period: Period::Week,
            place: None,
        };
        let mut said_here = false;
        for word in words.split_whitespace() {
            match (Period::parse(word), word) {
                (Some(p), _) => board.period = p,
                (None, "here") => {
                    said_here = true;
                    board.place = Some(BoardPlace::Here);
                }
                (None, w) if w.starts_with("<#") => {
                    board.place = Some(BoardPlace::Channel(mention_id(w)))
                }
                (None, w) => {
                    return RecognitionCommand::Leaderboard {
                        board: Err(not_a_period(w)),
                        said_here,
                    };
                }
            }
        }
        RecognitionCommand::Leaderboard {
            board: Ok(board),
            said_here,
        }
    }

    /// `hide`, `show`, `off` or `on` (also Discord's `action` choice).
    pub fn board_switch(word: &str) -> Result<BoardSwitch, UsageError> {
        match word.trim() {
            "hide" => Ok(BoardSwitch::Hide),
            "show" => Ok(BoardSwitch::Show),
            "off" => Ok(BoardSwitch::Off),
            "on" => Ok(BoardSwitch::On),
            _ => Err(UsageError::new(
                Permission::Anyone,
                "Usage: `/nibble leaderboard hide` or `show` (you), `off` or `on` (team leads).",
            )),
        }
    }

    /// An IANA zone (also Discord's `zone` option).
    pub fn time_zone(zone: &str) -> Result<Self, UsageError> {
        parse_zone(zone)
            .map(RecognitionCommand::TimeZone)
            .map_err(|e| UsageError::new(LEADS_SETTING, format!("{e}.")))
    }

    /// `skip` or `count` (also Discord's `rule` choice).
    pub fn weekends(rule: &str) -> Result<Self, UsageError> {
        match rule.trim() {
            "skip" => Ok(RecognitionCommand::Weekends { skip: true }),
            "count" => Ok(RecognitionCommand::Weekends { skip: false }),
            _ => Err(UsageError::new(
                LEADS_SETTING,
                "Usage: `/nibble weekends skip` or `/nibble weekends count`.",
            )),
        }
    }

    pub fn permission(&self) -> Permission {
        match self {
            RecognitionCommand::LeaderboardSetting(BoardSwitch::Off | BoardSwitch::On) => {
                Permission::Lead {
                    refusal: NOT_A_LEAD_SWITCH,
                }
            }
            RecognitionCommand::TimeZone(_) | RecognitionCommand::Weekends { .. } => LEADS_SETTING,
            _ => Permission::Anyone,
        }
    }
}

/// What `/leaderboard` says of a word that is neither a period nor a place (`here` in a DM too).
pub fn not_a_period(word: &str) -> UsageError {
    UsageError::new(
        Permission::Anyone,
        format!(
            "`{word}` isn't a period: use `/leaderboard week`, `month` or `all`, and `here` for this channel."
        ),
    )
}

#[cfg(test)]
#[path = "recognition_tests.rs"]
mod tests;
