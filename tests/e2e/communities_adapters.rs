//! Communities through each real adapter against its fake server: a scheduled prompt posts and opens
//! a thread (Slack: the message's replies; Discord: a thread started from it), replies are paid once,
//! a moderator's ⭐ features one, an edit and a deletion take points back, a learner's moderation is
//! refused, and the digest is posted; every request is checked against the platform's spec.

use crate::discord::{CHANNEL, DiscordApp, spawn_discord_app};
use crate::slack::{SlackApp, ack_text, spawn_slack_app};
use crate::support::eventually;
use crate::support::fake_discord::{GUILD, MOD_ROLE, payloads as discord};
use crate::support::fake_slack::payloads as slack;
use nibble::daemon::Daemon;
use serde_json::{Value, json};

const LONG: &str = "I tried the SBI model in my one-to-one and it went really well.";

/// Makes the channel's schedules due and runs them (the adapters' daemons use the system clock;
/// their own ticker may get there first), then waits for exactly one prompt to have fired.
pub(crate) async fn fire_schedules(daemon: &Daemon) {
    let pool = daemon.store().pool().clone();
    sqlx::query("UPDATE community_schedules SET next_at = '2000-01-01T00:00:00.000Z'")
        .execute(&pool)
        .await
        .expect("make due");
    daemon.engine().run_due().await.expect("tick");
    eventually("the prompt fired", || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM discussions")
            .fetch_one(&pool)
            .await
            .is_ok_and(|n| n == 1)
    })
    .await;
    daemon.engine().run_due().await.expect("tick");
    let fired: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM discussions")
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(fired, 1, "a schedule fires once per slot");
}

/// The first discussion's thread key, once the dispatcher has posted its message and opened it.
pub(crate) async fn thread_key(daemon: &Daemon) -> String {
    let pool = daemon.store().pool().clone();
    let read = || async {
        sqlx::query_scalar::<_, Option<String>>(
            "SELECT o.thread_key FROM discussions d JOIN outbox o ON o.id = d.outbox_id WHERE d.id = 1",
        )
        .fetch_optional(&pool)
        .await
        .ok()
        .flatten()
        .flatten()
    };
    eventually("the prompt's thread opened", || async {
        read().await.is_some()
    })
    .await;
    read().await.unwrap_or_default()
}

/// Waits until the member's reply points reach `want`.
async fn points_reach(daemon: &Daemon, who: &str, want: i64) {
    let pool = daemon.store().pool().clone();
    eventually(&format!("{who}'s reply points at {want}"), || {
        let pool = pool.clone();
        async move {
            let got: i64 = sqlx::query_scalar(
                "SELECT COALESCE(SUM(l.amount), 0) FROM points_ledger l JOIN members m ON m.id = l.member_id
                 WHERE m.external_id = $1 AND l.source LIKE 'reply:%'",
            )
            .bind(who)
            .fetch_one(&pool)
            .await
            .unwrap_or(-1);
            got == want
        }
    })
    .await;
}

async fn replies(daemon: &Daemon) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM discussion_replies")
        .fetch_one(daemon.store().pool())
        .await
        .expect("count")
}

impl SlackApp {
    async fn event(&self, id: &str, event: Value) {
        let envelope = self
            .fake
            .send_envelope("events_api", slack::event_callback(id, event));
        self.fake.ack(&envelope).await;
    }

    fn posted_text(&self, needle: &str) -> Option<Value> {
        self.fake
            .requests("chat.postMessage")
            .into_iter()
            .find(|b| b.to_string().contains(needle))
    }
}

