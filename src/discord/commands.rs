//! The slash commands nibble registers on Discord, and how their typed options become engine args.
//!
//! Definitions are plain JSON in Discord's documented shape (serenity's builder adds fields such as
//! `nsfw` and null limits that the official spec does not list).

use serde_json::{Value, json};
use serenity::all::{CommandData, CommandDataOption, CommandDataOptionValue};

const STRING: u8 = 3;
const SUB_COMMAND: u8 = 1;
const USER: u8 = 6;
const SUB_COMMAND_GROUP: u8 = 2;
const INTEGER: u8 = 4;

fn option(kind: u8, name: &str, description: &str, required: bool) -> Value {
    json!({"type": kind, "name": name, "description": description, "required": required})
}

fn sub(name: &str, description: &str, options: Vec<Value>) -> Value {
    let mut v = json!({"type": SUB_COMMAND, "name": name, "description": description});
    if !options.is_empty() {
        v["options"] = Value::Array(options);
    }
    v
}

/// A required string option limited to fixed values.
fn choice(name: &str, description: &str, values: &[&str]) -> Value {
    let mut o = option(STRING, name, description, true);
    o["choices"] = values
        .iter()
        .map(|v| json!({"name": v, "value": v}))
        .collect();
    o
}

fn command(name: &str, description: &str, options: Vec<Value>) -> Value {
    let mut v = json!({"type": 1, "name": name, "description": description});
    if !options.is_empty() {
        v["options"] = Value::Array(options);
    }
    v
}

/// Every command, with typed options (the same names as on Slack).
pub fn definitions() -> Value {
    let mut topic = option(
        STRING,
        "topic",
        "A lesson id, a course, words to search for, or diagnose <course>",
        false,
    );
    topic["autocomplete"] = json!(true);
    let mut period = option(STRING, "period", "week, month or all time", false);
    period["choices"] = json!([
        {"name": "this week", "value": "week"},
        {"name": "this month", "value": "month"},
        {"name": "all time", "value": "all"},
    ]);
    Value::Array(vec![
        command(
            "learn",
            "Your next lesson, a course's next lesson, or a search",
            vec![topic],
        ),
        command("points", "Your points", vec![]),
        command(
            "progress",
            "Your courses, lessons done and quiz accuracy",
            vec![],
        ),
        command("leaderboard", "Who is learning most", vec![period]),
        command(
            "badges",
            "Badges earned",
            vec![option(
                USER,
                "member",
                "Whose badges (default: yours)",
                false,
            )],
        ),
        command(
            "partner",
            "Accountability partners",
            vec![
                sub("join", "Join this channel's pairing pool", vec![]),
                sub("leave", "Leave the pool", vec![]),
                sub(
                    "pause",
                    "Skip rounds for a while",
                    vec![option(STRING, "for", "How long, e.g. 2w, or off", true)],
                ),
                sub(
                    "avoid",
                    "Never be paired with someone (private)",
                    vec![option(USER, "member", "Who", true)],
                ),
                sub(
                    "stats",
                    "This channel's pool: rounds, pairs, met rate (team leads)",
                    vec![],
                ),
                sub("round", "Hold a round now (team leads)", vec![]),
                sub(
                    "create",
                    "Start a pool in this channel (team leads)",
                    vec![option(
                        STRING,
                        "settings",
                        "cadence=weekly|biweekly|monthly size=2|3 zone=Europe/Berlin mentor=<course>",
                        false,
                    )],
                ),
                sub("help", "How partner rounds work", vec![]),
            ],
        ),
        command(
            "share",
            "Share a success story",
            vec![option(
                STRING,
                "story",
                "What happened, and what you learned",
                true,
            )],
        ),
        command(
            "ask",
            "Ask mentors and moderators a question",
            vec![option(
                STRING,
                "question",
                "Start with a course id to ask about that course",
                true,
            )],
        ),
        command(
            "nibble",
            "Help, courses, and tools for team leads and moderators",
            vec![
                thread_group(),
                sub(
                    "suggest",
                    "Suggest a topic for a new lesson, or vote for one",
                    vec![option(STRING, "topic", "Leave out to see and vote", false)],
                ),
                sub(
                    "suggestions",
                    "Every topic suggested, with votes (moderators and team leads)",
                    vec![],
                ),
                sub(
                    "moderate",
                    "Community moderators' tools",
                    vec![option(
                        STRING,
                        "command",
                        "feature 12, unpoint 12, exclude @member, digest now, prompts general weekly, community…",
                        false,
                    )],
                ),
                sub("help", "What nibble can do", vec![]),
                sub("courses", "Every course", vec![]),
                sub(
                    "snooze",
                    "Hold campaign lessons for a while",
                    vec![option(
                        STRING,
                        "length",
                        "How long: 12h, 3d, 2w, or off",
                        true,
                    )],
                ),
                sub("pause", "Stop campaign lessons until you resume", vec![]),
                sub("resume", "Restart campaign lessons", vec![]),
                sub(
                    "campaign",
                    "Drip campaigns (team leads)",
                    vec![option(
                        STRING,
                        "command",
                        "create course=… channel=#… cron=\"0 9 * * Mon-Fri\" zone=…, list, show 1, pause 1…",
                        true,
                    )],
                ),
                sub(
                    "quiet-hours",
                    "No campaign DMs in these hours (team leads)",
                    vec![option(
                        STRING,
                        "hours",
                        "For example 20:00-08:00, or off",
                        true,
                    )],
                ),
                sub(
                    "leaderboard",
                    "Leave or rejoin the leaderboards (team leads: turn them off or on)",
                    vec![choice(
                        "action",
                        "What to do",
                        &["hide", "show", "off", "on"],
                    )],
                ),
                sub(
                    "timezone",
                    "The zone weeks and months start in (team leads)",
                    vec![option(
                        STRING,
                        "zone",
                        "An IANA zone, e.g. Europe/Berlin",
                        true,
                    )],
                ),
                sub(
                    "weekends",
                    "Whether weekends count for streaks (team leads)",
                    vec![choice("rule", "skip or count", &["skip", "count"])],
                ),
                sub("reviews", "Your spaced-repetition reviews", vec![]),
                sub(
                    "forget-me",
                    "Erase your personal data",
                    vec![option(STRING, "confirm", "Type confirm to go ahead", false)],
                ),
                sub(
                    "review-time",
                    "When your daily review DM comes",
                    vec![option(
                        STRING,
                        "time",
                        "HH:MM in your time zone, off, or on",
                        true,
                    )],
                ),
                sub(
                    "vacation",
                    "Hold reviews, streak and campaign lessons while you're away",
                    vec![option(STRING, "length", "How long: 5d, 2w, or off", true)],
                ),
                sub(
                    "report",
                    "The team's learning report (team leads)",
                    vec![option(STRING, "course", "Only this course", false)],
                ),
                sub(
                    "needs-help",
                    "Learners struggling with a course (team leads)",
                    vec![option(STRING, "course", "A course id", true)],
                ),
            ],
        ),
    ])
}

