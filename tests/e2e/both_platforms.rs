//! Slack and Discord at once: one daemon, one database, two fakes; each tenant sees only its own data.

use crate::discord::{CHANNEL, LEARNER, discord_config, first_custom_id, quizzes, wait_ready};
use crate::support::fake_discord::{self, FakeDiscord};
use crate::support::fake_slack::{self, FakeSlack};
use crate::support::lessons_dir;
use nibble::chat::Platform;
use nibble::clock::SystemClock;
use nibble::config::Config;
use nibble::daemon::{Adapters, Daemon};
use serde_json::json;
use std::collections::HashMap;
use std::sync::Arc;

#[tokio::test]
async fn one_daemon_serves_slack_and_discord_and_keeps_tenants_apart() {
    let slack = FakeSlack::start().await;
    let discord = FakeDiscord::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = Config::default();
    config.database.url = dir.path().join("both.db").display().to_string();
    config.lessons.dir = lessons_dir();
    config.slack.enabled = true;
    config.slack.api_url = slack.api_url();
    config.slack.pacing_scale = slack.time_scale();
    config.slack.connections = 1;
    discord_config(&mut config, &discord);
    let env = HashMap::from([
        (
            "NIBBLE_SLACK_BOT_TOKEN".to_string(),
            fake_slack::BOT_TOKEN.to_string(),
        ),
        (
            "NIBBLE_SLACK_APP_TOKEN".to_string(),
            fake_slack::APP_TOKEN.to_string(),
        ),
        (
            "NIBBLE_DISCORD_TOKEN".to_string(),
            fake_discord::TOKEN.to_string(),
        ),
    ]);
    let adapters = Adapters::from_config(&config, &env).expect("adapters");
    let mut daemon = Daemon::start(&config, adapters.platforms(), Arc::new(SystemClock))
        .await
        .expect("daemon");
    daemon.connect(&config, &adapters).await.expect("connect");
    slack
        .wait_for("Socket Mode", || slack.connected().then_some(()))
        .await;
    wait_ready(&discord).await;

    // Slack: a learner pulls a lesson and answers its first question.
    let id = slack.send_envelope(
        "slash_commands",
        fake_slack::payloads::slash_command("C1", "U-SLACKER", "/learn", "turn-on-mfa", "t.1"),
    );
    slack.ack(&id).await;
    let slack_quiz = slack
        .wait_for("the Slack DM quiz", || {
            let posted = slack.posted("DU-SLACKER");
            posted
                .iter()
                .rev()
                .find(|m| {
                    m["blocks"]
                        .as_array()
                        .is_some_and(|b| b.iter().any(|b| b["type"] == "actions"))
                })
                .cloned()
        })
        .await;
    let catalog = daemon.engine().catalog().current();
    let right = catalog.lesson("turn-on-mfa").expect("lesson").questions[0]
        .options
        .iter()
        .position(|o| o.correct)
        .expect("right");
    let slack_payload = slack_quiz["blocks"]
        .as_array()
        .and_then(|b| b.iter().find(|b| b["type"] == "actions"))
        .map(|b| {
            b["elements"][right]["value"]
                .as_str()
                .unwrap_or("")
                .to_string()
        })
        .unwrap_or_default();
    let id = slack.send_envelope(
        "interactive",
        fake_slack::payloads::button_click(
            fake_slack::TEAM,
            "DU-SLACKER",
            "U-SLACKER",
            slack_quiz["ts"].as_str().unwrap_or(""),
            &slack_payload,
            "t.2",
        ),
    );
    slack.ack(&id).await;
    let result = slack
        .wait_for("the Slack result", || {
            slack
                .requests("chat.update")
                .first()
                .cloned()
                .or_else(|| slack.requests("chat.postEphemeral").first().cloned())
        })
        .await;
    assert!(
        result["text"].as_str().unwrap_or("").contains("Correct"),
        "{result}\n{:#?}",
        slack.all_requests()
    );

    // Discord: a learner pulls the same lesson.
    let cmd_id = discord.next_id();
    discord.dispatch(
        "INTERACTION_CREATE",
        fake_discord::payloads::command(
            &cmd_id,
            fake_discord::GUILD,
            CHANNEL,
            LEARNER,
            "learn",
            json!([{"name": "topic", "type": 3, "value": "turn-on-mfa"}]),
            "0",
        ),
    );
    let dm_channel = format!("7{}", &LEARNER[1..]);
    discord
        .wait_for("the Discord DM quiz", || {
            (quizzes(&discord, &dm_channel).len() >= 3).then_some(())
        })
        .await;

    // A Discord member presses a button carrying the Slack quiz's payload: not this tenant's question.
    let quiz = quizzes(&discord, &dm_channel)[0].clone();
    let forged = discord.next_id();
    discord.dispatch(
        "INTERACTION_CREATE",
        fake_discord::payloads::component(
            &forged,
            Some(fake_discord::GUILD),
            CHANNEL,
            LEARNER,
            &slack_payload,
            None,
            quiz.clone(),
        ),
    );
    let refusal = discord
        .wait_for("the refusal", || {
            discord
                .callbacks()
                .into_iter()
                .find(|(i, _)| *i == forged)
                .map(|(_, b)| b)
        })
        .await;
    assert!(
        refusal["data"]["content"]
            .as_str()
            .unwrap_or("")
            .contains("doesn't exist here"),
        "{refusal}"
    );
    // And a Slack user presses the Discord quiz's button.
    let id = slack.send_envelope(
        "interactive",
        fake_slack::payloads::button_click(
            fake_slack::TEAM,
            "C1",
            "U-SLACKER",
            "1.1",
            &first_custom_id(&quiz),
            "t.3",
        ),
    );
    slack.ack(&id).await;
    let refusal = slack
        .wait_for("the Slack refusal", || {
            slack.requests("chat.postEphemeral").first().cloned()
        })
        .await;
    assert!(
        refusal["text"]
            .as_str()
            .unwrap_or("")
            .contains("doesn't exist here"),
        "{refusal}"
    );

    // Each tenant's report holds only its own members.
    let store = daemon.store();
    let slack_tenant = store
        .find_tenant(Platform::Slack.as_str(), fake_slack::TEAM)
        .await
        .expect("query")
        .expect("slack tenant");
    let discord_tenant = store
        .find_tenant(Platform::Discord.as_str(), fake_discord::GUILD)
        .await
        .expect("query")
        .expect("discord tenant");
    let slack_people: Vec<String> = store
        .tenant_progress(slack_tenant)
        .await
        .expect("progress")
        .into_iter()
        .map(|p| p.display_name)
        .collect();
    let discord_people: Vec<String> = store
        .tenant_progress(discord_tenant)
        .await
        .expect("progress")
        .into_iter()
        .map(|p| p.display_name)
        .collect();
    assert_eq!(slack_people.len(), 1, "{slack_people:?}");
    assert_eq!(discord_people.len(), 1, "{discord_people:?}");
    // Named as Slack shows them (users.info's display name).
    assert_eq!(
        slack_people[0],
        slack.user_name("U-SLACKER"),
        "{slack_people:?}"
    );
    assert!(!discord_people.iter().any(|p| p.contains("SLACKER")));
    let slack_points = store.tenant_progress(slack_tenant).await.expect("progress")[0].points;
    let discord_points = store
        .tenant_progress(discord_tenant)
        .await
        .expect("progress")[0]
        .points;
    assert_eq!((slack_points, discord_points), (5, 0));
    slack.assert_valid();
    discord.assert_valid();
    daemon.shutdown().await;
}
