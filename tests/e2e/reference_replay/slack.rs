//! Slack's own payloads (bolt-python, python-slack-sdk, slack-morphism fixtures) through the fake's
//! Socket Mode into nibble's SlackListener: commands answered in the ack, thread replies recorded,
//! top-level and bot messages ignored, an edit and a feature reaction applied, a quiz click graded,
//! and envelopes nibble has no use for (shortcuts, modal actions, mentions) acknowledged and dropped.

use super::{capture, replies, reply_becomes, reply_row, rewrite};
use crate::communities_adapters::{fire_schedules, thread_key};
use crate::slack::{SlackApp, ack_text, spawn_slack_app};
use crate::support::fake_slack::{TEAM, payloads};
use serde_json::{Value, json};

const BOLT: &str = "slack/fixtures/bolt-python";
const SDK: &str = "slack/fixtures/python-slack-sdk-socket-mode";
const MORPHISM: &str = "slack/fixtures/slack-morphism-rust/src/models/events/fixtures";

/// The captures' workspace, channels and people, as the test's.
const IDS: &[(&str, &str)] = &[
    ("T111", TEAM),
    ("TXXXXXXXXXX", TEAM),
    ("T12345678", TEAM),
    ("C111", "C-TALK"),
    ("G111", "C-TALK"),
    ("CXXXXXXXXXX", "C-TALK"),
];

impl SlackApp {
    /// Sends a captured envelope (ids rewritten, a fresh envelope id) and returns its ack payload.
    async fn replay(&self, mut envelope: Value, n: usize, who: &str) -> Value {
        rewrite(&mut envelope, IDS);
        let people = [("U111", who), ("U222", who), ("W111", who), ("W222", who)];
        rewrite(&mut envelope, &people);
        rewrite(&mut envelope, &[("UXXXXXXXXXX", who), ("U12345678", who)]);
        envelope["envelope_id"] = json!(format!("replay-{n}"));
        let payload = &mut envelope["payload"];
        if payload.get("trigger_id").is_some() {
            payload["trigger_id"] = json!(format!("replay.trigger.{n}"));
        }
        if payload.get("event_id").is_some() {
            payload["event_id"] = json!(format!("Ev-replay-{n}"));
        }
        let id = self.fake.send_raw_envelope(envelope);
        self.fake.ack(&id).await
    }
}

/// A message event body as Slack's Events API wraps it, in a Socket Mode envelope.
fn events_api(body: Value) -> Value {
    payloads::envelope("e", "events_api", body)
}

/// Puts a captured message at `ts` (optionally in the thread `thread`), as its own message.
fn at(mut envelope: Value, ts: &str, thread: Option<&str>) -> Value {
    let event = &mut envelope["payload"]["event"];
    event["ts"] = json!(ts);
    event["event_ts"] = json!(ts);
    if let Some(t) = thread {
        event["thread_ts"] = json!(t);
        event["parent_user_id"] = json!("UBOT");
    }
    envelope
}

fn text_len(envelope: &Value) -> i64 {
    envelope["payload"]["event"]["text"]
        .as_str()
        .map_or(0, |t| t.trim().chars().count() as i64)
}