/// `/nibble thread start|list|show|close` (community moderators).
fn thread_group() -> Value {
    let number = |name: &str, description: &str, required: bool| {
        let mut o = option(INTEGER, name, description, required);
        o["min_value"] = json!(1);
        o
    };
    json!({
        "type": SUB_COMMAND_GROUP,
        "name": "thread",
        "description": "Discussion threads (community moderators)",
        "options": [
            sub(
                "start",
                "Open a discussion thread in this channel",
                vec![option(STRING, "question", "The discussion question", true)],
            ),
            sub("list", "Open threads with reply counts", vec![number("page", "Page", false)]),
            sub("show", "Who took part, and reply numbers", vec![number("thread", "Thread number", true)]),
            sub("close", "Lock a thread: replies earn nothing more", vec![number("thread", "Thread number", true)]),
        ],
    })
}

/// Options flattened to the text a Slack user would have typed: `pause 2w`, `spot-phishing`, `<@123>`.
pub fn args_of(data: &CommandData) -> String {
    words(&data.options).join(" ")
}

fn words(options: &[CommandDataOption]) -> Vec<String> {
    options
        .iter()
        .flat_map(|o| match &o.value {
            CommandDataOptionValue::SubCommand(inner)
            | CommandDataOptionValue::SubCommandGroup(inner) => std::iter::once(o.name.clone())
                .chain(words(inner))
                .collect::<Vec<_>>(),
            CommandDataOptionValue::String(s) => vec![s.clone()],
            CommandDataOptionValue::Autocomplete { value, .. } => vec![value.clone()],
            CommandDataOptionValue::Integer(n) => vec![n.to_string()],
            CommandDataOptionValue::Number(n) => vec![n.to_string()],
            CommandDataOptionValue::Boolean(b) => vec![b.to_string()],
            CommandDataOptionValue::User(u) => vec![format!("<@{u}>")],
            CommandDataOptionValue::Channel(c) => vec![format!("<#{c}>")],
            CommandDataOptionValue::Role(r) => vec![format!("<@&{r}>")],
            _ => vec![],
        })
        .collect()
}
