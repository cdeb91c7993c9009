//! The fake Slack behaves like Slack, driven by the app's own manifest: what it escapes, delivers and
//! allows; nibble copes with what the real workspace does (plain mentions, missing scopes, a socket
//! that drops and cannot come back at once).

use crate::slack::{ack_text, spawn_slack_app, spawn_slack_app_with};
use crate::support::fake_slack::{FakeSlack, Manifest, TEAM, TEST_TIME_SCALE, payloads};
use nibble::chat::{ChatPlatform, Destination, Message, Outgoing, SendError};

/// The project's manifest with one command's escaping switched.
fn manifest_escaping(command: &str, escape: bool) -> Manifest {
    let mut m = Manifest::project();
    m.commands.insert(command.into(), escape);
    m
}

#[tokio::test]
async fn the_manifest_escapes_partner_and_badges_and_plain_names_never_make_phantoms() {
    let m = Manifest::project();
    for command in [
        "/partner",
        "/badges",
        "/nibble",
        "/leaderboard",
        "/share",
        "/ask",
    ] {
        assert_eq!(
            m.commands.get(command),
            Some(&true),
            "{command} must escape mentions"
        );
    }

    // A workspace whose /partner does not escape: Slack sends `@name` as typed.
    let app = spawn_slack_app_with(
        FakeSlack::start_with(manifest_escaping("/partner", false), TEST_TIME_SCALE).await,
    )
    .await;
    app.fake.add_user("U-BEA", "bea");
    app.fake.add_user("U-ANA", "ana");
    // Bea has used nibble, so nibble knows her name; nobody called @ghost has.
    app.fake.make_admin("U-LEAD");
    let (ack, _) = app
        .command(
            "C-P",
            "U-LEAD",
            "/partner",
            "create cadence=weekly",
            "t.create",
        )
        .await;
    assert!(!ack_text(&ack).contains("team lead"), "{ack}");
    app.command("C-P", "U-BEA", "/partner", "join", "t.bea")
        .await;
    app.command("C-P", "U-ANA", "/partner", "join", "t.join")
        .await;
    let before = app
        .daemon
        .store()
        .row_counts()
        .await
        .expect("counts")
        .members;
    let (ack, _) = app
        .command("C-P", "U-ANA", "/partner", "avoid @ghost", "t.ghost")
        .await;
    assert!(
        ack_text(&ack).contains("don't know anyone called @ghost"),
        "{ack}"
    );
    let (ack, _) = app
        .command("C-P", "U-ANA", "/partner", "avoid @bea", "t.bea2")
        .await;
    assert!(ack_text(&ack).contains("never be paired"), "{ack}");
    let after = app
        .daemon
        .store()
        .row_counts()
        .await
        .expect("counts")
        .members;
    assert_eq!(after, before, "no phantom member for a plain name");
    app.daemon.shutdown().await;

    // The project's manifest escapes: the same words arrive as an id.
    let app = spawn_slack_app().await;
    app.fake.add_user("U-CY", "cy");
    let id = app.fake.send_envelope(
        "slash_commands",
        payloads::slash_command("C-P", "U-DEE", "/badges", "@cy", "t.badges"),
    );
    let ack = app.fake.ack(&id).await;
    assert!(ack_text(&ack).contains("<@U-CY>"), "{ack}");
    // Looking someone up makes nobody a member.
    let cy: Option<i64> = sqlx::query_scalar("SELECT id FROM members WHERE external_id = 'U-CY'")
        .fetch_optional(app.daemon.store().pool())
        .await
        .expect("query");
    assert_eq!(cy, None, "/badges @cy made no member");
    app.daemon.shutdown().await;
}

