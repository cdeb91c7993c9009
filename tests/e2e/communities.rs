//! Communities of practice through the engine and the local platform: scheduled prompts opening
//! threads, replies paid once each within the daily cap, edits and deletions, moderator tools,
//! stories, questions, suggestions, reflections and the digest against the database.

use crate::campaigns::utc;
use crate::support::{TENANT, TestApp, reply_text, spawn_app, user};
use nibble::chat::{Destination, EventKind, Message, UserRef};

pub fn moderator() -> UserRef {
    UserRef {
        is_moderator: true,
        ..user("U-MOD")
    }
}

pub const LONG: &str = "I tried the SBI model in my one-to-one and it went really well.";

pub async fn send(app: &TestApp, who: &UserRef, kind: EventKind) {
    app.engine
        .handle(app.event(TENANT, who, kind))
        .await
        .expect("handle event");
}

pub async fn reply(app: &TestApp, who: &UserRef, id: &str, text: &str, thread: &str) {
    let kind = EventKind::Message {
        id: id.into(),
        text: text.into(),
        thread: Some(thread.into()),
    };
    send(app, who, kind).await;
}

/// The thread key of a discussion (the platform's name for its thread), once opened.
pub async fn thread_key(app: &TestApp, discussion: i64) -> String {
    sqlx::query_scalar(
        "SELECT o.thread_key FROM discussions d JOIN outbox o ON o.id = d.outbox_id WHERE d.id = $1",
    )
    .bind(discussion)
    .fetch_one(app.store.pool())
    .await
    .expect("thread key")
}

/// The member's points from discussion replies, summed from the ledger.
pub async fn reply_points(app: &TestApp, who: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT COALESCE(SUM(l.amount), 0) FROM points_ledger l JOIN members m ON m.id = l.member_id
         WHERE m.external_id = $1 AND l.source LIKE 'reply:%'",
    )
    .bind(who)
    .fetch_one(app.store.pool())
    .await
    .expect("points")
}

/// How many times the member completed `sbi-model`.
async fn completions(app: &TestApp, who: &str) -> i64 {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM lesson_completions c JOIN members m ON m.id = c.member_id
         WHERE m.external_id = $1 AND c.lesson_id = 'sbi-model'",
    )
    .bind(who)
    .fetch_one(app.store.pool())
    .await
    .expect("completions")
}

