//! Discord's typed slash-command options mapped straight to command values (never through text):
//! a user option is an id, an integer a number, a choice its value.

use crate::command::{
    AccountCommand, Command, LearnTarget, LessonCommand, ReportCommand, UsageError,
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
                    course: string(options, "course").unwrap_or("").trim().to_string(),
                }),
                _ => return None,
            }
        }
        _ => return None,
    }))
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
mod tests {
    use super::*;
    use serde_json::{Value, json};

    /// Interaction data as Discord sends it for a chat-input command.
    fn data(name: &str, options: Value) -> CommandData {
        serde_json::from_value(json!({
            "id": "1300000000000000001",
            "name": name,
            "type": 1,
            "options": options,
        }))
        .expect("command data")
    }

    #[test]
    fn options_become_the_values_chat_text_parses_to() {
        let learn = data(
            "learn",
            json!([{"name": "topic", "type": 3, "value": "diagnose security"}]),
        );
        assert_eq!(
            command_of(&learn),
            Some(Command::parse("learn", "diagnose security"))
        );
        assert_eq!(
            command_of(&data("learn", json!([]))),
            Some(Ok(Command::Lessons(LessonCommand::Learn(
                LearnTarget::Next
            ))))
        );
        let report = data(
            "nibble",
            json!([{"name": "report", "type": 1, "options": [
                {"name": "course", "type": 3, "value": " security "}
            ]}]),
        );
        assert_eq!(
            command_of(&report),
            Some(Ok(Command::Report(ReportCommand::Report {
                course: Some("security".into())
            })))
        );
        let forget = data(
            "nibble",
            json!([{"name": "forget-me", "type": 1, "options": [
                {"name": "confirm", "type": 3, "value": "confirm"}
            ]}]),
        );
        assert_eq!(
            command_of(&forget),
            Some(Ok(Command::Account(AccountCommand::ForgetMe {
                confirmed: true
            })))
        );
        let help = data(
            "nibble",
            json!([{"name": "help", "type": 1, "options": []}]),
        );
        assert_eq!(
            command_of(&help),
            Some(Ok(Command::Account(AccountCommand::Help)))
        );
    }
}
