//! Partner introductions and check-ins through the real adapters against their fakes: Slack opens a
//! group DM with both members (conversations.open), Discord DMs each; the check-in buttons record
//! the outcome once.

use crate::discord::{CHANNEL, LEARNER, quizzes, spawn_discord_app};
use crate::slack::{ack_text, spawn_slack_app};
use crate::support::fake_discord::{GUILD, payloads as discord};
use crate::support::fake_slack::{TEAM, payloads as slack};
use nibble::daemon::Daemon;
use serde_json::{Value, json};

/// Makes the round's check-in due now and runs the scheduler (the daemon's own ticker, on the
/// system clock, may get there first), then awaits exactly one check-in queued.
async fn check_in_now(daemon: &Daemon) {
    let pool = daemon.store().pool().clone();
    sqlx::query("UPDATE partner_rounds SET checkin_at = '2000-01-01T00:00:00.000Z'")
        .execute(&pool)
        .await
        .expect("make due");
    daemon.engine().run_due().await.expect("tick");
    let queued = || async {
        sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM outbox WHERE dedupe_key LIKE 'checkin:%'",
        )
        .fetch_one(&pool)
        .await
        .unwrap_or(0)
    };
    crate::support::eventually("the check-in queued", || async { queued().await >= 1 }).await;
    daemon.engine().run_due().await.expect("tick");
    assert_eq!(queued().await, 1, "one check-in per group");
}

async fn outcomes(daemon: &Daemon) -> Vec<Option<String>> {
    sqlx::query_scalar("SELECT outcome FROM partner_groups ORDER BY id")
        .fetch_all(daemon.store().pool())
        .await
        .expect("outcomes")
}

#[tokio::test]
async fn slack_introduces_partners_in_a_group_dm_and_records_the_check_in() {
    let app = spawn_slack_app().await;
    app.fake.make_admin("U-LEAD");
    let (ack, _) = app
        .command(
            "C-LEARN",
            "U-LEAD",
            "/partner",
            "create cadence=weekly zone=UTC",
            "p.1",
        )
        .await;
    assert!(ack_text(&ack).contains("Pool created"), "{ack}");
    for (user, trigger) in [("U-ANA", "p.2"), ("U-BEN", "p.3")] {
        let (ack, _) = app
            .command("C-LEARN", user, "/partner", "join", trigger)
            .await;
        assert!(ack_text(&ack).contains("You're in"), "{ack}");
    }
    let (ack, _) = app
        .command("C-LEARN", "U-LEAD", "/partner", "round", "p.4")
        .await;
    assert!(ack_text(&ack).contains("Round held"), "{ack}");
    let opened = app
        .fake
        .wait_for("a group DM", || {
            app.fake
                .requests("conversations.open")
                .into_iter()
                .find(|r| r["users"].as_str().is_some_and(|u| u.contains(',')))
        })
        .await;
    let users = opened["users"].as_str().unwrap_or("").to_string();
    assert!(
        users.contains("U-ANA") && users.contains("U-BEN"),
        "{users}"
    );
    let group = format!("G{}", users.replace(',', ""));
    app.fake
        .wait_for("the introduction", || {
            (!app.fake.posted(&group).is_empty()).then_some(())
        })
        .await;
    let intro = app.fake.posted(&group)[0].clone();
    assert!(
        intro["text"].as_str().unwrap_or("").contains("<@U-ANA>"),
        "{intro}"
    );

    check_in_now(&app.daemon).await;
    let (ts, values) = app
        .fake
        .wait_for("the check-in", || {
            app.quiz_buttons(&group)
                .into_iter()
                .find(|(_, v)| v.iter().any(|v| v.starts_with("nb1:pc:")))
        })
        .await;
    let id = app.fake.send_envelope(
        "interactive",
        slack::button_click(TEAM, &group, "U-BEN", &ts, &values[0], "p.5"),
    );
    app.fake.ack(&id).await;
    let update = app
        .fake
        .wait_for("the recorded check-in", || {
            app.fake.requests("chat.update").first().cloned()
        })
        .await;
    assert!(
        update["text"].as_str().unwrap_or("").contains("+10 points"),
        "{update}"
    );
    assert_eq!(outcomes(&app.daemon).await, [Some("met".to_string())]);
    app.fake.assert_valid();
    app.daemon.shutdown().await;
}

fn partner(id: &str, who: &str, sub: &str, options: Value, permissions: &str) -> Value {
    discord::command(
        id,
        GUILD,
        CHANNEL,
        who,
        "partner",
        json!([{"type": 1, "name": sub, "options": options}]),
        permissions,
    )
}

