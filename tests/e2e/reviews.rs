//! Spaced-repetition reviews through the engine with the manual clock: cards from answers, one DM a
//! day at the learner's time in their zone, the daily cap, FSRS intervals, vacations.

use crate::recognition::take_lesson;
use crate::support::{TENANT, TestApp, cards, reply_text, spawn_app, user};
use chrono::{DateTime, Duration, TimeZone, Utc};
use nibble::chat::{Destination, Message, Reply, UserRef, Verdict};
use nibble::local::Posted;

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

fn in_zone(id: &str, zone: &str) -> UserRef {
    UserRef {
        time_zone: Some(zone.into()),
        ..user(id)
    }
}

/// Ticks the scheduler at `at`; returns how many review DMs went out and what was posted.
async fn reviews_at(app: &TestApp, at: DateTime<Utc>) -> (usize, Vec<Posted>) {
    app.clock.set(at);
    let from = app.platform.posted().len();
    let report = app.engine.run_due().await.expect("tick");
    app.deliver().await;
    (report.reviews, app.platform.posted_since(from))
}

/// Answers a review card right or wrong; returns the reply.
async fn answer(
    app: &TestApp,
    who: &UserRef,
    card: &nibble::chat::QuestionCard,
    right: bool,
) -> Reply {
    let good = crate::engine::right_choices(app, &card.prompt);
    let pick: Vec<usize> = if right {
        good
    } else {
        (0..card.choices.len())
            .filter(|i| !good.contains(i))
            .take(1)
            .collect()
    };
    let (payload, values): (String, Vec<String>) = match &card.submit_action {
        Some(a) => (a.clone(), pick.iter().map(usize::to_string).collect()),
        None => (card.choices[pick[0]].payload.clone(), Vec::new()),
    };
    let values: Vec<&str> = values.iter().map(String::as_str).collect();
    app.click(TENANT, who, &payload, &values).await
}

fn feedback(reply: &Reply) -> &nibble::chat::Feedback {
    match reply {
        Reply::UpdateSource(Message::Feedback(f)) => f,
        other => panic!("expected feedback replacing the review, got {other:?}"),
    }
}

#[tokio::test]
async fn due_reviews_arrive_once_a_day_at_the_learners_morning_capped_and_spaced() {
    let app = spawn_app().await;
    let kai = in_zone("U-KAI", "Asia/Tokyo");
    // Monday 18:00 in Tokyo: one lesson answered wrong, one right.
    app.clock.set(utc(2026, 3, 2, 9, 0));
    take_lesson(&app, &kai, "spot-phishing", false, None).await;
    take_lesson(&app, &kai, "turn-on-mfa", true, None).await;
    app.deliver().await;
    let status = reply_text(&app.command(&kai, "nibble", "reviews").await);
    assert!(status.contains("6 questions"), "{status}");

    // Tuesday 09:00 Tokyo is Monday 24:00 UTC: nothing a minute before, one DM at it.
    assert_eq!(reviews_at(&app, utc(2026, 3, 2, 23, 59)).await.0, 0);
    let (dms, posted) = reviews_at(&app, utc(2026, 3, 3, 0, 0)).await;
    assert_eq!(dms, 1);
    let due = cards(&posted);
    assert_eq!(due.len(), 3, "the three wrong answers, capped at 3 a day");
    assert_eq!(due[0].label, "Review 1 of 3");
    assert!(matches!(&posted[0].message, Message::Text { text } if text.contains("quick review")));
    assert!(posted.iter().all(|p| p.destination
        == Destination::Member {
            user: "U-KAI".into()
        }));
    assert_eq!(
        reviews_at(&app, utc(2026, 3, 3, 0, 5)).await.0,
        0,
        "one DM a day"
    );

    let right = feedback(&answer(&app, &kai, &due[0], true).await).clone();
    assert_eq!(right.verdict, Verdict::Correct);
    assert_eq!(right.points, 2);
    assert!(
        right.note.as_deref().is_some_and(|n| n.contains("review")),
        "{right:?}"
    );
    let wrong = feedback(&answer(&app, &kai, &due[1], false).await).clone();
    assert_eq!(wrong.verdict, Verdict::Incorrect);
    assert!(
        wrong
            .note
            .as_deref()
            .is_some_and(|n| n.contains("tomorrow")),
        "{wrong:?}"
    );
    // A second click, someone else's click, a forged id.
    let again = feedback(&answer(&app, &kai, &due[0], false).await).clone();
    assert_eq!(again.verdict, Verdict::AlreadyAnswered);
    let other = answer(&app, &user("U-OTHER"), &due[2], true).await;
    assert!(
        reply_text(&other).contains("someone else"),
        "{}",
        reply_text(&other)
    );
    let forged = app.click(TENANT, &kai, "nb1:r:999999:0", &[]).await;
    assert!(
        reply_text(&forged).contains("doesn't exist"),
        "{}",
        reply_text(&forged)
    );

    // Wednesday: only the card answered wrong on Tuesday (the third was never answered: still due).
    let (_, posted) = reviews_at(&app, utc(2026, 3, 4, 0, 0)).await;
    assert_eq!(cards(&posted).len(), 2);
    // Thursday: the right answers of Monday are due too; the cap still holds.
    let (_, posted) = reviews_at(&app, utc(2026, 3, 5, 0, 0)).await;
    let thursday = cards(&posted);
    assert_eq!(thursday.len(), 3);
    // A card first answered right three days ago comes back later still after another right answer.
    let mfa = thursday
        .iter()
        .find(|c| {
            app.catalog
                .lesson("turn-on-mfa")
                .is_some_and(|l| l.questions.iter().any(|q| q.prompt == c.prompt))
        })
        .expect("an MFA card on Thursday");
    let f = feedback(&answer(&app, &kai, mfa, true).await).clone();
    let days: i64 = f
        .note
        .as_deref()
        .and_then(|n| n.split_whitespace().find_map(|w| w.parse().ok()))
        .expect("days in the note");
    assert!(days > 3, "interval grew past the first 3 days: {days}");
}

