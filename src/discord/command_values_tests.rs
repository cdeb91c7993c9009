//! Discord's options (lessons, reports, account, campaigns) reach the engine as the same command values as chat text.
use super::*;
use crate::command::{CampaignAction, CampaignKey, CampaignRef, Permission};
use crate::scheduler::QuietHours;
use serde_json::{Value, json};

/// `/nibble <sub>` with string options, as Discord sends the interaction's `data`.
fn nibble(sub: &str, options: Value) -> Option<Result<Command, UsageError>> {
    let data: CommandData = serde_json::from_value(json!({
        "id": "1", "name": "nibble", "type": 1,
        "options": [{"type": 1, "name": sub, "options": options}],
    }))
    .expect("Discord's shape");
    command_of(&data)
}

fn string_option(name: &str, value: &str) -> Value {
    json!([{"type": 3, "name": name, "value": value}])
}

#[test]
fn learners_options_are_campaign_values() {
    assert_eq!(
        nibble("snooze", string_option("length", "3d")),
        Some(Ok(Command::Campaigns(CampaignCommand::Snooze(Some(
            chrono::Duration::days(3)
        )))))
    );
    assert_eq!(
        nibble("pause", json!([])),
        Some(Ok(Command::Campaigns(CampaignCommand::PauseLessons)))
    );
    assert_eq!(
        nibble("resume", json!([])),
        Some(Ok(Command::Campaigns(CampaignCommand::ResumeLessons)))
    );
    let e = nibble("snooze", string_option("length", "soon"))
        .expect("mapped")
        .expect_err("no length");
    assert!(e.message.starts_with("Snooze for how long?"), "{e}");
    assert_eq!(e.permission, Permission::Anyone);
}

#[test]
fn team_leads_options_are_campaign_values() {
    assert_eq!(
        nibble("quiet-hours", string_option("hours", "22:00-07:00")),
        Some(Ok(Command::Campaigns(CampaignCommand::QuietHours(
            QuietHours::parse("22:00-07:00").expect("hours")
        ))))
    );
    assert_eq!(
        nibble("campaign", string_option("command", "pause #2")),
        Some(Ok(Command::Campaigns(CampaignCommand::Manage {
            action: CampaignAction::Pause,
            campaign: CampaignRef {
                key: CampaignKey::Id(2),
                typed: "#2".into(),
            },
        })))
    );
    let create = "create course=c channel=<#81234> cron=\"0 9 * * *\" zone=UTC";
    assert_eq!(
        nibble("campaign", string_option("command", create)),
        Some(Command::parse("nibble", &format!("campaign {create}")))
    );
    let e = nibble("quiet-hours", string_option("hours", "late"))
        .expect("mapped")
        .expect_err("not hours");
    assert!(
        e.message.starts_with("quiet hours are written HH:MM-HH:MM"),
        "{e}"
    );
}

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

/// Every command and `/nibble` subcommand registered on Discord, and the subcommands only typed in
/// chat, belongs to exactly one feature's grammar: routing never depends on the order features
/// are asked in.
#[test]
fn every_command_and_subcommand_is_claimed_by_exactly_one_feature() {
    let definitions = super::super::commands::definitions();
    let commands = definitions.as_array().expect("a list of commands");
    let mut words: Vec<(String, String)> = Vec::new();
    for command in commands {
        let name = command["name"].as_str().expect("a name").to_string();
        if name != "nibble" {
            words.push((name, String::new()));
            continue;
        }
        for sub in command["options"].as_array().expect("subcommands") {
            words.push((
                name.clone(),
                sub["name"].as_str().expect("a name").to_string(),
            ));
        }
    }
    assert!(words.len() > 25, "the definitions were read: {words:?}");
    for chat_only in [
        "campaigns",
        "feature",
        "unfeature",
        "unpoint",
        "exclude",
        "include",
        "community",
        "unschedule",
        "stories-channel",
        "qa-channel",
    ] {
        words.push(("nibble".into(), chat_only.into()));
    }
    for (name, sub) in &words {
        let claims = Command::claims(name, sub);
        assert_eq!(
            claims.len(),
            1,
            "`/{name} {sub}` is claimed {} times: {claims:?}",
            claims.len()
        );
    }
    assert!(Command::claims("nibble", "dance").is_empty());
    assert!(Command::claims("dance", "").is_empty());
}

/// Every registered command and subcommand maps to a value (a usage error where a required option
/// is missing), and an unknown one gets what chat text naming it would get.
#[test]
fn every_registered_command_has_a_value() {
    let definitions = super::super::commands::definitions();
    for command in definitions.as_array().expect("a list of commands") {
        let name = command["name"].as_str().expect("a name");
        // A subcommand as chosen, with no options; a group with each of its subcommands.
        let chosen: Vec<Value> = command["options"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|o| match o["type"].as_u64() {
                Some(1) => vec![json!([{"name": o["name"], "type": 1, "options": []}])],
                Some(2) => o["options"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|inner| {
                        json!([{"name": o["name"], "type": 2, "options": [
                            {"name": inner["name"], "type": 1, "options": []}
                        ]}])
                    })
                    .collect(),
                _ => vec![],
            })
            .collect();
        let datas: Vec<CommandData> = if chosen.is_empty() {
            vec![data(name, json!([]))]
        } else {
            chosen
                .into_iter()
                .map(|options| data(name, options))
                .collect()
        };
        for d in &datas {
            assert!(command_of(d).is_some(), "/{name} has no value: {d:?}");
        }
    }
    let stale = data(
        "nibble",
        json!([{"name": "dance", "type": 1, "options": []}]),
    );
    assert_eq!(command_value(&stale), Command::parse("nibble", "dance"));
    assert_eq!(
        command_value(&data("dance", json!([]))),
        Command::parse("dance", "")
    );
}
