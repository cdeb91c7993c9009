//! Unit tests of the `/partner` grammar: every verb, every mistake's message, who may run what.

use super::*;
use crate::command::Command;

fn partner(args: &str) -> PartnerCommand {
    match Command::parse("/partner", args) {
        Ok(Command::Partner(c)) => c,
        other => panic!("/partner {args}: {other:?}"),
    }
}

fn in_pool(args: &str) -> Result<PoolCommand, UsageError> {
    match partner(args) {
        PartnerCommand::InPool(c) => c,
        other => panic!("/partner {args}: {other:?}"),
    }
}

fn in_pool_error(args: &str) -> String {
    in_pool(args).expect_err(args).message
}

fn settings(args: &str) -> (Vec<String>, Result<PoolSettings, UsageError>) {
    match partner(args) {
        PartnerCommand::Create(plan) => (plan.mentors, plan.settings),
        other => panic!("/partner {args}: {other:?}"),
    }
}

fn settings_error(args: &str) -> String {
    settings(args).1.expect_err(args).message
}

#[test]
fn verbs_read_in_any_case_and_help_is_the_default() {
    assert_eq!(partner(""), PartnerCommand::Help);
    assert_eq!(partner("  HELP "), PartnerCommand::Help);
    assert_eq!(in_pool("Join"), Ok(PoolCommand::Join));
    assert_eq!(in_pool("leave now"), Ok(PoolCommand::Leave));
    assert_eq!(in_pool("stats"), Ok(PoolCommand::Stats));
    assert_eq!(in_pool("ROUND"), Ok(PoolCommand::Round));
}

#[test]
fn pause_takes_a_length_or_off() {
    assert_eq!(
        in_pool("pause 2w"),
        Ok(PoolCommand::Pause {
            length: Some(Duration::weeks(2))
        })
    );
    assert_eq!(
        in_pool("pause   off "),
        Ok(PoolCommand::Pause { length: None })
    );
    let wrong = "Pause for how long? For example `/partner pause 2w` (days `d` or weeks `w`, up to 12 weeks), or `/partner pause off`.";
    for args in ["pause", "pause soon", "pause 13w", "pause OFF"] {
        assert_eq!(in_pool_error(args), wrong, "{args}");
    }
    // Discord's `for` option reads the same.
    assert_eq!(
        PoolCommand::pause("3d"),
        Ok(PoolCommand::Pause {
            length: Some(Duration::days(3))
        })
    );
}

#[test]
fn avoid_takes_a_member() {
    assert_eq!(
        in_pool("avoid <@U2|bea>"),
        Ok(PoolCommand::Avoid(Mention::Id("U2".into())))
    );
    assert_eq!(
        in_pool("avoid @bea"),
        Ok(PoolCommand::Avoid(Mention::Name("bea".into())))
    );
    assert_eq!(
        in_pool_error("avoid "),
        "Who? `/partner avoid @member`: you'll never be paired with them, and they won't know."
    );
    assert_eq!(
        in_pool_error("avoid <#C1|general>"),
        "Who? Mention a member, e.g. @ana."
    );
}

#[test]
fn an_unknown_verb_is_told_with_the_usage() {
    assert_eq!(
        in_pool_error("Dance now"),
        format!("I don't know `/partner dance`.\n{PARTNER_USAGE}")
    );
}

#[test]
fn create_reads_its_settings_with_defaults() {
    let (mentors, read) = settings("create");
    assert!(mentors.is_empty());
    let read = read.expect("defaults");
    assert_eq!(read.cadence, "weekly");
    assert_eq!(read.size, 2);
    assert_eq!(
        read.schedule,
        Schedule::parse("0 9 * * Mon", "UTC").expect("cron")
    );
    let (mentors, read) = settings(
        "create cadence=\"0 10 * * Tue\" size=3 zone=Europe/Berlin mentor=security mentor=git",
    );
    assert_eq!(mentors, ["security", "git"]);
    let read = read.expect("settings");
    assert_eq!(read.cadence, "0 10 * * Tue");
    assert_eq!(read.size, 3);
    assert_eq!(read.schedule.zone, chrono_tz::Europe::Berlin);
}

#[test]
fn every_mistake_in_create_has_its_message() {
    assert_eq!(
        settings_error("create cadence=\"weekly"),
        format!("unclosed quote in `cadence=\"weekly`\n{PARTNER_USAGE}")
    );
    assert_eq!(
        settings_error("create weekly"),
        format!("`weekly` isn't a setting (key=value).\n{PARTNER_USAGE}")
    );
    assert_eq!(
        settings_error("create size=4"),
        "`size` is 2 (pairs) or 3 (trios)."
    );
    assert_eq!(
        settings_error("create colour=blue"),
        format!("Unknown setting `colour`.\n{PARTNER_USAGE}")
    );
    let cron = Schedule::parse("often", "UTC").expect_err("not a cron");
    assert_eq!(
        settings_error("create cadence=often"),
        format!("That cadence doesn't work: {cron}")
    );
    assert_eq!(
        settings_error("create zone=Mars/Olympus"),
        "That cadence doesn't work: `Mars/Olympus` is not an IANA time zone (for example Europe/Berlin, America/New_York or UTC)"
    );
}

#[test]
fn mentor_courses_are_kept_up_to_the_first_mistake() {
    // The handler checks `nope` against the catalog before telling the size mistake after it.
    let (mentors, read) = settings("create mentor=nope size=9 mentor=git");
    assert_eq!(mentors, ["nope"]);
    assert!(read.is_err());
}

#[test]
fn stats_round_and_create_are_for_leads_and_moderators() {
    for args in ["stats", "round", "create", "create size=9"] {
        let p = partner(args).permission();
        assert_eq!(p.refusal_for(false, false), Some(NOT_A_LEAD), "{args}");
        assert_eq!(p.refusal_for(true, false), None, "{args}");
        assert_eq!(p.refusal_for(false, true), None, "{args}");
    }
    for args in ["", "join", "leave", "pause 2w", "avoid @bea", "dance"] {
        assert_eq!(partner(args).permission(), Permission::Anyone, "{args}");
    }
}
