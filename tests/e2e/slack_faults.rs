//! Slack under stress: redelivered envelopes, 429 storms, dropped sockets, forged block_actions.

use crate::slack::{ack_text, spawn_slack_app};
use crate::support::fake_slack::{Fault, TEAM, payloads};

#[tokio::test]
async fn a_429_storm_slows_sending_but_loses_and_doubles_nothing() {
    let app = spawn_slack_app().await;
    app.fake
        .inject("chat.postMessage", Fault::RateLimited(1), 3);
    app.fake.inject("chat.postMessage", Fault::ServerError, 1);
    let n = app.push_to_channel(TEAM, "C-STORM", "sbi-model").await;
    let store = app.daemon.store().clone();
    crate::support::eventually("every message recorded as sent", || {
        let store = store.clone();
        async move {
            store
                .outbox_counts()
                .await
                .is_ok_and(|c| c.sent == n as i64)
        }
    })
    .await;
    let counts = app.daemon.store().outbox_counts().await.expect("counts");
    assert_eq!((counts.sent, counts.failed), (n as i64, 0), "{counts:?}");
    let posted = app.fake.posted("C-STORM");
    let mut keys: Vec<String> = posted
        .iter()
        .map(|m| {
            m["metadata"]["event_payload"]["delivery"]
                .as_str()
                .unwrap_or("")
                .to_string()
        })
        .collect();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), n, "each message posted exactly once");
    assert_eq!(
        app.fake.requests("chat.postMessage").len(),
        n + 4,
        "each refusal cost one request, no hammering"
    );
    app.daemon.shutdown().await;
}

#[tokio::test]
async fn a_dropped_socket_reconnects_and_no_envelope_is_lost() {
    let app = spawn_slack_app().await;
    app.fake.drop_connections();
    // Sent while the bot is disconnected: Slack keeps it and delivers it on the next connection.
    let id = app.fake.send_envelope(
        "slash_commands",
        payloads::slash_command("C-LEARN", "U-EVE", "/points", "", "trig.p"),
    );
    let ack = app.fake.ack(&id).await;
    assert!(ack_text(&ack).contains("points"), "{ack}");
    assert!(app.fake.connections_opened() >= 2);
    app.fake.request_refresh();
    app.fake
        .wait_for("a refreshed connection", || {
            (app.fake.connections_opened() >= 3).then_some(())
        })
        .await;
    let id = app.fake.send_envelope(
        "slash_commands",
        payloads::slash_command("C-LEARN", "U-EVE", "/nibble", "help", "trig.h"),
    );
    assert!(ack_text(&app.fake.ack(&id).await).contains("/learn"));
    app.daemon.shutdown().await;
}

#[tokio::test]
async fn forged_block_actions_are_rejected_and_write_nothing() {
    let app = spawn_slack_app().await;
    app.command("C-LEARN", "U-OWN", "/learn", "turn-on-mfa", "trig.o")
        .await;
    app.fake
        .wait_for("the owner's DM quiz", || {
            (app.quiz_buttons("DU-OWN").len() >= 3).then_some(())
        })
        .await;
    app.push_to_channel("T-ELSEWHERE", "C-THEIRS", "sbi-model")
        .await;
    let (own_ts, own_values) = app.quiz_buttons("DU-OWN")[0].clone();
    let (their_ts, their_values) = app.quiz_buttons("C-THEIRS")[0].clone();
    let before = app.daemon.store().row_counts().await.expect("counts");
    let forged = [
        payloads::button_click(TEAM, "DU-OWN", "U-MALLORY", &own_ts, &own_values[0], "f.1"),
        payloads::button_click(
            TEAM,
            "C-THEIRS",
            "U-MALLORY",
            &their_ts,
            &their_values[0],
            "f.2",
        ),
        payloads::button_click(TEAM, "C-LEARN", "U-MALLORY", "1.1", "nb1:a:987654:0", "f.3"),
        payloads::button_click(
            TEAM,
            "C-LEARN",
            "U-MALLORY",
            "1.1",
            "nb1:a:1:0:extra",
            "f.4",
        ),
    ];
    for (i, payload) in forged.into_iter().enumerate() {
        let id = app.fake.send_envelope("interactive", payload);
        app.fake.ack(&id).await;
        app.fake
            .wait_for("the refusal", || {
                (app.fake.requests("chat.postEphemeral").len() > i).then_some(())
            })
            .await;
    }
    let refusals: Vec<String> = app
        .fake
        .requests("chat.postEphemeral")
        .iter()
        .map(|r| r["text"].as_str().unwrap_or("").to_string())
        .collect();
    assert!(refusals[0].contains("sent to someone else"), "{refusals:?}");
    assert!(refusals[1].contains("doesn't exist here"), "{refusals:?}");
    assert!(refusals[2].contains("doesn't exist here"), "{refusals:?}");
    assert!(refusals[3].contains("isn't valid"), "{refusals:?}");
    assert_eq!(
        app.daemon.store().row_counts().await.expect("counts"),
        before,
        "a forged click wrote something"
    );
    assert!(app.fake.requests("chat.update").is_empty());
    app.fake.assert_valid();
    app.daemon.shutdown().await;
}