pub fn texts_since(app: &TestApp, from: usize) -> Vec<(Destination, String)> {
    app.platform
        .posted_since(from)
        .into_iter()
        .filter_map(|p| match p.message {
            Message::Text { text } => Some((p.destination, text)),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn a_scheduled_prompt_opens_a_thread_and_replies_are_paid_once_within_the_cap() {
    let app = spawn_app().await;
    app.clock.set(utc(2026, 3, 1, 12, 0)); // Sunday
    let set = reply_text(
        &app.command(
            &moderator(),
            "nibble",
            "prompts giving-feedback \"0 9 * * Mon\" Europe/Berlin",
        )
        .await,
    );
    assert!(set.contains("First: Mon 02 Mar 2026 09:00 CET"), "{set}");
    // Not due yet: nothing fires.
    assert_eq!(app.engine.run_due().await.expect("tick").threads, 0);
    app.clock.set(utc(2026, 3, 2, 8, 0)); // 09:00 in Berlin
    let from = app.platform.posted().len();
    let report = app.engine.run_due().await.expect("tick");
    assert_eq!(report.threads, 1);
    app.deliver().await;
    let posted = texts_since(&app, from);
    assert_eq!(posted.len(), 1, "{posted:?}");
    assert!(
        posted[0].1.contains("Think of the most useful feedback"),
        "{posted:?}"
    );
    // The dispatcher opened the thread under the posted message.
    let key = thread_key(&app, 1).await;
    assert_eq!(key, app.platform.posted()[from].reference);
    // A second tick the same minute opens nothing more.
    assert_eq!(app.engine.run_due().await.expect("tick").threads, 0);

    let ana = user("U-ANA");
    reply(&app, &ana, "m1", LONG, &key).await;
    assert_eq!(reply_points(&app, "U-ANA").await, 2);
    // The platform redelivers the same message: counted once.
    reply(&app, &ana, "m1", LONG, &key).await;
    assert_eq!(reply_points(&app, "U-ANA").await, 2);
    // Too short: recorded, unpaid; edited to a real answer, it is paid.
    reply(&app, &ana, "m2", "+1", &key).await;
    assert_eq!(reply_points(&app, "U-ANA").await, 2);
    send(
        &app,
        &ana,
        EventKind::MessageEdited {
            id: "m2".into(),
            text: LONG.into(),
        },
    )
    .await;
    assert_eq!(reply_points(&app, "U-ANA").await, 4);
    // Daily cap (5 paid replies): three more paid, then unpaid.
    for n in 3..=7 {
        reply(&app, &ana, &format!("m{n}"), LONG, &key).await;
    }
    assert_eq!(reply_points(&app, "U-ANA").await, 10);
    // Deleting a paid reply takes its points back (and frees its slot for a later reply).
    send(&app, &ana, EventKind::MessageDeleted { id: "m1".into() }).await;
    assert_eq!(reply_points(&app, "U-ANA").await, 8);
    send(&app, &ana, EventKind::MessageDeleted { id: "m1".into() }).await;
    assert_eq!(reply_points(&app, "U-ANA").await, 8);
    reply(&app, &ana, "m8", LONG, &key).await;
    assert_eq!(reply_points(&app, "U-ANA").await, 10);
    // A reply shortened to nothing loses its points.
    send(
        &app,
        &ana,
        EventKind::MessageEdited {
            id: "m3".into(),
            text: "ok".into(),
        },
    )
    .await;
    assert_eq!(reply_points(&app, "U-ANA").await, 8);
    // The next day in Berlin, replies are paid again.
    app.clock.set(utc(2026, 3, 3, 8, 0));
    reply(&app, &ana, "m9", LONG, &key).await;
    assert_eq!(reply_points(&app, "U-ANA").await, 10);
    // A message in the channel itself is not a reply.
    send(
        &app,
        &ana,
        EventKind::Message {
            id: "m10".into(),
            text: LONG.into(),
            thread: None,
        },
    )
    .await;
    let replies: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM discussion_replies")
        .fetch_one(app.store.pool())
        .await
        .expect("count");
    assert_eq!(replies, 9);
    let mismatches = app.store.totals_mismatches().await.expect("totals");
    assert!(mismatches.is_empty(), "{mismatches:?}");
    // Standing replies (8 of 9: one was deleted) earn the thread-reply badge.
    app.engine.fold_now().await.expect("fold");
    let badges = reply_text(&app.command(&ana, "badges", "").await);
    assert!(badges.contains("Contributor"), "{badges}");
}

#[tokio::test]
async fn moderation_is_for_moderators_and_a_closed_thread_awards_nothing() {
    let app = spawn_app().await;
    let (ana, ben) = (user("U-ANA"), user("U-BEN"));
    let started = reply_text(
        &app.command(
            &moderator(),
            "nibble",
            "thread start \"What worked this week?\"",
        )
        .await,
    );
    assert!(started.contains("Thread 1 started"), "{started}");
    app.deliver().await;
    let key = thread_key(&app, 1).await;
    // A crash between the send and the thread: the next start opens it, on the same message.
    sqlx::query("UPDATE outbox SET thread_key = NULL, thread_channel = NULL")
        .execute(app.store.pool())
        .await
        .expect("forget the thread");
    app.deliver().await;
    assert_eq!(thread_key(&app, 1).await, key);
    reply(&app, &ana, "a1", LONG, &key).await;
    reply(&app, &ben, "b1", LONG, &key).await;

    // A learner's moderation commands are refused and change nothing.
    for args in [
        "thread close 1",
        "thread start \"x\"",
        "feature 1",
        "unpoint 1",
        "exclude <@U-ANA>",
        "digest now",
        "prompts general weekly",
    ] {
        let refused = reply_text(&app.command(&ana, "nibble", args).await);
        assert!(
            refused.contains("Only community moderators"),
            "{args}: {refused}"
        );
    }
    // A learner's star is just a reaction; a moderator's features the reply.
    let star = |added| EventKind::Reaction {
        message: "a1".into(),
        emoji: "⭐".into(),
        added,
    };
    send(&app, &ben, star(true)).await;
    assert_eq!(reply_points(&app, "U-ANA").await, 2);
    send(&app, &moderator(), star(true)).await;
    assert_eq!(reply_points(&app, "U-ANA").await, 7);
    // Two moderators' stars: the reply stays featured until both are taken back.
    let second = UserRef {
        is_moderator: true,
        ..user("U-MOD2")
    };
    send(&app, &second, star(true)).await;
    send(&app, &moderator(), star(false)).await;
    assert_eq!(reply_points(&app, "U-ANA").await, 7);
    send(&app, &second, star(false)).await;
    assert_eq!(reply_points(&app, "U-ANA").await, 2);
    // A moderator's star on their own reply is just a reaction.
    reply(&app, &moderator(), "mod-own", LONG, &key).await;
    let own = EventKind::Reaction {
        message: "mod-own".into(),
        emoji: "star".into(),
        added: true,
    };
    send(&app, &moderator(), own).await;
    assert_eq!(reply_points(&app, "U-MOD").await, 2);
    // A deletion handled before its message (events run concurrently) still leaves it unpaid.
    send(&app, &ben, EventKind::MessageDeleted { id: "b0".into() }).await;
    reply(&app, &ben, "b0", LONG, &key).await;
    assert_eq!(reply_points(&app, "U-BEN").await, 2, "only b1 pays");
    let featured = reply_text(&app.command(&moderator(), "nibble", "feature 1").await);
    assert!(
        featured.contains("Reply #1 featured (7 points now)"),
        "{featured}"
    );
    let removed = reply_text(&app.command(&moderator(), "nibble", "unpoint 2").await);
    assert!(removed.contains("no longer earns points"), "{removed}");
    assert_eq!(reply_points(&app, "U-BEN").await, 0);

    let list = reply_text(&app.command(&moderator(), "nibble", "thread list").await);
    assert!(
        list.contains("“What worked this week?”") && list.contains("3 replies from 3 members"),
        "{list}"
    );
    let show = reply_text(&app.command(&moderator(), "nibble", "thread show 1").await);
    assert!(
        show.contains("<@U-ANA>: 1 reply") && show.contains("#1 (7 pts ⭐)"),
        "{show}"
    );

    let from = app.platform.posted().len();
    let closed = reply_text(&app.command(&moderator(), "nibble", "thread close 1").await);
    assert!(closed.contains("Thread 1 closed"), "{closed}");
    app.deliver().await;
    let said = texts_since(&app, from);
    assert!(
        matches!(&said[..], [(Destination::Thread { thread, .. }, text)] if *thread == key && text.contains("closed")),
        "{said:?}"
    );
    assert!(
        matches!(&app.platform.locked_threads()[..], [Destination::Thread { thread, .. }] if *thread == key),
        "the thread is locked after the note"
    );
    reply(&app, &ana, "a2", LONG, &key).await;
    assert_eq!(
        reply_points(&app, "U-ANA").await,
        7,
        "a closed thread pays nothing"
    );
    let refused = reply_text(&app.command(&moderator(), "nibble", "feature 5").await);
    assert!(refused.contains("can't be featured"), "{refused}");

    let excluded = reply_text(
        &app.command(&moderator(), "nibble", "exclude <@U-ANA>")
            .await,
    );
    assert!(excluded.contains("off the leaderboards"), "{excluded}");
    let hidden: bool =
        sqlx::query_scalar("SELECT leaderboard_hidden FROM members WHERE external_id = 'U-ANA'")
            .fetch_one(app.store.pool())
            .await
            .expect("hidden");
    assert!(hidden);
    let open = reply_text(&app.command(&moderator(), "nibble", "thread list").await);
    assert!(open.contains("No open threads"), "{open}");
}

#[tokio::test]
async fn stories_questions_suggestions_and_reflections() {
    let app = spawn_app().await;
    let (ana, ben) = (user("U-ANA"), user("U-BEN"));
    let no_channel = reply_text(&app.command(&ana, "share", "I gave SBI feedback").await);
    assert!(
        no_channel.contains("no stories channel yet"),
        "{no_channel}"
    );
    app.command(&moderator(), "nibble", "stories-channel").await;
    app.command(&moderator(), "nibble", "qa-channel giving-feedback")
        .await;
    let from = app.platform.posted().len();
    let shared = reply_text(
        &app.command(&ana, "share", "I gave SBI feedback and it worked")
            .await,
    );
    assert!(shared.contains("posted in <#C-GENERAL>"), "{shared}");
    let asked = reply_text(
        &app.command(
            &ben,
            "ask",
            "giving-feedback How do I give feedback upwards?",
        )
        .await,
    );
    assert!(asked.contains("Your question is posted"), "{asked}");
    let unknown_course = reply_text(&app.command(&ben, "ask", "Where is the wiki?").await);
    assert!(
        unknown_course.contains("no Q&A channel yet"),
        "{unknown_course}"
    );
    app.deliver().await;
    let said = texts_since(&app, from);
    assert!(
        said[0].1.contains("Success story** from <@U-ANA>"),
        "{said:?}"
    );
    assert!(
        said[1]
            .1
            .contains("Question** from <@U-BEN> about “Giving feedback”"),
        "{said:?}"
    );
    let kinds: Vec<(String, Option<String>)> =
        sqlx::query_as("SELECT kind, thread_key FROM discussions d JOIN outbox o ON o.id = d.outbox_id ORDER BY d.id")
            .fetch_all(app.store.pool())
            .await
            .expect("discussions");
    assert_eq!(kinds.len(), 2);
    assert!(kinds.iter().all(|(_, k)| k.is_some()), "{kinds:?}");

    // Suggestions: the same topic twice is one suggestion with two votes; a vote button once.
    app.command(&ana, "nibble", "suggest Feedback for executives")
        .await;
    let again = reply_text(
        &app.command(&ben, "nibble", "suggest feedback FOR executives!")
            .await,
    );
    assert!(again.contains("on the list"), "{again}");
    app.command(&ben, "nibble", "suggest Negotiation basics")
        .await;
    let menu = app.command(&user("U-CAT"), "nibble", "suggest").await;
    let nibble::chat::Reply::Ephemeral(Message::Menu { choices, .. }) = menu else {
        panic!("{menu:?}")
    };
    assert_eq!(choices.len(), 2);
    let vote = reply_text(
        &app.click(TENANT, &user("U-CAT"), &choices[1].payload, &[])
            .await,
    );
    assert!(vote.contains("Vote counted"), "{vote}");
    let twice = reply_text(
        &app.click(TENANT, &user("U-CAT"), &choices[1].payload, &[])
            .await,
    );
    assert!(twice.contains("already"), "{twice}");
    let forged = reply_text(
        &app.click("T-OTHER", &user("U-CAT"), &choices[1].payload, &[])
            .await,
    );
    assert!(forged.contains("isn't a suggestion here"), "{forged}");
    let refused = reply_text(&app.command(&ana, "nibble", "suggestions").await);
    assert!(
        refused.contains("Only moderators and team leads"),
        "{refused}"
    );
    let csv = nibble::report::render(
        &app.store,
        &app.catalog,
        None,
        None,
        None,
        nibble::report::Format::Csv,
        &nibble::domain::review::ReviewRules::default(),
    )
    .await
    .expect("report");
    assert!(
        csv.contains("suggestions,local:T-ACME,Feedback for executives,2\nsuggestions,local:T-ACME,Negotiation basics,2"),
        "{csv}"
    );
    let listed = reply_text(&app.command(&moderator(), "nibble", "suggestions").await);
    assert!(
        listed.contains("• 2 vote(s): Feedback for executives")
            && listed.contains("• 2 vote(s): Negotiation basics"),
        "{listed}"
    );

    // A reflection lesson in a channel: a reply in its thread completes it.
    let from = app.platform.posted().len();
    app.push(
        TENANT,
        nibble::engine::Recipient::Channel("C-GENERAL".into()),
        "sbi-model",
    )
    .await;
    app.deliver().await;
    let said = texts_since(&app, from);
    assert!(
        said.iter()
            .any(|(_, t)| t.contains("Discuss “The SBI model")),
        "{said:?}"
    );
    let key = thread_key(&app, 3).await;
    reply(
        &app,
        &ana,
        "r1",
        "Situation: standup. Behaviour: you shared the numbers first. Impact: we decided fast.",
        &key,
    )
    .await;
    let done = completions(&app, "U-ANA").await;
    assert_eq!(done, 1);
    // Once the moderator closes the lesson's thread, a reflection there completes nothing.
    app.command(&moderator(), "nibble", "thread close 3").await;
    reply(
        &app,
        &ben,
        "r2",
        "Situation: review. Behaviour: you listed two risks. Impact: we fixed them.",
        &key,
    )
    .await;
    let ben_done = completions(&app, "U-BEN").await;
    assert_eq!(ben_done, 0);
}

/// Members come from people who act on nibble: chat outside nibble's discussion threads (a channel
/// message, a reply under someone else's thread) makes nobody a member or a report row.
#[tokio::test]
async fn chat_outside_nibble_threads_makes_no_members() {
    let app = spawn_app().await;
    let before = app.store.row_counts().await.expect("counts").members;
    reply(&app, &user("U-CHAT"), "c1", LONG, "not-a-nibble-thread").await;
    let top_level = EventKind::Message {
        id: "c2".into(),
        text: "Lunch anyone?".into(),
        thread: None,
    };
    send(&app, &user("U-CHAT2"), top_level).await;
    let after = app.store.row_counts().await.expect("counts").members;
    assert_eq!(after, before, "chatting makes nobody a member");
}
