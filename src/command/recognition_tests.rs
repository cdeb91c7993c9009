//! Unit tests of the recognition grammar: boards, badges and settings, every mistake's message,
//! who may run what.

use super::*;
use crate::command::Command;

fn recognition(name: &str, args: &str) -> Result<RecognitionCommand, UsageError> {
    Command::parse(name, args).map(|c| match c {
        Command::Recognition(c) => c,
        other => panic!("/{name} {args}: {other:?}"),
    })
}

fn board(args: &str) -> (Result<Board, UsageError>, bool) {
    match recognition("leaderboard", args) {
        Ok(RecognitionCommand::Leaderboard { board, said_here }) => (board, said_here),
        other => panic!("/leaderboard {args}: {other:?}"),
    }
}

#[test]
fn points_takes_nothing() {
    assert_eq!(recognition("/points", "x"), Ok(RecognitionCommand::Points));
}

#[test]
fn a_board_has_a_period_and_maybe_a_place() {
    let week = Board {
        period: Period::Week,
        place: None,
    };
    assert_eq!(board(""), (Ok(week), false));
    assert_eq!(
        board("month here"),
        (
            Ok(Board {
                period: Period::Month,
                place: Some(BoardPlace::Here)
            }),
            true
        )
    );
    assert_eq!(
        board("all <#C9|general>"),
        (
            Ok(Board {
                period: Period::AllTime,
                place: Some(BoardPlace::Channel("C9".into()))
            }),
            false
        )
    );
}

#[test]
fn a_word_that_is_no_period_is_told_after_any_earlier_here() {
    let wrong = |w: &str| {
        Err(UsageError::new(
            Permission::Anyone,
            format!(
                "`{w}` isn't a period: use `/leaderboard week`, `month` or `all`, and `here` for this channel."
            ),
        ))
    };
    assert_eq!(board("yearly"), (wrong("yearly"), false));
    assert_eq!(board("Week"), (wrong("Week"), false));
    assert_eq!(board("here yearly"), (wrong("yearly"), true));
    assert_eq!(board("yearly here"), (wrong("yearly"), false));
    assert_eq!(Err(not_a_period("here")), wrong("here"));
}

#[test]
fn badges_are_ones_own_or_a_members() {
    assert_eq!(
        recognition("badges", " "),
        Ok(RecognitionCommand::Badges { of: None })
    );
    assert_eq!(
        recognition("badges", "<@U2>"),
        Ok(RecognitionCommand::Badges {
            of: Some(Mention::Id("U2".into()))
        })
    );
    assert_eq!(
        recognition("badges", "@cy"),
        Ok(RecognitionCommand::Badges {
            of: Some(Mention::Name("cy".into()))
        })
    );
    let e = recognition("badges", "<!here>").expect_err("no member");
    assert_eq!(e.message, "Who? Mention a member, e.g. @ana.");
    assert_eq!(e.permission, Permission::Anyone);
}

#[test]
fn the_leaderboard_switch_and_who_may_flip_it() {
    let switch = |w| recognition("nibble", &format!("leaderboard {w}"));
    for (word, s) in [
        ("hide", BoardSwitch::Hide),
        ("show", BoardSwitch::Show),
        ("off", BoardSwitch::Off),
        ("on", BoardSwitch::On),
    ] {
        assert_eq!(switch(word), Ok(RecognitionCommand::LeaderboardSetting(s)));
    }
    let e = switch("HIDE").expect_err("case matters");
    assert_eq!(
        e.message,
        "Usage: `/nibble leaderboard hide` or `show` (you), `off` or `on` (team leads)."
    );
    assert_eq!(e.permission, Permission::Anyone);
    let off = RecognitionCommand::LeaderboardSetting(BoardSwitch::Off);
    assert_eq!(
        off.permission().refusal_for(false, true),
        Some("Only team leads can turn leaderboards on or off.")
    );
    assert_eq!(off.permission().refusal_for(true, false), None);
    let hide = RecognitionCommand::LeaderboardSetting(BoardSwitch::Hide);
    assert_eq!(hide.permission(), Permission::Anyone);
}

#[test]
fn the_zone_and_weekends_are_for_team_leads() {
    assert_eq!(
        recognition("nibble", "timezone  Europe/Berlin "),
        Ok(RecognitionCommand::TimeZone(chrono_tz::Europe::Berlin))
    );
    let e = recognition("nibble", "timezone Mars/Olympus").expect_err("no zone");
    assert_eq!(
        e.message,
        "`Mars/Olympus` is not an IANA time zone (for example Europe/Berlin, America/New_York or UTC)."
    );
    // A malformed lead command is refused to a learner before it is explained.
    assert_eq!(
        e.permission.refusal_for(false, false),
        Some(NOT_A_LEAD_SETTING)
    );
    assert_eq!(
        recognition("nibble", "weekends skip"),
        Ok(RecognitionCommand::Weekends { skip: true })
    );
    assert_eq!(
        recognition("nibble", "weekends count"),
        Ok(RecognitionCommand::Weekends { skip: false })
    );
    let e = recognition("nibble", "weekends sometimes").expect_err("no rule");
    assert_eq!(
        e.message,
        "Usage: `/nibble weekends skip` or `/nibble weekends count`."
    );
    assert_eq!(e.permission, LEADS_SETTING);
    for c in [
        RecognitionCommand::TimeZone(chrono_tz::UTC),
        RecognitionCommand::Weekends { skip: true },
    ] {
        assert_eq!(
            c.permission().refusal_for(false, true),
            Some(NOT_A_LEAD_SETTING)
        );
        assert_eq!(c.permission().refusal_for(true, false), None);
    }
    assert_eq!(RecognitionCommand::Points.permission(), Permission::Anyone);
}
