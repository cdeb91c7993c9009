//! Discord's partner, recognition and review options become the same command values the chat text makes: a user option the
//! member's id, a choice its enum, a length a duration, a time a time of day.

use super::*;
use crate::command::{BoardSwitch, ReviewTime, Vacation};
use chrono::{Duration, NaiveTime};
use serde_json::{Value, json};

/// An interaction's command data as Discord sends it.
fn data(name: &str, options: Value) -> CommandData {
    serde_json::from_value(json!({
        "id": "840000000000000001",
        "name": name,
        "type": 1,
        "options": options,
    }))
    .expect("command data")
}

fn sub(name: &str, options: Value) -> Value {
    json!([{"type": 1, "name": name, "options": options}])
}

fn option(kind: u8, name: &str, value: &str) -> Value {
    json!({"type": kind, "name": name, "value": value})
}

fn command(name: &str, options: Value) -> Result<Command, UsageError> {
    command_of(&data(name, options)).expect("a typed command")
}

const MEMBER: &str = "830000000000000102";

#[test]
fn a_user_option_is_the_members_id() {
    let who = Mention::Id(MEMBER.into());
    assert_eq!(
        command("badges", json!([option(6, "member", MEMBER)])),
        Ok(Command::Recognition(RecognitionCommand::Badges {
            of: Some(who.clone())
        }))
    );
    assert_eq!(
        command("badges", json!([])),
        Ok(Command::Recognition(RecognitionCommand::Badges {
            of: None
        }))
    );
    assert_eq!(
        command(
            "partner",
            sub("avoid", json!([option(6, "member", MEMBER)]))
        ),
        Ok(Command::Partner(PartnerCommand::InPool(Ok(
            PoolCommand::Avoid(who)
        ))))
    );
}

#[test]
fn partner_subcommands_are_values() {
    let partner = |name, options| match command("partner", sub(name, options)) {
        Ok(Command::Partner(c)) => c,
        other => panic!("{name}: {other:?}"),
    };
    assert_eq!(
        partner("pause", json!([option(3, "for", "2w")])),
        PartnerCommand::InPool(Ok(PoolCommand::Pause {
            length: Some(Duration::weeks(2))
        }))
    );
    assert_eq!(
        partner("pause", json!([option(3, "for", "soon")])),
        PartnerCommand::InPool(PoolCommand::pause("soon"))
    );
    assert_eq!(
        partner("join", json!([])),
        PartnerCommand::InPool(Ok(PoolCommand::Join))
    );
    assert_eq!(partner("help", json!([])), PartnerCommand::Help);
    let settings = "cadence=monthly size=3 zone=Europe/Berlin";
    assert_eq!(
        partner("create", json!([option(3, "settings", settings)])),
        PartnerCommand::Create(PoolPlan::parse(settings))
    );
}

#[test]
fn a_leaderboard_period_choice_is_the_enum() {
    let board = |period| {
        Ok(Command::Recognition(RecognitionCommand::Leaderboard {
            board: Ok(Board {
                period,
                place: None,
            }),
            said_here: false,
        }))
    };
    assert_eq!(command("leaderboard", json!([])), board(Period::Week));
    assert_eq!(
        command("leaderboard", json!([option(3, "period", "month")])),
        board(Period::Month)
    );
    assert_eq!(
        command("leaderboard", json!([option(3, "period", "all")])),
        board(Period::AllTime)
    );
    // Not a registered choice: the grammar's message, as if typed.
    assert_eq!(
        command("leaderboard", json!([option(3, "period", "year")])),
        Ok(Command::Recognition(RecognitionCommand::leaderboard(
            "year"
        )))
    );
}

#[test]
fn nibble_settings_are_values() {
    let nibble = |name, options| command("nibble", sub(name, options));
    assert_eq!(
        nibble("leaderboard", json!([option(3, "action", "off")])),
        Ok(Command::Recognition(
            RecognitionCommand::LeaderboardSetting(BoardSwitch::Off)
        ))
    );
    assert_eq!(
        nibble("timezone", json!([option(3, "zone", "Europe/Berlin")])),
        Ok(Command::Recognition(RecognitionCommand::TimeZone(
            chrono_tz::Europe::Berlin
        )))
    );
    let wrong = nibble("timezone", json!([option(3, "zone", "Mars/Olympus")]));
    assert_eq!(
        wrong.expect_err("no zone").permission,
        RecognitionCommand::TimeZone(chrono_tz::UTC).permission()
    );
    assert_eq!(
        nibble("weekends", json!([option(3, "rule", "skip")])),
        Ok(Command::Recognition(RecognitionCommand::Weekends {
            skip: true
        }))
    );
    assert_eq!(
        nibble("reviews", json!([])),
        Ok(Command::Reviews(ReviewCommand::Reviews))
    );
    assert_eq!(
        nibble("review-time", json!([option(3, "time", "08:30")])),
        Ok(Command::Reviews(ReviewCommand::ReviewTime(ReviewTime::At(
            NaiveTime::from_hms_opt(8, 30, 0).expect("time")
        ))))
    );
    assert_eq!(
        nibble("vacation", json!([option(3, "length", "5d")])),
        Ok(Command::Reviews(ReviewCommand::Vacation(Vacation::For(
            Ok(Duration::days(5))
        ))))
    );
    assert_eq!(
        nibble("vacation", json!([option(3, "length", "off")])),
        Ok(Command::Reviews(ReviewCommand::Vacation(Vacation::Off)))
    );
}
