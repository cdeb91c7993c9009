//! Commands as typed values: what a learner, team lead or moderator asked for, parsed once from chat
//! text (or built from Discord's typed options, the CLI or a form) before anything is executed.
//!
//! Each feature's grammar lives in its own file; this module routes a command name and its first
//! word to the feature that owns it, and says who may run each command.

pub mod account;
pub mod campaign_spec;
pub mod campaigns;
pub mod community;
pub mod community_moderate;
pub mod community_posts;
pub mod community_schedule;
pub mod lessons;
pub mod partners;
pub mod recognition;
pub mod reports;
pub mod reviews;
pub mod values;

pub use account::AccountCommand;
pub use campaigns::{CampaignAction, CampaignCommand, CampaignKey, CampaignRef};
pub use community::CommunityCommand;
pub use community_moderate::{ReplyAction, ThreadCommand};
pub use community_posts::Topic;
pub use community_schedule::{Cadence, CommunitySetting};
pub use lessons::{LearnTarget, LessonCommand};
pub use partners::{PartnerCommand, PoolCommand, PoolPlan, PoolSettings};
pub use recognition::{Board, BoardPlace, BoardSwitch, RecognitionCommand};
pub use reports::ReportCommand;
pub use reviews::{ReviewCommand, ReviewTime, Vacation};

/// A command, ready to execute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Account(AccountCommand),
    Campaigns(CampaignCommand),
    Community(CommunityCommand),
    Lessons(LessonCommand),
    Partner(PartnerCommand),
    Recognition(RecognitionCommand),
    Report(ReportCommand),
    Reviews(ReviewCommand),
}

/// Why a command's text could not be read, told to the person who typed it, and who may run the
/// command it was meant to be (so a refusal comes before a lesson in syntax).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct UsageError {
    pub message: String,
    pub permission: Permission,
}

impl UsageError {
    pub fn new(permission: Permission, message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            permission,
        }
    }
}

/// Who may run a command, and what anyone else is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    Anyone,
    /// Team leads only.
    Lead {
        refusal: &'static str,
    },
    /// Community moderators only.
    Moderator {
        refusal: &'static str,
    },
    /// Team leads and community moderators.
    LeadOrModerator {
        refusal: &'static str,
    },
}

impl Permission {
    /// None when someone with these roles may run the command; else what they are told.
    pub fn refusal_for(&self, is_lead: bool, is_moderator: bool) -> Option<&'static str> {
        match *self {
            Permission::Anyone => None,
            Permission::Lead { refusal } => (!is_lead).then_some(refusal),
            Permission::Moderator { refusal } => (!is_moderator).then_some(refusal),
            Permission::LeadOrModerator { refusal } => {
                (!is_lead && !is_moderator).then_some(refusal)
            }
        }
    }
}

impl Command {
    /// Parses a slash command as typed: `name` with or without its slash, `args` as typed after it.
    /// Each feature claims its own command names and `/nibble` subcommands.
    pub fn parse(name: &str, args: &str) -> Result<Command, UsageError> {
        let name = name.trim_start_matches('/').to_lowercase();
        let args = args.trim();
        if let Some(parsed) = Self::claims(&name, args).into_iter().next() {
            return parsed;
        }
        if name != "nibble" && name != "help" {
            return Err(UsageError::new(
                Permission::Anyone,
                format!("I don't know the command `/{name}`.\n{USAGE}"),
            ));
        }
        let (sub, _) = subcommand(args);
        Err(UsageError::new(
            Permission::Anyone,
            format!("I don't know `/nibble {sub}`.\n{USAGE}"),
        ))
    }

