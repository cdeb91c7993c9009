//! Search buttons and review DMs through each real adapter against its fake server: the menu's
//! buttons send the lesson, a due review arrives as buttons and a click grades it in place.

use crate::discord::{CHANNEL, LEARNER, quizzes, spawn_discord_app};
use crate::slack::{ack_text, spawn_slack_app};
use crate::support::fake_discord::{GUILD, payloads as discord};
use crate::support::fake_slack::{TEAM, payloads as slack};
use nibble::daemon::Daemon;
use serde_json::{Value, json};

/// Makes every review card and schedule due now (the adapters' daemons run on the system clock).
async fn make_reviews_due(daemon: &Daemon) {
    daemon.engine().fold_now().await.expect("fold");
    let pool = daemon.store().pool();
    for sql in [
        "UPDATE review_cards SET due_at = '2000-01-01T00:00:00.000Z'",
        "UPDATE review_schedules SET next_at = '2000-01-01T00:00:00.000Z'",
    ] {
        sqlx::query(sql).execute(pool).await.expect("make due");
    }
    // The daemon's own ticker (system clock) may get there first: await the review DM queued.
    daemon.engine().run_due().await.expect("tick");
    let queued = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM outbox WHERE dedupe_key LIKE 'review:%'")
            .fetch_one(pool)
            .await
            .unwrap_or(0)
    };
    crate::support::eventually("the review DM queued", || async { queued().await >= 1 }).await;
    daemon.engine().run_due().await.expect("tick");
    assert_eq!(queued().await, 1, "one review DM");
}

#[tokio::test]
async fn slack_search_buttons_and_review_buttons() {
    let app = spawn_slack_app().await;
    let (ack, _) = app
        .command("C-LEARN", "U-ANA", "/learn", "phishing", "trig.s1")
        .await;
    assert_eq!(ack["response_type"], "ephemeral");
    assert!(ack_text(&ack).contains("best first"), "{ack}");
    let buttons: Vec<String> = ack["blocks"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|b| b["type"] == "actions")
        .flat_map(|b| b["elements"].as_array().cloned().unwrap_or_default())
        .filter_map(|e| e["value"].as_str().map(str::to_string))
        .collect();
    assert_eq!(
        buttons.first().map(String::as_str),
        Some("nb1:l:spot-phishing")
    );

    let id = app.fake.send_envelope(
        "interactive",
        slack::button_click(
            TEAM,
            "C-LEARN",
            "U-ANA",
            "1700000000.000100",
            &buttons[0],
            "trig.s2",
        ),
    );
    app.fake.ack(&id).await;
    app.fake
        .wait_for("the lesson's quiz by DM", || {
            (app.quiz_buttons("DU-ANA").len() >= 3).then_some(())
        })
        .await;
    let (ts, values) = app.quiz_buttons("DU-ANA")[0].clone();
    let id = app.fake.send_envelope(
        "interactive",
        slack::button_click(TEAM, "DU-ANA", "U-ANA", &ts, &values[0], "trig.s3"),
    );
    app.fake.ack(&id).await;
    app.fake
        .wait_for("the answer recorded", || {
            (!app.fake.requests("chat.update").is_empty()).then_some(())
        })
        .await;

    make_reviews_due(&app.daemon).await;
    let review = app
        .fake
        .wait_for("the review DM", || {
            app.quiz_buttons("DU-ANA")
                .into_iter()
                .find(|(_, v)| v.iter().any(|v| v.starts_with("nb1:r:")))
        })
        .await;
    let updates = app.fake.requests("chat.update").len();
    let id = app.fake.send_envelope(
        "interactive",
        slack::button_click(TEAM, "DU-ANA", "U-ANA", &review.0, &review.1[0], "trig.s4"),
    );
    app.fake.ack(&id).await;
    let update = app
        .fake
        .wait_for("the graded review", || {
            app.fake.requests("chat.update").get(updates).cloned()
        })
        .await;
    assert_eq!(update["ts"], review.0.as_str());
    let text = update["text"].as_str().unwrap_or("");
    assert!(
        text.contains("Correct") || text.contains("Not quite"),
        "{update}"
    );
    let answers: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM review_answers")
        .fetch_one(app.daemon.store().pool())
        .await
        .expect("count");
    assert_eq!(answers, 1);
    app.fake.assert_valid();
    app.daemon.shutdown().await;
}

/// A message object as Discord sends it with a component interaction.
fn message_with(components: &Value, flags: u64) -> Value {
    json!({
        "id": "900000000000000777", "channel_id": CHANNEL, "type": 0, "content": "results",
        "author": discord::user("800000000000000002"), "attachments": [], "embeds": [],
        "components": components, "mentions": [], "mention_roles": [], "pinned": false,
        "mention_everyone": false, "tts": false, "timestamp": "2026-03-02T09:00:00.000000+00:00",
        "edited_timestamp": null, "flags": flags
    })
}

#[tokio::test]
async fn discord_search_buttons_and_review_buttons() {
    let app = spawn_discord_app().await;
    let (callback, _) = app
        .command(
            LEARNER,
            "learn",
            json!([{"name": "topic", "type": 3, "value": "phishing"}]),
        )
        .await;
    assert_eq!(callback["type"], 4);
    assert_eq!(callback["data"]["flags"], 64);
    let components = callback["data"]["components"].clone();
    let first = components[0]["components"][0]["custom_id"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert_eq!(first, "nb1:l:spot-phishing", "{callback}");

    let id = app.fake.next_id();
    let (sent, _) = app
        .interact(discord::component(
            &id,
            Some(GUILD),
            CHANNEL,
            LEARNER,
            &first,
            None,
            message_with(&components, 64),
        ))
        .await;
    assert!(
        sent["data"]["content"]
            .as_str()
            .unwrap_or("")
            .contains("by DM"),
        "{sent}"
    );
    let dm = format!("7{}", &LEARNER[1..]);
    let quiz = app
        .fake
        .wait_for("the DM quiz", || quizzes(&app.fake, &dm).first().cloned())
        .await;
    let id = app.fake.next_id();
    let custom_id = quiz["components"][0]["components"][0]["custom_id"]
        .as_str()
        .unwrap_or("")
        .to_string();
    app.interact(discord::component(
        &id,
        None,
        &dm,
        LEARNER,
        &custom_id,
        None,
        quiz.clone(),
    ))
    .await;

    make_reviews_due(&app.daemon).await;
    let review = app
        .fake
        .wait_for("the review DM", || {
            quizzes(&app.fake, &dm).into_iter().find(|m| {
                m["components"][0]["components"][0]["custom_id"]
                    .as_str()
                    .is_some_and(|c| c.starts_with("nb1:r:"))
            })
        })
        .await;
    let custom_id = review["components"][0]["components"][0]["custom_id"]
        .as_str()
        .unwrap_or("")
        .to_string();
    let id = app.fake.next_id();
    let (graded, _) = app
        .interact(discord::component(
            &id,
            None,
            &dm,
            LEARNER,
            &custom_id,
            None,
            review.clone(),
        ))
        .await;
    assert_eq!(graded["type"], 7, "the review is replaced by its result");
    let content = graded["data"]["content"].as_str().unwrap_or("");
    assert!(
        content.contains("Correct") || content.contains("Not quite"),
        "{graded}"
    );
    app.fake.assert_valid();
    app.daemon.shutdown().await;
}
