//! The weekly community digest against the database: threads, reply and member counts, featured
//! replies, newcomers and unanswered questions over two weeks of activity.

use crate::campaigns::utc;
use crate::communities::{LONG, moderator, reply, send, texts_since, thread_key};
use crate::support::{reply_text, spawn_app, user};
use nibble::chat::{EventKind, UserRef};

#[tokio::test]
async fn the_weekly_digest_matches_the_database() {
    let app = spawn_app().await;
    let people: Vec<UserRef> = ["U-ANA", "U-BEN", "U-CAT", "U-DAN"].map(user).to_vec();
    // Week one: Ana takes part (so she is no newcomer in week two).
    app.clock.set(utc(2026, 2, 23, 10, 0));
    app.command(&moderator(), "nibble", "thread start \"Old thread\"")
        .await;
    app.deliver().await;
    let old = thread_key(&app, 1).await;
    reply(&app, &people[0], "w1", LONG, &old).await;
    app.command(&moderator(), "nibble", "qa-channel").await;
    app.command(&people[3], "ask", "Is there a lesson on 1:1s?")
        .await;
    // Week two: two new threads, replies, a featured one, a deleted one.
    app.clock.set(utc(2026, 3, 2, 10, 0));
    let set = reply_text(
        &app.command(&moderator(), "nibble", "digest \"0 17 * * Fri\" UTC")
            .await,
    );
    assert!(set.contains("First: Fri 06 Mar 2026 17:00 UTC"), "{set}");
    app.command(&moderator(), "nibble", "thread start \"First\"")
        .await;
    app.command(&moderator(), "nibble", "thread start \"Second\"")
        .await;
    app.deliver().await;
    let (first, second) = (thread_key(&app, 3).await, thread_key(&app, 4).await);
    for (n, p) in people.iter().take(3).enumerate() {
        reply(&app, p, &format!("f{n}"), LONG, &first).await;
    }
    reply(&app, &people[1], "s1", LONG, &second).await;
    reply(&app, &people[1], "s2", LONG, &second).await;
    reply(&app, &people[2], "s3", LONG, &second).await;
    send(
        &app,
        &people[2],
        EventKind::MessageDeleted { id: "s3".into() },
    )
    .await;
    reply(&app, &people[0], "w2", LONG, &old).await;
    app.command(&moderator(), "nibble", "feature 2").await;

    app.clock.set(utc(2026, 3, 6, 17, 0));
    let from = app.platform.posted().len();
    assert_eq!(app.engine.run_due().await.expect("tick").digests, 1);
    app.deliver().await;
    let digest: String = texts_since(&app, from)
        .into_iter()
        .map(|(_, t)| t)
        .collect::<Vec<_>>()
        .join("\n");
    // Every figure, read straight from the database.
    let since = "2026-02-27T17:00:00";
    let rows: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT d.title, COUNT(r.id), COUNT(DISTINCT r.member_id) FROM discussions d
         LEFT JOIN discussion_replies r ON r.discussion_id = d.id AND r.deleted_at IS NULL AND r.created_at >= $1
         WHERE d.created_at >= $1 OR r.id IS NOT NULL GROUP BY d.id, d.title",
    )
    .bind(since)
    .fetch_all(app.store.pool())
    .await
    .expect("threads");
    assert_eq!(rows.len(), 3, "{rows:?}");
    let total: i64 = rows.iter().map(|r| r.1).sum();
    assert!(
        digest.contains(&format!("**Threads** (3, {total} replies this week)")),
        "{digest}"
    );
    for (title, replies, members) in &rows {
        let plural =
            |n: i64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let line = format!(
            "“{title}” in <#C-GENERAL> (prompt): {} from {}",
            plural(*replies, "reply", "replies"),
            plural(*members, "member", "members")
        );
        assert!(digest.contains(&line), "{line} missing from {digest}");
    }
    assert_eq!(
        rows.iter().find(|r| r.0 == "Second").map(|r| (r.1, r.2)),
        Some((2, 1))
    );
    assert!(
        digest.contains("**Featured replies** ⭐ (1)\n• <@U-ANA> in “First”"),
        "{digest}"
    );
    // Ben and Cat replied for the first time this week; Ana did last week.
    assert!(
        digest.contains("**First time taking part** 👋 (2): <@U-BEN>, <@U-CAT>"),
        "{digest}"
    );
    assert!(
        digest
            .contains("**Questions waiting for an answer** ❓ (1)\n• “Is there a lesson on 1:1s?”"),
        "{digest}"
    );
    // The next digest is a week later.
    assert_eq!(app.engine.run_due().await.expect("tick").digests, 0);

    // `nibble report` lists every thread with its standing replies, members and featured ones.
    let rules = nibble::domain::review::ReviewRules::default();
    let render =
        |format| nibble::report::render(&app.store, &app.catalog, None, None, None, format, &rules);
    let json = render(nibble::report::Format::Json).await.expect("report");
    let report: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let threads = report[0]["threads"].as_array().cloned().unwrap_or_default();
    let expected: Vec<(i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT d.id,
            (SELECT COUNT(*) FROM discussion_replies r WHERE r.discussion_id = d.id AND r.deleted_at IS NULL),
            (SELECT COUNT(DISTINCT member_id) FROM discussion_replies r WHERE r.discussion_id = d.id AND r.deleted_at IS NULL),
            (SELECT COUNT(*) FROM discussion_replies r WHERE r.discussion_id = d.id AND r.deleted_at IS NULL AND r.featured = 1)
         FROM discussions d ORDER BY d.id",
    )
    .fetch_all(app.store.pool())
    .await
    .expect("threads");
    let got: Vec<(i64, i64, i64, i64)> = threads
        .iter()
        .map(|t| {
            let n = |k: &str| t[k].as_i64().unwrap_or(-1);
            (n("thread_id"), n("replies"), n("members"), n("featured"))
        })
        .collect();
    assert_eq!(got, expected);
    assert_eq!(
        expected.iter().map(|e| e.1).sum::<i64>(),
        7,
        "all time: week one too"
    );
    let table = render(nibble::report::Format::Table).await.expect("table");
    assert!(table.contains("Community threads"), "{table}");
    assert!(table.lines().all(|l| l.chars().count() <= 80), "{table}");
}