#[tokio::test]
async fn slack_prompt_thread_replies_featuring_and_digest() {
    let app = spawn_slack_app().await;
    let (ack, _) = app
        .command(
            "C-TALK",
            "U-MOD",
            "/nibble",
            "prompts general weekly UTC",
            "t.c1",
        )
        .await;
    assert!(ack_text(&ack).contains("Schedule 1"), "{ack}");
    fire_schedules(&app.daemon).await;
    let ts = thread_key(&app.daemon).await;
    let starter = app
        .posted_text("Discussion")
        .expect("the prompt was posted");
    assert_eq!(starter["channel"], "C-TALK");
    assert!(starter.get("thread_ts").is_none(), "{starter}");

    let reply_a = slack::message_at("U-ANA", "C-TALK", LONG, "1700000301.000100", Some(&ts));
    app.event("Ev-A", reply_a.clone()).await;
    points_reach(&app.daemon, "U-ANA", 2).await;
    app.event("Ev-A", reply_a).await; // Slack retries an event: counted once
    let reply_b = slack::message_at("U-ANA", "C-TALK", LONG, "1700000302.000100", Some(&ts));
    app.event("Ev-B", reply_b).await;
    points_reach(&app.daemon, "U-ANA", 4).await;
    assert_eq!(replies(&app.daemon).await, 2);
    // A learner's star is a reaction; the moderator's features reply A.
    let star = |who: &str, ts: &str| slack::reaction("reaction_added", who, "C-TALK", ts, "star");
    app.event("Ev-S1", star("U-BEN", "1700000302.000100")).await;
    app.event("Ev-S2", star("U-MOD", "1700000301.000100")).await;
    points_reach(&app.daemon, "U-ANA", 9).await;
    app.event(
        "Ev-E",
        slack::message_changed("U-ANA", "C-TALK", "1700000302.000100", &ts, "ok"),
    )
    .await;
    points_reach(&app.daemon, "U-ANA", 7).await;
    app.event(
        "Ev-D",
        slack::message_deleted("U-ANA", "C-TALK", "1700000301.000100", &ts),
    )
    .await;
    points_reach(&app.daemon, "U-ANA", 0).await;
    // A reply also sent to the channel (`thread_broadcast`) is still a reply.
    let mut broadcast = slack::message_at("U-ANA", "C-TALK", LONG, "1700000303.000100", Some(&ts));
    broadcast["subtype"] = json!("thread_broadcast");
    app.event("Ev-C", broadcast).await;
    points_reach(&app.daemon, "U-ANA", 2).await;
    // So is a reply with a file (`file_share`).
    let mut with_file = slack::message_at("U-ANA", "C-TALK", LONG, "1700000304.000100", Some(&ts));
    with_file["subtype"] = json!("file_share");
    app.event("Ev-F", with_file).await;
    points_reach(&app.daemon, "U-ANA", 4).await;

    let (refused, _) = app
        .command("C-TALK", "U-ANA", "/nibble", "thread close 1", "t.c2")
        .await;
    assert!(
        ack_text(&refused).contains("Only community moderators"),
        "{refused}"
    );
    let (closed, _) = app
        .command("C-TALK", "U-MOD", "/nibble", "thread close 1", "t.c3")
        .await;
    assert!(ack_text(&closed).contains("Thread 1 closed"), "{closed}");
    let (digest, _) = app
        .command("C-TALK", "U-MOD", "/nibble", "digest now", "t.c4")
        .await;
    assert!(ack_text(&digest).contains("Digest posted"), "{digest}");
    let posted = app
        .fake
        .wait_for("the closing note and the digest", || {
            let closing = app.posted_text("This thread is closed")?;
            let digest = app.posted_text("Community digest")?;
            Some((closing, digest))
        })
        .await;
    assert_eq!(posted.0["thread_ts"], json!(ts), "closed in the thread");
    assert!(
        posted.1.to_string().contains("3 replies from 1 member"),
        "{}",
        posted.1
    );
    app.fake.assert_valid();
    app.daemon.shutdown().await;
}

impl DiscordApp {
    async fn nibble(&self, who: &str, roles: &[&str], sub: Value) -> String {
        let id = self.fake.next_id();
        let payload = discord::command(&id, GUILD, CHANNEL, who, "nibble", json!([sub]), "0");
        let (body, _) = self.interact(discord::with_roles(payload, roles)).await;
        body.to_string()
    }
}