#[tokio::test]
async fn discord_introduces_partners_by_dm_and_records_the_check_in() {
    let app = spawn_discord_app().await;
    let other = "830000000000000102";
    let lead = "830000000000000900";
    let settings = json!([{"type": 3, "name": "settings", "value": "cadence=weekly zone=UTC"}]);
    // Manage Server (0x20) makes the member a team lead.
    let (body, _) = app
        .interact(partner(&app.fake.next_id(), lead, "create", settings, "32"))
        .await;
    assert!(
        body["data"]["content"]
            .as_str()
            .unwrap_or("")
            .contains("Pool created"),
        "{body}"
    );
    for who in [LEARNER, other] {
        let (body, _) = app
            .interact(partner(&app.fake.next_id(), who, "join", json!([]), "0"))
            .await;
        assert!(
            body["data"]["content"]
                .as_str()
                .unwrap_or("")
                .contains("You're in"),
            "{body}"
        );
    }
    let (body, _) = app
        .interact(partner(&app.fake.next_id(), lead, "round", json!([]), "32"))
        .await;
    assert!(
        body["data"]["content"]
            .as_str()
            .unwrap_or("")
            .contains("Round held"),
        "{body}"
    );
    let dm = |user: &str| format!("7{}", &user[1..]);
    for who in [LEARNER, other] {
        app.fake
            .wait_for("an introduction by DM", || {
                (!app.fake.messages(&dm(who)).is_empty()).then_some(())
            })
            .await;
    }
    check_in_now(&app.daemon).await;
    let check_in = app
        .fake
        .wait_for("the check-in", || {
            quizzes(&app.fake, &dm(other)).first().cloned()
        })
        .await;
    let met = check_in["components"][0]["components"][0]["custom_id"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(met.starts_with("nb1:pc:"), "{check_in}");
    let (graded, _) = app
        .interact(discord::component(
            &app.fake.next_id(),
            None,
            &dm(other),
            other,
            &met,
            None,
            check_in.clone(),
        ))
        .await;
    assert_eq!(graded["type"], 7, "{graded}");
    assert!(
        graded["data"]["content"]
            .as_str()
            .unwrap_or("")
            .contains("+10 points"),
        "{graded}"
    );
    // The partner's copy of the check-in now says it is recorded.
    let mine = app
        .fake
        .wait_for("the partner's check-in", || {
            quizzes(&app.fake, &dm(LEARNER)).first().cloned()
        })
        .await;
    let (again, _) = app
        .interact(discord::component(
            &app.fake.next_id(),
            None,
            &dm(LEARNER),
            LEARNER,
            &met,
            None,
            mine,
        ))
        .await;
    assert!(
        again["data"]["content"]
            .as_str()
            .unwrap_or("")
            .contains("Already recorded"),
        "{again}"
    );
    assert_eq!(outcomes(&app.daemon).await, [Some("met".to_string())]);
    app.fake.assert_valid();
    app.daemon.shutdown().await;
}

/// The reply's text to an interaction.
fn content(body: &Value) -> &str {
    body["data"]["content"].as_str().unwrap_or("")
}

#[tokio::test]
async fn discord_user_and_length_options_reach_the_partner_commands_as_values() {
    let app = spawn_discord_app().await;
    let other = "830000000000000102";
    let lead = "830000000000000900";
    let send = |who: &str, sub: &str, options: Value, permissions: &str| {
        app.interact(partner(&app.fake.next_id(), who, sub, options, permissions))
    };
    let (body, _) = send(lead, "create", json!([]), "32").await;
    assert!(content(&body).contains("Pool created"), "{body}");
    let (body, _) = send(LEARNER, "join", json!([]), "0").await;
    assert!(content(&body).contains("You're in"), "{body}");
    // A USER option is the member's id: the learner's own is refused, another's is recorded.
    let member = |id: &str| json!([{"type": 6, "name": "member", "value": id}]);
    let (body, _) = send(LEARNER, "avoid", member(LEARNER), "0").await;
    assert_eq!(content(&body), "You can't avoid yourself.", "{body}");
    let (body, _) = send(LEARNER, "avoid", member(other), "0").await;
    assert_eq!(
        content(&body),
        "Noted, privately: you'll never be paired with them.",
        "{body}"
    );
    let avoided: Vec<String> = sqlx::query_scalar(
        "SELECT m.external_id FROM partner_avoids a JOIN members m ON m.id = a.avoided_id",
    )
    .fetch_all(app.daemon.store().pool())
    .await
    .expect("avoids");
    assert_eq!(avoided, [other]);
    // The `for` option is a length; a wrong one gets the same message as typed text.
    let length = |text: &str| json!([{"type": 3, "name": "for", "value": text}]);
    let (body, _) = send(LEARNER, "pause", length("2w"), "0").await;
    assert!(
        content(&body).starts_with("⏸️ No partner rounds for you until"),
        "{body}"
    );
    let (body, _) = send(LEARNER, "pause", length("soon"), "0").await;
    assert!(content(&body).starts_with("Pause for how long?"), "{body}");
    // `stats` is for team leads and moderators: the route refuses anyone else.
    let (body, _) = send(LEARNER, "stats", json!([]), "0").await;
    assert_eq!(
        content(&body),
        "Only team leads and moderators can create pools, hold rounds and see a pool's stats.",
        "{body}"
    );
    app.fake.assert_valid();
    app.daemon.shutdown().await;
}