#[tokio::test]
async fn events_the_app_did_not_subscribe_to_are_never_delivered() {
    let app = spawn_slack_app().await;
    let mpim = payloads::event_callback(
        "Ev-MPIM",
        serde_json::json!({"type": "message", "channel_type": "mpim", "user": "U-X", "text": "hi",
            "ts": "1700000300.000100", "channel": "G1", "event_ts": "1700000300.000100"}),
    );
    app.fake.send_envelope("events_api", mpim);
    assert_eq!(
        app.fake.withheld().len(),
        1,
        "message.mpim is not in the manifest"
    );
    let unknown = payloads::slash_command("C-P", "U-X", "/unregistered", "", "t.u");
    app.fake.send_envelope("slash_commands", unknown);
    assert_eq!(
        app.fake.withheld().len(),
        2,
        "an unregistered command never arrives"
    );
    app.daemon.shutdown().await;
}

#[tokio::test]
async fn a_missing_scope_fails_for_good_names_the_scope_and_a_team_lead_is_told() {
    let mut manifest = Manifest::project();
    manifest.bot_scopes.remove("chat:write");
    let app = spawn_slack_app_with(FakeSlack::start_with(manifest, TEST_TIME_SCALE).await).await;
    let platform = app.adapters.slack.clone().expect("slack");
    let out = Outgoing {
        tenant: TEAM.into(),
        destination: Destination::Channel {
            channel: "C-NOSCOPE".into(),
        },
        message: Message::text("hello"),
        dedupe_key: "scope-1".into(),
        dm_channel: None,
    };
    match platform.send(&out).await {
        Err(SendError::Permanent(why)) => {
            assert!(
                why.contains("missing_scope") && why.contains("chat:write"),
                "{why}"
            )
        }
        other => panic!("expected a permanent failure, got {other:?}"),
    }

    // Through the outbox: the lesson fails for good, and the next team lead to use nibble is told.
    use nibble::engine::{LessonChoice, PushLesson, Recipient};
    let outcome = app
        .daemon
        .engine()
        .push_lesson(PushLesson {
            platform: nibble::chat::Platform::Slack,
            tenant: TEAM.into(),
            recipient: Recipient::Channel("C-NOSCOPE".into()),
            lesson: LessonChoice::Id("sbi-model".into()),
            origin: "test".into(),
        })
        .await
        .expect("push");
    let nibble::engine::PushOutcome::Queued { messages, .. } = outcome else {
        panic!("not queued: {outcome:?}")
    };
    let store = app.daemon.store().clone();
    crate::support::eventually("every message of the lesson failed for good", || {
        let store = store.clone();
        async move {
            store
                .outbox_depth()
                .await
                .is_ok_and(|(_, failed)| failed as usize == messages)
        }
    })
    .await;
    app.fake.make_admin("U-BOSS");
    let (ack, _) = app
        .command("C-LEADS", "U-BOSS", "/nibble", "help", "t.boss1")
        .await;
    let told = ack_text(&ack);
    assert!(
        told.contains(&format!("{messages} messages: permanent failure"))
            && told.contains("chat:write"),
        "{told}"
    );
    let (ack, _) = app
        .command("C-LEADS", "U-BOSS", "/nibble", "help", "t.boss2")
        .await;
    assert!(
        !ack_text(&ack).contains("could not be sent"),
        "told once: {ack}"
    );
    let (ack, _) = app
        .command("C-LEADS", "U-PLAIN", "/nibble", "help", "t.plain")
        .await;
    assert!(
        !ack_text(&ack).contains("could not be sent"),
        "leads only: {ack}"
    );
    app.daemon.shutdown().await;
}

#[tokio::test]
async fn health_follows_the_socket_through_a_network_failure() {
    let app = spawn_slack_app().await;
    let slack = app.adapters.slack.clone().expect("slack");
    app.fake
        .wait_for("Slack's hello", || {
            (slack.connection.state() == "connected").then_some(())
        })
        .await;
    // The network fails and Slack cannot hand out a new socket for a while.
    app.fake.cut_connections(2);
    app.fake
        .wait_for("health to say the socket is down", || {
            (slack.connection.state() == "disconnected").then_some(())
        })
        .await;
    app.fake
        .wait_for("the reconnection", || {
            (slack.connection.state() == "connected" && app.fake.connected()).then_some(())
        })
        .await;
    app.daemon.shutdown().await;
}