#[tokio::test]
async fn review_time_is_the_learners_own_across_a_dst_change() {
    let app = spawn_app().await;
    let nia = in_zone("U-NIA", "America/New_York");
    app.clock.set(utc(2026, 3, 6, 15, 0));
    let bad = reply_text(&app.command(&nia, "nibble", "review-time 25:00").await);
    assert!(bad.contains("HH:MM"), "{bad}");
    let set = reply_text(&app.command(&nia, "nibble", "review-time 08:30").await);
    assert!(
        set.contains("08:30") && set.contains("America/New_York"),
        "{set}"
    );
    take_lesson(&app, &nia, "spot-phishing", false, None).await;
    app.deliver().await;
    // Saturday 08:30 EST = 13:30 UTC.
    assert_eq!(reviews_at(&app, utc(2026, 3, 7, 13, 29)).await.0, 0);
    let (dms, posted) = reviews_at(&app, utc(2026, 3, 7, 13, 30)).await;
    assert_eq!(dms, 1);
    for card in cards(&posted) {
        answer(&app, &nia, &card, false).await;
    }
    // Sunday the clocks go forward: 08:30 EDT = 12:30 UTC.
    assert_eq!(reviews_at(&app, utc(2026, 3, 8, 12, 29)).await.0, 0);
    assert_eq!(reviews_at(&app, utc(2026, 3, 8, 12, 30)).await.0, 1);
    // Off means off.
    app.command(&nia, "nibble", "review-time off").await;
    assert_eq!(reviews_at(&app, utc(2026, 3, 10, 12, 30)).await.0, 0);
    let on = reply_text(&app.command(&nia, "nibble", "review-time on").await);
    assert!(on.contains("08:30"), "{on}");
    assert_eq!(reviews_at(&app, utc(2026, 3, 11, 12, 30)).await.0, 1);
}

