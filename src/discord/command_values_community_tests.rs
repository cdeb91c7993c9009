//! Discord's community options (threads, suggestions, moderator tools, stories, questions) become
//! the same command values the chat text makes.

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