#[tokio::test]
async fn a_dm_is_opened_once_ever_even_across_restarts() {
    use nibble::chat::{Platform, UserRef};
    use nibble::engine::{LessonChoice, PushLesson, Recipient};
    let app = spawn_slack_app().await;
    let learner = UserRef {
        id: "U-ONCE".into(),
        name: "Once".into(),
        time_zone: None,
        is_lead: false,
        is_moderator: false,
    };
    let push = |lesson: &str| PushLesson {
        platform: Platform::Slack,
        tenant: TEAM.into(),
        recipient: Recipient::Member(learner.clone()),
        lesson: LessonChoice::Id(lesson.into()),
        origin: "test".into(),
    };
    app.daemon
        .engine()
        .push_lesson(push("sbi-model"))
        .await
        .expect("push");
    app.fake
        .wait_for("the first lesson by DM", || {
            (!app.fake.posted("DU-ONCE").is_empty()).then_some(())
        })
        .await;
    let app = app.restart().await;
    let before = app.fake.posted("DU-ONCE").len();
    app.daemon
        .engine()
        .push_lesson(push("spot-phishing"))
        .await
        .expect("push");
    app.fake
        .wait_for("the second lesson by DM", || {
            (app.fake.posted("DU-ONCE").len() > before).then_some(())
        })
        .await;
    assert_eq!(
        app.fake.requests("conversations.open").len(),
        1,
        "the DM was opened once; the restarted daemon remembered it"
    );
    app.daemon.shutdown().await;
}

#[tokio::test]
async fn a_slow_users_info_never_downgrades_a_name_or_a_role_and_its_answer_is_kept() {
    use crate::support::fake_slack::Fault;
    let app = spawn_slack_app().await;
    app.fake.add_user("U-NAMED", "Named Person");
    app.fake.make_admin("U-NAMED");
    app.command("C-P", "U-NAMED", "/points", "", "t.n1").await;
    let name = |app: &crate::slack::SlackApp| {
        let store = app.daemon.store().clone();
        async move {
            sqlx::query_scalar::<_, String>(
                "SELECT display_name FROM members WHERE external_id = 'U-NAMED'",
            )
            .fetch_one(store.pool())
            .await
            .expect("member")
        }
    };
    assert_eq!(name(&app).await, "Named Person");

    // A restarted daemon knows nobody yet, and Slack is slow to answer users.info (Tier 4 under
    // load): the command is answered in time and the stored name is kept, not replaced by the id.
    let app = app.restart().await;
    app.fake.inject(
        "users.info",
        Fault::Slow(std::time::Duration::from_secs(2)),
        1,
    );
    // A workspace admin is a team lead: a lead-only command still works while Slack is slow.
    let (ack, took) = app
        .command("C-P", "U-NAMED", "/nibble", "campaign list", "t.n2")
        .await;
    assert!(
        !ack_text(&ack).contains("Only team leads"),
        "not downgraded: {ack}"
    );
    assert!(
        took < std::time::Duration::from_secs(3),
        "acknowledged in time: {took:?}"
    );
    assert_eq!(name(&app).await, "Named Person", "a timeout never renames");

    // The lookup was not thrown away: it completes and is cached, so the next event makes no call.
    let answered = app.fake.answered("users.info");
    app.fake
        .wait_for("the slow lookup's answer", || {
            (app.fake.answered("users.info") > answered).then_some(())
        })
        .await;
    let calls = app.fake.requests("users.info").len();
    app.command("C-P", "U-NAMED", "/points", "", "t.n3").await;
    assert_eq!(
        app.fake.requests("users.info").len(),
        calls,
        "the late answer was cached"
    );
    app.daemon.shutdown().await;
}
