//! Discord's typed slash-command options mapped straight to command values (never through text):
//! a user option is an id, an integer a number, a choice its value.

use crate::command::community_moderate::thread_number;
use crate::command::{
    AccountCommand, Command, CommunityCommand, LearnTarget, LessonCommand, ReportCommand,
    ThreadCommand, UsageError,
};
use serenity::all::{CommandData, CommandDataOption, CommandDataOptionValue};

/// The command these options make; None for a command whose options are still passed on as the
/// words a Slack user would type (see `commands::args_of`).
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
mod tests {
    use super::*;
    use crate::command::values::Mention;
    use crate::command::{ReplyAction, Topic};
    use serde_json::{Value, json};

    /// What Discord sends for `/name` with these options.
    fn data(name: &str, options: Value) -> CommandData {
        serde_json::from_value(json!({"id": "1", "name": name, "type": 1, "options": options}))
            .expect("command data")
    }

    fn nibble(sub: Value) -> Option<Result<Command, UsageError>> {
        command_of(&data("nibble", json!([sub])))
    }

    fn thread(verb: &str, options: Value) -> Option<Result<Command, UsageError>> {
        nibble(json!({"name": "thread", "type": 2, "options": [
            {"name": verb, "type": 1, "options": options}
        ]}))
    }

    fn community(c: CommunityCommand) -> Option<Result<Command, UsageError>> {
        Some(Ok(Command::Community(c)))
    }

    #[test]
    fn thread_numbers_arrive_as_numbers() {
        let number = |name: &str, n: i64| json!([{"name": name, "type": 4, "value": n}]);
        assert_eq!(
            thread("close", number("thread", 7)),
            community(CommunityCommand::Thread(ThreadCommand::Close { thread: 7 }))
        );
        assert_eq!(
            thread("show", number("thread", 3)),
            community(CommunityCommand::Thread(ThreadCommand::Show { thread: 3 }))
        );
        assert_eq!(
            thread("list", number("page", 2)),
            community(CommunityCommand::Thread(ThreadCommand::List {
                page: Some(2)
            }))
        );
        assert_eq!(
            thread("list", json!([])),
            community(CommunityCommand::Thread(ThreadCommand::List { page: None }))
        );
        let start = json!([{"name": "question", "type": 3, "value": "\"Why tests?\""}]);
        assert_eq!(
            thread("start", start),
            community(CommunityCommand::Thread(ThreadCommand::Start {
                question: "Why tests?".into()
            }))
        );
        let e = thread("show", json!([]))
            .expect("mapped")
            .expect_err("no thread");
        assert!(e.message.starts_with("No such thread here"), "{e}");
    }

    #[test]
    fn moderate_reads_its_free_text_with_the_grammar() {
        let moderate = |command: &str| {
            nibble(json!({"name": "moderate", "type": 1, "options": [
                {"name": "command", "type": 3, "value": command}
            ]}))
        };
        assert_eq!(
            moderate("Feature 12"),
            community(CommunityCommand::Reply {
                action: ReplyAction::Feature,
                reply: 12
            })
        );
        assert_eq!(
            moderate("exclude <@81234>"),
            community(CommunityCommand::Leaderboard {
                member: Mention::Id("81234".into()),
                excluded: true
            })
        );
        let e = moderate("dance").expect("mapped").expect_err("unknown");
        assert!(
            e.message.starts_with("I don't know `/nibble moderate`."),
            "{e}"
        );
        assert_eq!(
            nibble(json!({"name": "moderate", "type": 1, "options": []})),
            community(CommunityCommand::ModeratorTools)
        );
    }

    #[test]
    fn share_ask_suggest_and_suggestions() {
        let one = |name: &str, value: &str| json!([{"name": name, "type": 3, "value": value}]);
        assert_eq!(
            command_of(&data("share", one("story", " It worked "))),
            community(CommunityCommand::Share {
                story: "It worked".into()
            })
        );
        assert_eq!(
            command_of(&data("ask", one("question", "security Is MFA enough?"))),
            community(CommunityCommand::Ask {
                question: "security Is MFA enough?".into()
            })
        );
        let e = command_of(&data("share", json!([])))
            .expect("mapped")
            .expect_err("no story");
        assert!(e.message.starts_with("Usage: `/share"), "{e}");
        assert_eq!(
            nibble(json!({"name": "suggest", "type": 1, "options": one("topic", "Negotiation")})),
            community(CommunityCommand::Suggest {
                topic: Some(Topic {
                    text: "Negotiation".into(),
                    key: "negotiation".into()
                })
            })
        );
        assert_eq!(
            nibble(json!({"name": "suggest", "type": 1, "options": []})),
            community(CommunityCommand::Suggest { topic: None })
        );
        assert_eq!(
            nibble(json!({"name": "suggestions", "type": 1, "options": []})),
            community(CommunityCommand::Suggestions)
        );
    }
}