#[tokio::test]
async fn redelivered_envelopes_are_processed_once() {
    let app = spawn_slack_app().await;
    let cmd = payloads::slash_command("C-LEARN", "U-CY", "/learn", "", "trig.dup");
    app.fake
        .send_envelope_with_id("env-dup-1", "slash_commands", cmd.clone());
    app.fake.ack("env-dup-1").await;
    app.fake
        .send_envelope_with_id("env-dup-1", "slash_commands", cmd);
    app.fake.ack("env-dup-1").await;
    let joined = payloads::event_callback("Ev-JOIN-1", payloads::member_joined("U-DEE", "C-LEARN"));
    let a = app.fake.send_envelope("events_api", joined.clone());
    app.fake.ack(&a).await;
    let b = app.fake.send_envelope("events_api", joined);
    app.fake.ack(&b).await;
    app.fake
        .wait_for("the welcome DM", || {
            (!app.fake.posted("DU-DEE").is_empty()).then_some(())
        })
        .await;
    app.fake
        .wait_for("the pulled lesson", || {
            (!app.fake.posted("DU-CY").is_empty()).then_some(())
        })
        .await;
    let counts = app.daemon.store().row_counts().await.expect("counts");
    assert_eq!(counts.deliveries, 1, "one /learn, delivered once");
    assert_eq!(app.fake.posted("DU-DEE").len(), 1, "one welcome");
    app.daemon.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_engine_still_acknowledges_in_time_and_answers_after() {
    let app = spawn_slack_app().await;
    let mut lock = crate::discord::hold_write_lock(&app._dir.path().join("slack.db")).await;
    let started = std::time::Instant::now();
    let id = app.fake.send_envelope(
        "slash_commands",
        payloads::slash_command("C-LEARN", "U-SLOW", "/points", "", "trig.slow"),
    );
    let ack = app.fake.ack(&id).await;
    assert!(
        started.elapsed() < std::time::Duration::from_secs(3),
        "acknowledged in {:?}",
        started.elapsed()
    );
    assert!(ack_text(&ack).contains("On it"), "{ack}");
    sqlx::query("ROLLBACK")
        .execute(&mut lock)
        .await
        .expect("unlock");
    let late = app
        .fake
        .wait_for("the late answer", || {
            app.fake.requests("chat.postEphemeral").first().cloned()
        })
        .await;
    assert!(
        late["text"].as_str().unwrap_or("").contains("points"),
        "{late}"
    );
    app.fake.assert_valid();
    app.daemon.shutdown().await;
}

#[tokio::test]
async fn wrong_tokens_stop_the_start_with_a_clear_error() {
    use crate::support::fake_slack::{APP_TOKEN, BOT_TOKEN, FakeSlack};
    use nibble::clock::SystemClock;
    use nibble::config::Config;
    use nibble::daemon::{Adapters, Daemon};
    let fake = FakeSlack::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = Config::default();
    config.database.url = dir.path().join("t.db").display().to_string();
    config.lessons.dir = crate::support::lessons_dir();
    config.slack.enabled = true;
    config.slack.api_url = fake.api_url();
    for (bot, app, expected) in [
        ("xoxb-wrong", APP_TOKEN, "rejected the bot token"),
        (BOT_TOKEN, "xapp-wrong", "refused to open Socket Mode"),
    ] {
        let env = std::collections::HashMap::from([
            ("NIBBLE_SLACK_BOT_TOKEN".to_string(), bot.to_string()),
            ("NIBBLE_SLACK_APP_TOKEN".to_string(), app.to_string()),
        ]);
        let adapters = Adapters::from_config(&config, &env).expect("adapters");
        let mut daemon = Daemon::start(
            &config,
            adapters.platforms(),
            std::sync::Arc::new(SystemClock),
        )
        .await
        .expect("daemon");
        let err = daemon
            .connect(&config, &adapters)
            .await
            .map(|_| ())
            .expect_err("must refuse");
        assert!(err.to_string().contains(expected), "{err}");
        assert!(
            !err.to_string().contains("wrong"),
            "a token must never appear in an error: {err}"
        );
        daemon.shutdown().await;
    }
    let missing = Adapters::from_config(&config, &std::collections::HashMap::new())
        .map(|_| ())
        .expect_err("no tokens");
    assert!(
        missing.to_string().contains("NIBBLE_SLACK_BOT_TOKEN"),
        "{missing}"
    );
}

#[tokio::test]
async fn an_in_doubt_send_is_looked_up_in_history_and_thread_replies() {
    use nibble::chat::{ChatPlatform, Destination, InDoubt, Message, Outgoing};
    let app = spawn_slack_app().await;
    app.push_to_channel(TEAM, "C-DOUBT", "sbi-model").await;
    let platform = app.adapters.slack.clone().expect("slack enabled");
    let probe = |destination: Destination, key: &str| Outgoing {
        tenant: TEAM.into(),
        destination,
        message: Message::text("probe"),
        dedupe_key: key.into(),
        dm_channel: None,
    };
    let channel = Destination::Channel {
        channel: "C-DOUBT".into(),
    };
    let first_ts = app
        .fake
        .posted("C-DOUBT")
        .last()
        .and_then(|m| m["ts"].as_str().map(str::to_string))
        .expect("ts");
    assert_eq!(
        platform
            .resolve_in_doubt(&probe(channel.clone(), "d1:m0"))
            .await
            .expect("history read"),
        InDoubt::Sent(format!("C-DOUBT:{first_ts}"))
    );
    assert_eq!(
        platform
            .resolve_in_doubt(&probe(channel, "never-sent"))
            .await
            .expect("history read"),
        InDoubt::NotSent
    );

    let thread = platform
        .open_thread(&format!("C-DOUBT:{first_ts}"), "Discuss")
        .await
        .expect("thread");
    platform
        .send(&probe(thread.clone(), "reply-1"))
        .await
        .expect("posted in the thread");
    assert!(matches!(
        platform
            .resolve_in_doubt(&probe(thread.clone(), "reply-1"))
            .await,
        Ok(InDoubt::Sent(_))
    ));
    assert_eq!(
        platform
            .resolve_in_doubt(&probe(thread, "reply-2"))
            .await
            .expect("replies read"),
        InDoubt::NotSent
    );
    app.daemon.shutdown().await;
}

/// A Slack API address that accepts connections and never answers does not hang the start: each
/// start-up check gives up after its patience (tokio's paused clock: no real waiting).
#[tokio::test(start_paused = true)]
async fn a_silent_slack_at_start_is_unreachable_not_a_hang() {
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}/api/", silent.local_addr().expect("address"));
    let held = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((socket, _)) = silent.accept().await {
            open.push(socket); // accepted, never answered
        }
    });
    let mut config = nibble::config::Config::default();
    config.slack.enabled = true;
    config.slack.api_url = url.clone();
    let env = std::collections::HashMap::from([
        (
            "NIBBLE_SLACK_BOT_TOKEN".to_string(),
            "xoxb-1-silent".to_string(),
        ),
        (
            "NIBBLE_SLACK_APP_TOKEN".to_string(),
            "xapp-1-silent".to_string(),
        ),
    ]);
    let adapters = nibble::daemon::Adapters::from_config(&config, &env).expect("adapters");
    let slack = adapters.slack.expect("slack is enabled");
    let outcome = tokio::time::timeout(std::time::Duration::from_secs(3600), slack.preflight())
        .await
        .expect("the check gives up on its own");
    let error = outcome
        .expect_err("a silent server is an error")
        .to_string();
    assert!(
        error.contains(&format!("cannot reach Slack at {url}"))
            && error.contains("no answer within 30 s"),
        "{error}"
    );
    held.abort();
}