#[tokio::test]
async fn discord_prompt_thread_replies_featuring_and_digest() {
    const MOD: &str = "830000000000000901";
    const ANA: &str = "830000000000000555";
    let app = spawn_discord_app().await;
    app.fake.make_moderator(MOD);
    let moderate = |command: &str| json!({"name": "moderate", "type": 1, "options": [{"name": "command", "type": 3, "value": command}]});
    let set = app
        .nibble(MOD, &[MOD_ROLE], moderate("prompts general weekly UTC"))
        .await;
    assert!(set.contains("Schedule 1"), "{set}");
    fire_schedules(&app.daemon).await;
    let thread = thread_key(&app.daemon).await;
    let starter = app.fake.messages(CHANNEL);
    assert!(starter[0].to_string().contains("Discussion"), "{starter:?}");
    // Like Discord, the thread started from the message has the message's id.
    assert_eq!(starter[0]["id"], json!(thread));
    let created = app
        .fake
        .requests("POST /channels/{channel_id}/messages/{message_id}/threads");
    assert_eq!(created.len(), 1);

    let (a, b) = (app.fake.next_id(), app.fake.next_id());
    let reply_a = discord::message_create(&a, GUILD, &thread, ANA, LONG);
    app.fake.dispatch("MESSAGE_CREATE", reply_a.clone());
    points_reach(&app.daemon, ANA, 2).await;
    app.fake.dispatch(
        "MESSAGE_CREATE",
        discord::message_create(&b, GUILD, &thread, ANA, LONG),
    );
    points_reach(&app.daemon, ANA, 4).await;
    app.fake.dispatch(
        "MESSAGE_REACTION_ADD",
        discord::reaction_add(GUILD, &thread, &b, ANA, &[], "⭐"),
    );
    app.fake.dispatch(
        "MESSAGE_REACTION_ADD",
        discord::reaction_add(GUILD, &thread, &a, MOD, &[MOD_ROLE], "⭐"),
    );
    points_reach(&app.daemon, ANA, 9).await;
    // Removing the reaction: Discord sends no member, the adapter looks the moderator up.
    app.fake.dispatch(
        "MESSAGE_REACTION_REMOVE",
        discord::reaction_remove(GUILD, &thread, &a, MOD, "⭐"),
    );
    points_reach(&app.daemon, ANA, 4).await;
    app.fake.dispatch(
        "MESSAGE_UPDATE",
        discord::message_update(&b, GUILD, &thread, ANA, "ok"),
    );
    points_reach(&app.daemon, ANA, 2).await;
    app.fake.dispatch(
        "MESSAGE_DELETE",
        discord::message_delete(&a, GUILD, &thread),
    );
    points_reach(&app.daemon, ANA, 0).await;
    // A moderator's purge (MESSAGE_DELETE_BULK) takes the points back too.
    let c = app.fake.next_id();
    app.fake.dispatch(
        "MESSAGE_CREATE",
        discord::message_create(&c, GUILD, &thread, ANA, LONG),
    );
    points_reach(&app.daemon, ANA, 2).await;
    app.fake.dispatch(
        "MESSAGE_DELETE_BULK",
        json!({"ids": [c], "channel_id": thread, "guild_id": GUILD}),
    );
    points_reach(&app.daemon, ANA, 0).await;
    assert_eq!(replies(&app.daemon).await, 3);
    // Members' words never ping @everyone or roles: every message allows user mentions only.
    for body in app.fake.requests("POST /channels/{channel_id}/messages") {
        assert_eq!(
            body["allowed_mentions"],
            json!({"parse": ["users"]}),
            "{body}"
        );
    }

    let refused = app
        .nibble(ANA, &[], json!({"name": "thread", "type": 2, "options": [{"name": "close", "type": 1, "options": [{"name": "thread", "type": 4, "value": 1}]}]}))
        .await;
    assert!(refused.contains("Only community moderators"), "{refused}");
    let close = json!({"name": "thread", "type": 2, "options": [{"name": "close", "type": 1, "options": [{"name": "thread", "type": 4, "value": 1}]}]});
    let closed = app.nibble(MOD, &[MOD_ROLE], close).await;
    assert!(closed.contains("Thread 1 closed"), "{closed}");
    // The note goes into the thread, then the thread is locked.
    let locked = app
        .fake
        .wait_for("the thread locked", || {
            app.fake
                .requests("PATCH /channels/{channel_id}")
                .first()
                .cloned()
        })
        .await;
    assert_eq!(locked, json!({"locked": true}));
    assert!(
        app.fake
            .messages(&thread)
            .iter()
            .any(|m| m.to_string().contains("This thread is closed")),
        "{:?}",
        app.fake.messages(&thread)
    );
    let digest = app.nibble(MOD, &[MOD_ROLE], moderate("digest now")).await;
    assert!(digest.contains("Digest posted"), "{digest}");
    let posted = app
        .fake
        .wait_for("the digest", || {
            app.fake
                .messages(CHANNEL)
                .into_iter()
                .find(|m| m.to_string().contains("Community digest"))
        })
        .await;
    assert!(
        posted.to_string().contains("1 reply from 1 member"),
        "{posted}"
    );
    app.fake.assert_valid();
    app.daemon.shutdown().await;
}
