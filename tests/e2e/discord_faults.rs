//! Discord under stress: gateway drops and resumes, 429 storms, forged interactions.

use crate::discord::{
    CHANNEL, INTRUDER, LEARNER, OTHER_CHANNEL, first_custom_id, push, quizzes, spawn_discord_app,
};
use crate::support::fake_discord::{Fault, GUILD, OTHER_GUILD, payloads};
use nibble::chat::Platform;
use nibble::engine::Recipient;
use serde_json::json;

#[tokio::test]
async fn a_dropped_gateway_resumes_with_no_event_lost_or_doubled() {
    let app = spawn_discord_app().await;
    app.fake.drop_gateway();
    // Dispatched while the bot is away: the RESUME replays it.
    let id = app.fake.next_id();
    let (cb, _) = app
        .interact(payloads::command(
            &id,
            GUILD,
            CHANNEL,
            LEARNER,
            "points",
            json!([]),
            "0",
        ))
        .await;
    assert!(
        cb["data"]["content"]
            .as_str()
            .unwrap_or("")
            .contains("points")
    );
    assert!(app.fake.resumes() >= 1, "resumed, not re-identified");
    assert_eq!(app.fake.identifies(), 1);

    app.fake.request_reconnect();
    app.fake
        .wait_for("a resume after op 7", || {
            (app.fake.resumes() >= 2).then_some(())
        })
        .await;
    let id2 = app.fake.next_id();
    app.interact(payloads::command(
        &id2,
        GUILD,
        CHANNEL,
        LEARNER,
        "progress",
        json!([]),
        "0",
    ))
    .await;

    app.fake.invalidate_session();
    app.fake
        .wait_for("a fresh identify after op 9", || {
            (app.fake.identifies() >= 2).then_some(())
        })
        .await;
    // The same interaction delivered twice is answered once.
    let dup = app.fake.next_id();
    let data = payloads::command(&dup, GUILD, CHANNEL, LEARNER, "learn", json!([]), "0");
    app.fake.dispatch("INTERACTION_CREATE", data.clone());
    app.fake.dispatch("INTERACTION_CREATE", data);
    app.fake
        .wait_for("the lesson", || {
            app.fake
                .requests("POST /users/@me/channels")
                .first()
                .cloned()
        })
        .await;
    let store = app.daemon.store().clone();
    crate::support::eventually("one delivery", || {
        let store = store.clone();
        async move { store.row_counts().await.is_ok_and(|c| c.deliveries == 1) }
    })
    .await;
    assert_eq!(
        app.fake
            .callbacks()
            .iter()
            .filter(|(i, _)| *i == id)
            .count(),
        1
    );
    assert_eq!(
        app.fake
            .callbacks()
            .iter()
            .filter(|(i, _)| *i == dup)
            .count(),
        1,
        "answered once"
    );
    app.daemon.shutdown().await;
}

#[tokio::test]
async fn a_429_storm_is_survived_with_nothing_lost_or_doubled() {
    let app = spawn_discord_app().await;
    let route = "POST /channels/{channel_id}/messages";
    app.fake.inject(route, Fault::RateLimited(1.0), 3);
    app.fake.inject(route, Fault::ServerError, 1);
    let n = push(
        &app.daemon,
        Platform::Discord,
        GUILD,
        Recipient::Channel(CHANNEL.into()),
        "sbi-model",
    )
    .await;
    let store = app.daemon.store().clone();
    crate::support::eventually("every message sent", || {
        let store = store.clone();
        async move {
            store
                .outbox_counts()
                .await
                .is_ok_and(|c| c.sent == n as i64)
        }
    })
    .await;
    assert_eq!(
        app.fake.messages(CHANNEL).len(),
        n,
        "each message posted once"
    );
    assert_eq!(
        app.fake.requests(route).len(),
        n + 4,
        "one request per refusal, no hammering"
    );
    app.daemon.shutdown().await;
}

#[tokio::test]
async fn forged_interactions_are_rejected_and_write_nothing() {
    let app = spawn_discord_app().await;
    app.command(
        LEARNER,
        "learn",
        json!([{"name": "topic", "type": 3, "value": "turn-on-mfa"}]),
    )
    .await;
    let dm_channel = format!("7{}", &LEARNER[1..]);
    app.fake
        .wait_for("the DM quiz", || {
            (quizzes(&app.fake, &dm_channel).len() >= 3).then_some(())
        })
        .await;
    let n = push(
        &app.daemon,
        Platform::Discord,
        OTHER_GUILD,
        Recipient::Channel(OTHER_CHANNEL.into()),
        "sbi-model",
    )
    .await;
    app.fake
        .wait_for("the other guild's quiz", || {
            (app.fake.messages(OTHER_CHANNEL).len() >= n).then_some(())
        })
        .await;
    let own = quizzes(&app.fake, &dm_channel)[0].clone();
    let theirs = quizzes(&app.fake, OTHER_CHANNEL)[0].clone();
    let before = app.daemon.store().row_counts().await.expect("counts");
    let cases = [
        (
            None,
            own.clone(),
            first_custom_id(&own),
            "sent to someone else",
        ),
        (
            Some(GUILD),
            own.clone(),
            first_custom_id(&own),
            "sent to someone else",
        ),
        (
            Some(GUILD),
            theirs.clone(),
            first_custom_id(&theirs),
            "doesn't exist here",
        ),
        (
            Some(GUILD),
            theirs.clone(),
            "nb1:a:987654:0".to_string(),
            "doesn't exist here",
        ),
        (Some(GUILD), theirs, "nb1:x".to_string(), "isn't valid"),
    ];
    for (guild, message, custom_id, expected) in cases {
        let id = app.fake.next_id();
        let (cb, _) = app
            .interact(payloads::component(
                &id, guild, CHANNEL, INTRUDER, &custom_id, None, message,
            ))
            .await;
        assert_eq!(cb["type"], 4, "{cb}");
        assert_eq!(cb["data"]["flags"], 64);
        assert!(
            cb["data"]["content"]
                .as_str()
                .unwrap_or("")
                .contains(expected),
            "{custom_id}: {cb}"
        );
    }
    assert_eq!(
        app.daemon.store().row_counts().await.expect("counts"),
        before,
        "a forged interaction wrote something"
    );
    app.fake.assert_valid();
    app.daemon.shutdown().await;
}
