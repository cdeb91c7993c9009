//! The campaigns feature's commands: `/nibble campaign …` (also `campaigns`) and `/nibble quiet-hours`
//! for team leads; `/nibble snooze`, `pause` and `resume` for learners.

use super::campaign_spec::{CreateCampaign, not_created};
use super::values::parse_length;
use super::{Permission, UsageError};
use crate::domain::campaign::CampaignError;
use crate::scheduler::QuietHours;
use chrono::Duration;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CampaignCommand {
    /// `/nibble campaign create …` (boxed: by far the largest value).
    Create(Box<CreateCampaign>),
    List,
    /// `show`, `pause`, `resume`, `stop` or `send-next` one campaign.
    Manage {
        action: CampaignAction,
        campaign: CampaignRef,
    },
    /// `/nibble campaign` alone, `help`, or a word that is no campaign command: the campaign commands.
    Help,
    /// The team's quiet hours (None: off).
    QuietHours(Option<QuietHours>),
    /// A learner holds their campaign lessons this long (None: lifts the snooze).
    Snooze(Option<Duration>),
    /// A learner stops their campaign lessons until they resume.
    PauseLessons,
    ResumeLessons,
}

/// What a team lead does to one campaign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CampaignAction {
    Show,
    Pause,
    Resume,
    Stop,
    SendNext,
}

impl CampaignAction {
    /// The word that asks for it.
    pub fn as_str(self) -> &'static str {
        match self {
            CampaignAction::Show => "show",
            CampaignAction::Pause => "pause",
            CampaignAction::Resume => "resume",
            CampaignAction::Stop => "stop",
            CampaignAction::SendNext => "send-next",
        }
    }

    fn parse(word: &str) -> Option<Self> {
        [
            CampaignAction::Show,
            CampaignAction::Pause,
            CampaignAction::Resume,
            CampaignAction::Stop,
            CampaignAction::SendNext,
        ]
        .into_iter()
        .find(|a| a.as_str() == word)
    }
}

/// A campaign as a command names it: by its number (`12`, `#12`) or its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampaignRef {
    pub key: CampaignKey,
    /// As typed, to quote back when no campaign answers to it.
    pub typed: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CampaignKey {
    Id(i64),
    Name(String),
}

impl CampaignRef {
    pub fn parse(text: &str) -> Result<Self, UsageError> {
        let typed = text.trim().to_string();
        let key = typed.trim_start_matches('#');
        let key = match key.parse::<i64>() {
            // Only as a number is written (`12`, not `012` or `+12`): anything else is a name.
            Ok(n) if n > 0 && n.to_string() == key => CampaignKey::Id(n),
            _ if key.is_empty() => {
                return Err(UsageError::new(
                    LEAD,
                    format!(
                        "There is no campaign `{typed}` here: `/nibble campaign list` shows them."
                    ),
                ));
            }
            _ => CampaignKey::Name(key.to_string()),
        };
        Ok(Self { key, typed })
    }

    /// Whether campaign `id`, named `name`, is the one meant. A number also names the campaign
    /// called that: callers take the first campaign that answers, in the order they list them.
    pub fn matches(&self, id: i64, name: &str) -> bool {
        match &self.key {
            CampaignKey::Id(n) => id == *n || name == n.to_string(),
            CampaignKey::Name(key) => name == key,
        }
    }
}

pub const CAMPAIGN_USAGE: &str = "Campaign commands (team leads):\n\
• `/nibble campaign create course=<id> [channel=#ch|dm members=@a,@b] cron=\"0 9 * * Mon-Fri\" zone=Europe/Berlin [name=…] [start=YYYY-MM-DD] [end=…] [due=…] [catch-up=once|skip] [when-done=finish|wait] [learner-time] [draft]`\n\
• `/nibble campaign list`, `show <id>`, `pause <id>`, `resume <id>`, `stop <id>`, `send-next <id>`\n\
• `/nibble quiet-hours 20:00-08:00|off`: no campaign DMs in those hours (learner's time)";

pub(crate) const NOT_A_LEAD: &str = "Only team leads can manage campaigns and quiet hours. Slack workspace admins \
and owners are team leads, as are members listed in nibble's config; on Discord, members with Manage \
Server or a team-lead role.";

