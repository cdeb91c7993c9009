//! Discord's typed slash-command options mapped straight to command values (never through text):
//! a user option is an id, an integer a number, a choice its value. A free-text option whose
//! content is itself grammar (the campaign `command`, a snooze `length`, quiet `hours`) goes
//! through that value's parser only.

use crate::command::community_moderate::thread_number;
use crate::command::values::Mention;
use crate::command::{
    AccountCommand, Board, CampaignCommand, Command, CommunityCommand, LearnTarget, LessonCommand,
    PartnerCommand, PoolCommand, PoolPlan, RecognitionCommand, ReportCommand, ReviewCommand,
    ThreadCommand, UsageError,
};
use crate::domain::periods::Period;
use serenity::all::{CommandData, CommandDataOption, CommandDataOptionValue};

/// The command value of an interaction: its options mapped straight to the value, or, for a
/// command or subcommand nibble does not know (a stale registration), the usage error chat text
/// naming it would get. Options are never flattened into text and parsed again.
pub fn command_value(data: &CommandData) -> Result<Command, UsageError> {
    command_of(data).unwrap_or_else(|| {
        let sub = subcommand(&data.options).map_or("", |(name, _)| name);
        Command::parse(&data.name, sub)
    })
}

/// The command these options make; None for a command or subcommand nibble does not know.
pub fn command_of(data: &CommandData) -> Option<Result<Command, UsageError>> {
    let options = &data.options;
    let community = |parsed: Result<CommunityCommand, UsageError>| parsed.map(Command::Community);
    Some(Ok(match data.name.as_str() {
        "share" => return Some(community(CommunityCommand::share(text(options, "story")))),
        "ask" => return Some(community(CommunityCommand::ask(text(options, "question")))),
        "learn" => Command::Lessons(LessonCommand::Learn(LearnTarget::from_topic(
            string(options, "topic").unwrap_or(""),
        ))),
        "progress" => Command::Lessons(LessonCommand::Progress),
        "points" => Command::Recognition(RecognitionCommand::Points),
        "leaderboard" => Command::Recognition(leaderboard(string(options, "period"))),
        "badges" => Command::Recognition(RecognitionCommand::Badges {
            of: user(options, "member"),
        }),
        "partner" => {
            let (sub, options) = subcommand(options)?;
            return Some(partner(sub, options).map(Command::Partner));
        }
        "nibble" => {
            let (sub, options) = subcommand(options)?;
            match sub {
                "help" => Command::Account(AccountCommand::Help),
                "courses" => Command::Lessons(LessonCommand::Courses),
                "forget-me" => Command::Account(AccountCommand::ForgetMe {
                    confirmed: string(options, "confirm").is_some_and(|c| c.trim() == "confirm"),
                }),
                "report" => Command::Report(ReportCommand::Report {
                    course: string(options, "course")
                        .map(str::trim)
                        .filter(|c| !c.is_empty())
                        .map(str::to_string),
                }),
                "needs-help" => Command::Lessons(LessonCommand::NeedsHelp {
                    course: text(options, "course").trim().to_string(),
                }),
                "snooze" => {
                    return Some(campaigns(CampaignCommand::snooze(text(options, "length"))));
                }
                "pause" => Command::Campaigns(CampaignCommand::PauseLessons),
                "resume" => Command::Campaigns(CampaignCommand::ResumeLessons),
                "campaign" => {
                    return Some(campaigns(CampaignCommand::parse(text(options, "command"))));
                }
                "quiet-hours" => {
                    return Some(campaigns(CampaignCommand::quiet_hours(text(
                        options, "hours",
                    ))));
                }
                "leaderboard" => {
                    let action = string(options, "action").unwrap_or("");
                    return Some(RecognitionCommand::board_switch(action).map(|switch| {
                        Command::Recognition(RecognitionCommand::LeaderboardSetting(switch))
                    }));
                }
                "timezone" => {
                    let zone = RecognitionCommand::time_zone(string(options, "zone").unwrap_or(""));
                    return Some(zone.map(Command::Recognition));
                }
                "weekends" => {
                    let rule = RecognitionCommand::weekends(string(options, "rule").unwrap_or(""));
                    return Some(rule.map(Command::Recognition));
                }
                "reviews" => Command::Reviews(ReviewCommand::Reviews),
                "review-time" => {
                    let time = string(options, "time").unwrap_or("");
                    return Some(ReviewCommand::review_time(time).map(Command::Reviews));
                }
                "vacation" => Command::Reviews(ReviewCommand::Vacation(ReviewCommand::vacation(
                    string(options, "length").unwrap_or(""),
                ))),
                "thread" => return Some(community(thread(options)?)),
                "suggest" => {
                    return Some(community(CommunityCommand::suggest(text(options, "topic"))));
                }
                "suggestions" => Command::Community(CommunityCommand::Suggestions),
                // The tool and its arguments are one free-text option: the grammar reads it.
                "moderate" => {
                    return Some(
                        CommunityCommand::parse_sub("moderate", text(options, "command"))
                            .unwrap_or(Ok(CommunityCommand::ModeratorTools))
                            .map(Command::Community),
                    );
                }
                _ => return None,
            }
        }
        _ => return None,
    }))
}