#[tokio::test]
async fn slacks_own_payloads_drive_a_discussion_through_the_listener() {
    let Some(command) = capture(&format!(
        "{SDK}/mock_socket_mode_server__socket_mode_envelopes_0.json"
    )) else {
        return;
    };
    let file = |name: &str| capture(&format!("{BOLT}/{name}.json")).expect("bolt-python capture");
    let humans = vec![
        capture(&format!(
            "{SDK}/mock_socket_mode_server__socket_mode_envelopes_3.json"
        ))
        .expect("sdk"),
        file("mock_socket_mode_server__socket_mode_envelopes_2"),
        events_api(file("test_message__message_body")),
        events_api(file("test_message__message_body2")),
        events_api(file("test_message__message_body3")),
        events_api(file("test_message_bot__user_message_event_payload")),
        events_api(file("test_events__message_file_share_body")),
    ];
    let bots = [
        events_api(file("test_message_bot__bot_message_event_payload")),
        events_api(file("test_message_bot__classic_bot_message_event_payload")),
    ];
    let app = spawn_slack_app().await;
    // The moderator schedules prompts with Slack's own slash command payload.
    let mut schedule = command.clone();
    schedule["payload"]["command"] = json!("/nibble");
    schedule["payload"]["text"] = json!("prompts general weekly UTC");
    let ack = app.replay(schedule, 1, "U-MOD").await;
    assert!(ack_text(&ack).contains("Schedule 1"), "{ack}");
    let mut points = command;
    points["payload"]["command"] = json!("/points");
    let ack = app.replay(points, 2, "U-ANA").await;
    assert!(
        !ack_text(&ack).is_empty() && ack["response_type"] == "ephemeral",
        "{ack}"
    );
    fire_schedules(&app.daemon).await;
    let thread = thread_key(&app.daemon).await;

    // Bots' messages in the thread are not replies; members' are, each with its text's length;
    // the same messages outside the thread are not.
    for (i, bot) in bots.into_iter().enumerate() {
        app.replay(
            at(bot, &format!("1700002{i:03}.000100"), Some(&thread)),
            10 + i,
            "U-BOT",
        )
        .await;
    }
    let mut sent = Vec::new();
    for (i, human) in humans.into_iter().enumerate() {
        let who = format!("U-R{i}");
        app.replay(
            at(human.clone(), &format!("1700001{i:03}.000100"), None),
            20 + i,
            &who,
        )
        .await;
        let ts = format!("1700003{i:03}.000100");
        app.replay(at(human.clone(), &ts, Some(&thread)), 40 + i, &who)
            .await;
        sent.push((ts, text_len(&human)));
    }
    for (ts, len) in &sent {
        reply_becomes(&app.daemon, ts, "recorded", |r| r.0 == *len).await;
    }
    assert_eq!(
        replies(&app.daemon).await,
        sent.len() as i64,
        "only thread replies by people"
    );

    // slack-morphism's own message_changed fixture edits the third reply.
    let mut edit =
        events_api(capture(&format!("{MORPHISM}/message_changed.json")).expect("fixture"));
    for m in ["message", "previous_message"] {
        edit["payload"]["event"][m]["ts"] = json!(sent[2].0);
    }
    app.replay(edit, 60, "U-R2").await;
    reply_becomes(&app.daemon, &sent[2].0, "edited", |r| r.1 && r.0 == 14).await;

    // bolt's reaction_added: a heart is no feature; the moderator's star (same payload) is.
    let reaction = file("test_events__valid_reaction_added_body");
    let on = |mut r: Value, emoji: &str| {
        r["event"]["item"]["ts"] = json!(sent[3].0);
        r["event"]["reaction"] = json!(emoji);
        events_api(r)
    };
    app.replay(on(reaction.clone(), "heart_eyes"), 61, "U-MOD")
        .await;
    assert_eq!(
        reply_row(&app.daemon, &sent[3].0).await.map(|r| r.3),
        Some(false)
    );
    app.replay(on(reaction, "star"), 62, "U-MOD").await;
    reply_becomes(&app.daemon, &sent[3].0, "featured", |r| r.3).await;
    app.daemon.shutdown().await;
}

#[tokio::test]
async fn slacks_own_block_actions_answer_a_quiz_and_other_interactions_are_dropped() {
    let Some(click) = capture(&format!("{BOLT}/test_block_actions__body.json")) else {
        return;
    };
    let app = spawn_slack_app().await;
    app.command("C-LEARN", "U-BEN", "/learn", "turn-on-mfa", "t.learn")
        .await;
    app.fake
        .wait_for("the DM quiz", || {
            (app.quiz_buttons("DU-BEN").len() >= 3).then_some(())
        })
        .await;
    let (ts, values) = app.quiz_buttons("DU-BEN")[0].clone();
    let quiz = app
        .fake
        .posted("DU-BEN")
        .into_iter()
        .find(|m| m["ts"] == ts.as_str())
        .expect("quiz");
    let button = quiz["blocks"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|b| b["type"] == "actions")
        .flat_map(|b| {
            b["elements"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(move |e| (b["block_id"].clone(), e))
        })
        .find(|(_, e)| e["value"] == values[0].as_str())
        .expect("a button");
    // Envelopes nibble has no use for: acknowledged, nothing answered.
    for (n, name) in [
        "mock_socket_mode_server__socket_mode_envelopes_1",
        "mock_socket_mode_server__socket_mode_envelopes_2",
        "mock_socket_mode_server__socket_mode_envelopes_4",
    ]
    .iter()
    .enumerate()
    {
        let envelope = capture(&format!("{SDK}/{name}.json")).expect("sdk capture");
        app.replay(envelope, 70 + n, "U-BEN").await;
    }
    // bolt's click, on nibble's button in the DM quiz.
    let mut click = click;
    click["container"]["message_ts"] = json!(ts);
    click["channel"]["id"] = json!("DU-BEN");
    click["container"]["channel_id"] = json!("DU-BEN");
    click["actions"][0]["action_id"] = button.1["action_id"].clone();
    click["actions"][0]["block_id"] = button.0.clone();
    click["actions"][0]["value"] = button.1["value"].clone();
    let before = app
        .daemon
        .store()
        .row_counts()
        .await
        .expect("counts")
        .answers;
    assert_eq!(before, 0, "the dropped envelopes answered nothing");
    assert!(app.fake.requests("chat.postEphemeral").is_empty());
    app.replay(payloads::envelope("e", "interactive", click), 80, "U-BEN")
        .await;
    let update = app
        .fake
        .wait_for("the graded quiz", || {
            app.fake.requests("chat.update").first().cloned()
        })
        .await;
    assert_eq!(update["ts"], ts.as_str(), "{update}");
    assert_eq!(
        app.daemon
            .store()
            .row_counts()
            .await
            .expect("counts")
            .answers,
        1
    );
    app.daemon.shutdown().await;
}