#[tokio::test]
async fn a_vacation_holds_reviews_moves_them_on_and_keeps_the_streak() {
    let app = spawn_app().await;
    let bea = user("U-BEA"); // Europe/Berlin
    app.clock.set(utc(2026, 3, 2, 9, 0)); // Monday
    take_lesson(&app, &bea, "spot-phishing", true, None).await;
    app.clock.set(utc(2026, 3, 3, 9, 0)); // Tuesday
    take_lesson(&app, &bea, "turn-on-mfa", true, None).await;
    app.deliver().await;
    let due_before: Vec<String> = sqlx::query_scalar("SELECT due_at FROM review_cards ORDER BY id")
        .fetch_all(app.store.pool())
        .await
        .expect("cards");
    let away = reply_text(&app.command(&bea, "nibble", "vacation 1w").await);
    assert!(away.contains("vacation"), "{away}");
    let twice = reply_text(&app.command(&bea, "nibble", "vacation 2w").await);
    assert!(
        twice.contains("already") || twice.contains("until"),
        "{twice}"
    );
    let due_after: Vec<String> = sqlx::query_scalar("SELECT due_at FROM review_cards ORDER BY id")
        .fetch_all(app.store.pool())
        .await
        .expect("cards");
    for (before, after) in due_before.iter().zip(&due_after) {
        let b = DateTime::parse_from_rfc3339(before).expect("ts");
        let a = DateTime::parse_from_rfc3339(after).expect("ts");
        assert_eq!(a - b, Duration::weeks(1), "{before} -> {after}");
    }
    // No reviews while away, though Monday's cards were due on Thursday.
    for day in 4..=10 {
        assert_eq!(
            reviews_at(&app, utc(2026, 3, day, 8, 0)).await.0,
            0,
            "day {day}"
        );
    }
    // Back on Tuesday the 10th and learning: Mon, Tue, (away Wed-Mon), Tue is a 3-day streak.
    app.clock.set(utc(2026, 3, 10, 10, 0));
    take_lesson(&app, &bea, "strong-passphrases", true, None).await;
    app.deliver().await;
    let points = reply_text(&app.command(&bea, "points", "").await);
    assert!(points.contains("Streak: 3 days"), "{points}");
    // The moved reviews arrive after the vacation.
    assert_eq!(reviews_at(&app, utc(2026, 3, 12, 8, 0)).await.0, 1);
}

#[tokio::test]
async fn ending_a_vacation_early_brings_reviews_back() {
    let app = spawn_app().await;
    let cy = user("U-CY");
    app.clock.set(utc(2026, 3, 2, 9, 0));
    take_lesson(&app, &cy, "spot-phishing", false, None).await; // due Tuesday
    app.deliver().await;
    app.command(&cy, "nibble", "vacation 2w").await;
    assert_eq!(reviews_at(&app, utc(2026, 3, 3, 8, 0)).await.0, 0);
    let back = reply_text(&app.command(&cy, "nibble", "vacation off").await);
    assert!(back.contains("Welcome back"), "{back}");
    assert_eq!(reviews_at(&app, utc(2026, 3, 4, 8, 0)).await.0, 1);
    let none = reply_text(&app.command(&cy, "nibble", "vacation off").await);
    assert!(none.contains("not on vacation"), "{none}");
}

/// Copies the bundled lessons to `dir`, changing one option of `spot-phishing`'s first question.
fn changed_lessons(dir: &std::path::Path) -> nibble::content::Catalog {
    crate::support::copy_dir(&crate::support::lessons_dir(), dir);
    let file = dir.join("security-awareness/01-spot-phishing.md");
    let text = std::fs::read_to_string(&file)
        .expect("read lesson")
        .replace(
            "Pay it: the sender's name matches our supplier",
            "Pay it today: the name matches",
        );
    std::fs::write(&file, text).expect("write");
    nibble::content::load_catalog(dir).expect("changed lessons load")
}

#[tokio::test]
async fn a_review_of_a_question_changed_since_it_was_sent_is_refused() {
    let app = spawn_app().await;
    let eli = user("U-ELI");
    app.clock.set(utc(2026, 3, 2, 9, 0));
    take_lesson(&app, &eli, "spot-phishing", false, None).await;
    app.deliver().await;
    let (_, posted) = reviews_at(&app, utc(2026, 3, 3, 8, 0)).await;
    let card = cards(&posted)
        .into_iter()
        .find(|c| c.prompt.contains("bank details"))
        .expect("the bank-details review");
    let dir = tempfile::tempdir().expect("tempdir");
    app.engine.catalog().replace(changed_lessons(dir.path()));
    let reply = answer(&app, &eli, &card, true).await;
    assert!(
        reply_text(&reply).contains("has changed"),
        "{}",
        reply_text(&reply)
    );
    let answered: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM review_answers")
        .fetch_one(app.store.pool())
        .await
        .expect("count");
    assert_eq!(answered, 0, "nothing recorded");
}