const LEAD: Permission = Permission::Lead {
    refusal: NOT_A_LEAD,
};

const SNOOZE_USAGE: &str = "Snooze for how long? For example `/nibble snooze 3d` (hours `h`, days `d` or weeks `w`, up to 12 weeks), or `/nibble snooze off`.";

const QUIET_HOURS_USAGE: &str =
    "Usage: `/nibble quiet-hours 20:00-08:00` or `/nibble quiet-hours off`.";

impl CampaignCommand {
    /// `/nibble campaign|campaigns|quiet-hours|snooze|pause|resume …`; None for another feature's
    /// subcommand.
    pub fn parse_sub(sub: &str, rest: &str) -> Option<Result<Self, UsageError>> {
        Some(match sub {
            "snooze" => Self::snooze(rest),
            "pause" => Ok(CampaignCommand::PauseLessons),
            "resume" => Ok(CampaignCommand::ResumeLessons),
            "quiet-hours" => Self::quiet_hours(rest),
            "campaign" | "campaigns" => Self::parse(rest),
            _ => return None,
        })
    }

    /// What follows `/nibble campaign` (Discord's `command` option is this same text).
    pub fn parse(text: &str) -> Result<Self, UsageError> {
        let text = text.trim();
        let (verb, args) = text.split_once(char::is_whitespace).unwrap_or((text, ""));
        match verb {
            "create" => Self::create(CreateCampaign::parse(args)),
            _ => Self::other(verb, args),
        }
    }

    /// The command line's words (`nibble campaign --tenant … create course=… "cron=0 9 * * *"`):
    /// the shell has split and unquoted them, so each `create` word is one setting as it stands.
    pub fn from_words(words: &[String]) -> Result<Self, UsageError> {
        let Some((verb, rest)) = words.split_first() else {
            return Ok(CampaignCommand::Help);
        };
        match verb.as_str() {
            "create" => Self::create(CreateCampaign::from_words(rest.iter().cloned())),
            verb => Self::other(verb, &rest.join(" ")),
        }
    }

    /// `/nibble snooze 3d|off` (Discord's `length` option is this same text).
    pub fn snooze(length: &str) -> Result<Self, UsageError> {
        if length.trim() == "off" {
            return Ok(CampaignCommand::Snooze(None));
        }
        parse_length(length)
            .map(|d| CampaignCommand::Snooze(Some(d)))
            .ok_or_else(|| UsageError::new(Permission::Anyone, SNOOZE_USAGE))
    }

    /// `/nibble quiet-hours 20:00-08:00|off` (Discord's `hours` option is this same text).
    pub fn quiet_hours(hours: &str) -> Result<Self, UsageError> {
        match QuietHours::parse(hours) {
            Ok(_) if hours.trim().is_empty() => Err(UsageError::new(LEAD, QUIET_HOURS_USAGE)),
            Ok(q) => Ok(CampaignCommand::QuietHours(q)),
            Err(e) => Err(UsageError::new(LEAD, format!("{e}."))),
        }
    }

    pub fn permission(&self) -> Permission {
        match self {
            CampaignCommand::Snooze(_)
            | CampaignCommand::PauseLessons
            | CampaignCommand::ResumeLessons => Permission::Anyone,
            _ => LEAD,
        }
    }

    fn create(read: Result<CreateCampaign, CampaignError>) -> Result<Self, UsageError> {
        read.map(|c| CampaignCommand::Create(Box::new(c)))
            .map_err(|e| UsageError::new(LEAD, not_created(&e)))
    }

    /// Any verb but `create`, with the words after it.
    fn other(verb: &str, args: &str) -> Result<Self, UsageError> {
        if verb == "list" {
            return Ok(CampaignCommand::List);
        }
        let Some(action) = CampaignAction::parse(verb) else {
            return Ok(CampaignCommand::Help);
        };
        Ok(CampaignCommand::Manage {
            action,
            campaign: CampaignRef::parse(args)?,
        })
    }
}

#[cfg(test)]
#[path = "campaigns_tests.rs"]
mod tests;
