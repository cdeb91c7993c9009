//! Commands as values keep today's order of checks: who may run a command first, then what the
//! workspace or member's state says (no pool here, leaderboards off, already on vacation, a mentor
//! course that does not exist), and only then a mistake in the command's words.

use crate::support::{TestApp, reply_text, spawn_app, user};
use nibble::chat::{EventKind, UserRef};

fn lead() -> UserRef {
    UserRef {
        is_lead: true,
        ..user("U-LEAD")
    }
}

async fn say(app: &TestApp, who: &UserRef, name: &str, args: &str) -> String {
    reply_text(&app.command(who, name, args).await)
}

const NO_POOL: &str = "There's no partner pool in this channel yet: a team lead can start one with `/partner create`.";

#[tokio::test]
async fn a_channel_without_a_pool_says_so_before_a_mistake_in_the_verb() {
    let app = spawn_app().await;
    let ana = user("U-ANA");
    for args in ["pause soon", "avoid", "avoid <!here>", "dance"] {
        assert_eq!(say(&app, &ana, "partner", args).await, NO_POOL, "{args}");
    }
    // A lead command is refused before anything else, malformed or not.
    assert_eq!(
        say(&app, &ana, "partner", "create size=9").await,
        "Only team leads and moderators can create pools, hold rounds and see a pool's stats."
    );
    // A course named before a mistake is checked first, as the settings read left to right.
    assert_eq!(
        say(&app, &lead(), "partner", "create mentor=nope size=9").await,
        "There's no course `nope` for mentor mode."
    );
    assert_eq!(
        say(&app, &lead(), "partner", "create size=9 mentor=nope").await,
        "`size` is 2 (pairs) or 3 (trios)."
    );
    let created = say(&app, &lead(), "partner", "create").await;
    assert!(created.starts_with("Pool created"), "{created}");
    assert!(
        say(&app, &ana, "partner", "pause soon")
            .await
            .starts_with("Pause for how long?")
    );
    assert!(
        say(&app, &ana, "partner", "dance")
            .await
            .starts_with("I don't know `/partner dance`.")
    );
}

#[tokio::test]
async fn leaderboards_off_and_here_in_a_dm_come_before_a_wrong_period() {
    let app = spawn_app().await;
    let ana = user("U-ANA");
    let not_a_period = |w: &str| {
        format!(
            "`{w}` isn't a period: use `/leaderboard week`, `month` or `all`, and `here` for this channel."
        )
    };
    let in_dm = |args: &str| {
        let mut event = app.event(
            crate::support::TENANT,
            &ana,
            EventKind::Command {
                name: "leaderboard".into(),
                args: args.into(),
            },
        );
        event.is_dm = true;
        event
    };
    let dm = |args: &str| {
        let event = in_dm(args);
        async { reply_text(&app.engine.handle(event).await.expect("board")) }
    };
    assert_eq!(dm("here year").await, not_a_period("here"));
    assert_eq!(dm("month here").await, not_a_period("here"));
    assert_eq!(dm("year here").await, not_a_period("year"));
    assert_eq!(dm("month").await, "No points this month yet.");
    assert_eq!(
        say(&app, &ana, "leaderboard", "here year").await,
        not_a_period("year")
    );
    say(&app, &lead(), "nibble", "leaderboard off").await;
    assert_eq!(
        say(&app, &ana, "leaderboard", "year").await,
        "Leaderboards are turned off here."
    );
}

#[tokio::test]
async fn being_on_vacation_is_told_before_a_wrong_length() {
    let app = spawn_app().await;
    let ana = user("U-ANA");
    let how_long = "How long? For example `/nibble vacation 2w` (days `d` or weeks `w`, up to 12 weeks), or `/nibble vacation off`.";
    assert_eq!(
        say(&app, &ana, "nibble", "vacation forever").await,
        how_long
    );
    assert!(
        say(&app, &ana, "nibble", "vacation 1w")
            .await
            .starts_with("🏖️ Enjoy your vacation!")
    );
    assert!(
        say(&app, &ana, "nibble", "vacation forever")
            .await
            .starts_with("You're on vacation until")
    );
}

#[tokio::test]
async fn settings_for_team_leads_refuse_before_they_explain() {
    let app = spawn_app().await;
    let ana = user("U-ANA");
    for args in [
        "timezone Mars/Olympus",
        "weekends sometimes",
        "weekends skip",
    ] {
        assert_eq!(
            say(&app, &ana, "nibble", args).await,
            "Only team leads can change this.",
            "{args}"
        );
    }
    assert_eq!(
        say(&app, &lead(), "nibble", "timezone Mars/Olympus").await,
        "`Mars/Olympus` is not an IANA time zone (for example Europe/Berlin, America/New_York or UTC)."
    );
    assert_eq!(
        say(&app, &ana, "nibble", "leaderboard on").await,
        "Only team leads can turn leaderboards on or off."
    );
    assert_eq!(
        say(&app, &ana, "nibble", "leaderboard dance").await,
        "Usage: `/nibble leaderboard hide` or `show` (you), `off` or `on` (team leads)."
    );
}