fn campaigns(read: Result<CampaignCommand, UsageError>) -> Result<Command, UsageError> {
    read.map(Command::Campaigns)
}

/// `/leaderboard [period]`: the period choice as the enum (Discord has no `here`).
fn leaderboard(period: Option<&str>) -> RecognitionCommand {
    match period.map(|p| (Period::parse(p.trim()), p)) {
        None => RecognitionCommand::leaderboard(""),
        Some((Some(period), _)) => RecognitionCommand::Leaderboard {
            board: Ok(Board {
                period,
                place: None,
            }),
            said_here: false,
        },
        // Not one of the registered choices: told as a typed word would be.
        Some((None, word)) => RecognitionCommand::leaderboard(word),
    }
}

/// `/partner <sub>`: a user option is the member's id, `for` a length, `settings` the text of
/// `create`'s settings (its own grammar).
fn partner(sub: &str, options: &[CommandDataOption]) -> Result<PartnerCommand, UsageError> {
    let in_pool = |c| Ok(PartnerCommand::InPool(Ok(c)));
    match sub {
        "join" => in_pool(PoolCommand::Join),
        "leave" => in_pool(PoolCommand::Leave),
        "stats" => in_pool(PoolCommand::Stats),
        "round" => in_pool(PoolCommand::Round),
        "pause" => Ok(PartnerCommand::InPool(PoolCommand::pause(
            string(options, "for").unwrap_or(""),
        ))),
        "avoid" => match user(options, "member") {
            Some(who) => in_pool(PoolCommand::Avoid(who)),
            // A registered required option: only a malformed interaction lacks it.
            None => Ok(PartnerCommand::from_words("avoid")),
        },
        "create" => Ok(PartnerCommand::Create(PoolPlan::parse(
            string(options, "settings").unwrap_or(""),
        ))),
        // `help`, and a subcommand Discord was never told of: what `/partner <that>` would say.
        other => Ok(PartnerCommand::from_words(other)),
    }
}

/// A user option: the member's id, as is.
fn user(options: &[CommandDataOption], name: &str) -> Option<Mention> {
    options
        .iter()
        .find(|o| o.name == name)
        .and_then(|o| match &o.value {
            CommandDataOptionValue::User(id) => Some(Mention::Id(id.to_string())),
            _ => None,
        })
}

/// `/nibble thread start|list|show|close`: numbers arrive as integers.
fn thread(options: &[CommandDataOption]) -> Option<Result<CommunityCommand, UsageError>> {
    let (verb, options) = subcommand(options)?;
    let thread =
        match verb {
            "start" => ThreadCommand::start(text(options, "question")),
            "list" => Ok(ThreadCommand::List {
                page: integer(options, "page").filter(|n| *n > 0),
            }),
            "show" => thread_number(integer(options, "thread"))
                .map(|thread| ThreadCommand::Show { thread }),
            "close" => thread_number(integer(options, "thread"))
                .map(|thread| ThreadCommand::Close { thread }),
            _ => return None,
        };
    Some(thread.map(CommunityCommand::Thread))
}

/// The subcommand (or subcommand group) chosen, and its options.
pub(crate) fn subcommand(options: &[CommandDataOption]) -> Option<(&str, &[CommandDataOption])> {
    options.iter().find_map(|o| match &o.value {
        CommandDataOptionValue::SubCommand(inner)
        | CommandDataOptionValue::SubCommandGroup(inner) => {
            Some((o.name.as_str(), inner.as_slice()))
        }
        _ => None,
    })
}

/// A string option's value (an autocompleted one included).
pub(crate) fn string<'a>(options: &'a [CommandDataOption], name: &str) -> Option<&'a str> {
    options
        .iter()
        .find(|o| o.name == name)
        .and_then(|o| match &o.value {
            CommandDataOptionValue::String(s) => Some(s.as_str()),
            CommandDataOptionValue::Autocomplete { value, .. } => Some(value.as_str()),
            _ => None,
        })
}

#[cfg(test)]
#[path = "command_values_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "command_values_people_tests.rs"]
mod people_tests;
/// A string option's text, empty when it was left out.
fn text<'a>(options: &'a [CommandDataOption], name: &str) -> &'a str {
    string(options, name).unwrap_or("")
}

/// An integer option's value.
fn integer(options: &[CommandDataOption], name: &str) -> Option<i64> {
    options
        .iter()
        .find(|o| o.name == name)
        .and_then(|o| match o.value {
            CommandDataOptionValue::Integer(n) => Some(n),
            _ => None,
        })
}

#[cfg(test)]
#[path = "command_values_community_tests.rs"]
mod community_tests;
