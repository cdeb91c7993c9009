//! Discord's typed slash-command options mapped straight to command values (never through text):
//! a user option is an id, an integer a number, a choice its value. A free-text option whose
//! content is itself grammar (the campaign `command`, a snooze `length`, quiet `hours`) goes
//! through that value's parser only.

use crate::command::{
    AccountCommand, CampaignCommand, Command, LearnTarget, LessonCommand, ReportCommand, UsageError,
};
use serenity::all::{CommandData, CommandDataOption, CommandDataOptionValue};

/// The command these options make; None for a command whose options are still passed on as the
/// words a Slack user would type (see `commands::args_of`).
pub fn command_of(data: &CommandData) -> Option<Result<Command, UsageError>> {
    let options = &data.options;
    Some(Ok(match data.name.as_str() {
        "learn" => Command::Lessons(LessonCommand::Learn(LearnTarget::from_topic(
            string(options, "topic").unwrap_or(""),
        ))),
        "progress" => Command::Lessons(LessonCommand::Progress),
        "nibble" => {
            let (sub, options) = subcommand(options)?;
            let text = |name| string(options, name).unwrap_or("");
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
                    course: text("course").trim().to_string(),
                }),
                "snooze" => return Some(campaigns(CampaignCommand::snooze(text("length")))),
                "pause" => Command::Campaigns(CampaignCommand::PauseLessons),
                "resume" => Command::Campaigns(CampaignCommand::ResumeLessons),
                "campaign" => return Some(campaigns(CampaignCommand::parse(text("command")))),
                "quiet-hours" => {
                    return Some(campaigns(CampaignCommand::quiet_hours(text("hours"))));
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