    /// What each feature makes of `/name args` (lower-case name, trimmed args): one claim for a
    /// known command or `/nibble` subcommand, none for an unknown one, never two (a test checks
    /// every registered command and subcommand).
    pub(crate) fn claims(name: &str, args: &str) -> Vec<Result<Command, UsageError>> {
        let by_name = [
            LessonCommand::parse(name, args).map(|p| p.map(Command::Lessons)),
            PartnerCommand::parse(name, args).map(|p| p.map(Command::Partner)),
            RecognitionCommand::parse(name, args).map(|p| p.map(Command::Recognition)),
            CommunityCommand::parse(name, args).map(|p| p.map(Command::Community)),
        ];
        if name != "nibble" && name != "help" {
            return by_name.into_iter().flatten().collect();
        }
        let (sub, rest) = subcommand(args);
        let by_sub = [
            AccountCommand::parse_sub(&sub, rest).map(|p| p.map(Command::Account)),
            CampaignCommand::parse_sub(&sub, rest).map(|p| p.map(Command::Campaigns)),
            CommunityCommand::parse_sub(&sub, rest).map(|p| p.map(Command::Community)),
            LessonCommand::parse_sub(&sub, rest).map(|p| p.map(Command::Lessons)),
            RecognitionCommand::parse_sub(&sub, rest).map(|p| p.map(Command::Recognition)),
            ReportCommand::parse_sub(&sub, rest).map(|p| p.map(Command::Report)),
            ReviewCommand::parse_sub(&sub, rest).map(|p| p.map(Command::Reviews)),
        ];
        by_name.into_iter().chain(by_sub).flatten().collect()
    }

    /// Who may run this command.
    pub fn permission(&self) -> Permission {
        match self {
            Command::Account(c) => c.permission(),
            Command::Campaigns(c) => c.permission(),
            Command::Community(c) => c.permission(),
            Command::Lessons(c) => c.permission(),
            Command::Partner(c) => c.permission(),
            Command::Recognition(c) => c.permission(),
            Command::Report(c) => c.permission(),
            Command::Reviews(c) => c.permission(),
        }
    }
}

/// `/nibble <sub> <rest>`: the subcommand lowercased (`help` when none was given) and the rest.
pub(crate) fn subcommand(args: &str) -> (String, &str) {
    let (sub, rest) = args.split_once(char::is_whitespace).unwrap_or((args, ""));
    let sub = if sub.is_empty() {
        "help".to_string()
    } else {
        sub.to_lowercase()
    };
    (sub, rest.trim())
}

pub const USAGE: &str = "Here's what I can do:\n\
• `/learn`: your next lesson, by DM\n\
• `/learn <lesson id, course id or words>`: a specific lesson, the next in a course, or a search\n\
• `/learn diagnose <course>`: a short quiz that skips the lessons you already master\n\
• `/points`: your points, this week, your rank and your streak\n\
• `/leaderboard [week|month|all] [here]`: the top ten (here: this channel's)\n\
• `/badges [@member]`: badges earned\n\
• `/nibble leaderboard hide|show`: leave or rejoin the leaderboards\n\
• `/progress`: your courses, lessons done and quiz accuracy\n\
• `/nibble courses`: every course\n\
• `/nibble snooze 3d` / `/nibble snooze off`: hold campaign lessons for a while\n\
• `/nibble pause` / `/nibble resume`: stop or restart campaign lessons\n\
• `/nibble reviews`: your spaced-repetition reviews; `/nibble review-time 08:30` (or `off`) sets when they come\n\
• `/nibble vacation 2w` / `/nibble vacation off`: hold reviews, streak and campaign lessons while you're away\n\
• `/partner join|leave|pause 2w|avoid @member`: accountability partners in this channel (`/partner help`)\n\
• `/nibble campaign …`: drip campaigns (team leads; `/nibble campaign help`)\n\
• `/nibble needs-help <course>`: learners struggling with a course (team leads)\n\
• `/nibble report [course]`: the team's learning report (team leads)\n\
• `/share <story>`: post a success story for the community; `/ask [course] <question>`: ask mentors and moderators\n\
• `/nibble suggest [topic]`: suggest a topic for a new lesson, or vote for one\n\
• `/nibble moderate`: community moderators' tools (threads, featuring, digests)\n\
• `/nibble forget-me`: erase your personal data\n\
• `/nibble help`: this list";
