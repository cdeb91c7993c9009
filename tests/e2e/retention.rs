//! Just-in-time search with buttons, diagnostic quizzes that skip mastered lessons in a campaign, and
//! team leads' needs-help list, through the engine with real SQLite.

use crate::campaigns::{lead, lessons_since, run_until, utc};
use crate::engine::right_choices;
use crate::recognition::take_lesson;
use crate::support::{TENANT, TestApp, cards, reply_text, spawn_app, user};
use chrono::Duration;
use nibble::chat::{Message, QuestionCard, Reply, UserRef, Verdict};

/// The lesson ids a `/learn <words>` menu offers, in order.
async fn search(app: &TestApp, who: &UserRef, query: &str) -> Vec<String> {
    match app.command(who, "learn", query).await {
        Reply::Ephemeral(Message::Menu { choices, .. }) => choices
            .iter()
            .map(|c| c.payload.trim_start_matches("nb1:l:").to_string())
            .collect(),
        other => {
            assert!(
                reply_text(&other).contains("No lesson matches"),
                "{other:?}"
            );
            Vec::new()
        }
    }
}

#[tokio::test]
async fn search_ranks_lessons_and_its_buttons_send_them() {
    let app = spawn_app().await;
    let eve = user("U-EVE");
    for (query, best) in [
        ("phishing", "spot-phishing"),
        ("phish", "spot-phishing"),
        ("password manager", "strong-passphrases"),
        ("passphrases", "strong-passphrases"),
        ("multi-factor authentication", "turn-on-mfa"),
        ("remote feedback", "remote-feedback"),
        ("praise", "specific-praise"),
        ("situation behaviour impact", "sbi-model"),
        ("scam phone call", "phone-and-chat-scams"),
        ("report an incident", "report-incidents-fast"),
    ] {
        let hits = search(&app, &eve, query).await;
        assert_eq!(
            hits.first().map(String::as_str),
            Some(best),
            "{query}: {hits:?}"
        );
        assert!(hits.len() <= 5);
    }
    assert!(search(&app, &eve, "quantum knitting").await.is_empty());

    let hits = search(&app, &eve, "phishing").await;
    let from = app.platform.posted().len();
    let sent = app
        .click(TENANT, &eve, &format!("nb1:l:{}", hits[0]), &[])
        .await;
    assert!(
        reply_text(&sent).contains("Spot a phishing"),
        "{}",
        reply_text(&sent)
    );
    app.deliver().await;
    assert_eq!(
        lessons_since(&app, from),
        [("U-EVE".to_string(), "spot-phishing".to_string())]
    );
    let gone = app.click(TENANT, &eve, "nb1:l:no-such-lesson", &[]).await;
    assert!(
        reply_text(&gone).contains("no longer exists"),
        "{}",
        reply_text(&gone)
    );
}

/// Answers the diagnostic cards: wrong for questions covering `miss`, right otherwise; returns the
/// last reply and the last card's payload.
async fn answer_diagnostic(
    app: &TestApp,
    who: &UserRef,
    cards: &[QuestionCard],
    miss: &[&str],
) -> (Reply, String) {
    let mut last = (Reply::None, String::new());
    let diag = app
        .catalog
        .diagnostic("security-awareness")
        .expect("diagnostic");
    for card in cards {
        let q = diag
            .lesson
            .questions
            .iter()
            .find(|q| q.prompt == card.prompt)
            .expect("question");
        let right: Vec<usize> = q
            .options
            .iter()
            .enumerate()
            .filter(|(_, o)| o.correct)
            .map(|(i, _)| i)
            .collect();
        let pick = if miss.contains(&diag.covers[&q.id].as_str()) {
            (0..q.options.len())
                .find(|i| !right.contains(i))
                .expect("a wrong option")
        } else {
            right[0]
        };
        let reply = app
            .click(TENANT, who, &card.choices[pick].payload, &[])
            .await;
        assert!(
            matches!(reply, Reply::UpdateSource(Message::Feedback(_))),
            "{reply:?}"
        );
        last = (reply, card.choices[pick].payload.clone());
    }
    last
}

#[tokio::test]
async fn a_diagnostic_skips_mastered_lessons_in_a_drip_campaign() {
    let app = spawn_app().await;
    let dia = user("U-DIA");
    app.clock.set(utc(2026, 3, 2, 8, 0));
    let reply = reply_text(
        &app.command(&dia, "learn", "diagnose security-awareness")
            .await,
    );
    assert!(reply.contains("6 questions"), "{reply}");
    let posted = app.deliver().await;
    let quiz = cards(&posted);
    assert_eq!(quiz.len(), 6);
    let (done, last) =
        answer_diagnostic(&app, &dia, &quiz, &["turn-on-mfa", "report-incidents-fast"]).await;
    // The last answer finishes it and says what is skipped.
    let note = match &done {
        Reply::UpdateSource(Message::Feedback(f)) => f.note.clone().unwrap_or_default(),
        other => panic!("{other:?}"),
    };
    assert!(note.contains("master 4 lessons"), "{note}");
    // Answering again changes nothing; diagnostics earn no points.
    let again = app.click(TENANT, &dia, &last, &[]).await;
    assert!(
        matches!(&again, Reply::UpdateSource(Message::Feedback(f)) if f.verdict == Verdict::AlreadyAnswered)
    );
    let points = reply_text(&app.command(&dia, "points", "").await);
    assert!(points.contains("**0** points"), "{points}");
    let retake = reply_text(
        &app.command(&dia, "learn", "diagnose security-awareness")
            .await,
    );
    assert!(retake.contains("4 lessons skipped"), "{retake}");

    // A daily DM campaign now sends only the two lessons left, then the learner is done.
    let created = reply_text(&app.command(&lead(), "nibble",
        "campaign create course=security-awareness dm members=<@U-DIA> cron=\"0 9 * * *\" zone=UTC").await);
    assert!(created.contains("Next five sends"), "{created}");
    let sent = run_until(&app, utc(2026, 3, 6, 10, 0), Duration::hours(1)).await;
    let lessons: Vec<&str> = sent.iter().map(|(_, _, l)| l.as_str()).collect();
    assert_eq!(lessons, ["turn-on-mfa", "report-incidents-fast"]);
    // /learn's next lesson passes over skipped ones too.
    let next = reply_text(&app.command(&dia, "learn", "security-awareness").await);
    assert!(next.contains("finished every lesson"), "{next}");
}

#[tokio::test]
async fn diagnostics_refuse_unknown_courses_and_other_peoples_clicks() {
    let app = spawn_app().await;
    let dia = user("U-DIA");
    let unknown = reply_text(&app.command(&dia, "learn", "diagnose knitting").await);
    assert!(unknown.contains("no course `knitting`"), "{unknown}");
    app.command(&dia, "learn", "diagnose giving-feedback").await;
    let quiz = cards(&app.deliver().await);
    let other = app
        .click(TENANT, &user("U-NOSY"), &quiz[0].choices[0].payload, &[])
        .await;
    assert!(
        reply_text(&other).contains("someone else"),
        "{}",
        reply_text(&other)
    );
}

#[tokio::test]
async fn team_leads_see_who_needs_help_with_a_course() {
    let app = spawn_app().await;
    let (ace, flo, new) = (user("U-ACE"), user("U-FLO"), user("U-NEW"));
    for lesson in ["spot-phishing", "strong-passphrases"] {
        take_lesson(&app, &ace, lesson, true, None).await;
        take_lesson(&app, &flo, lesson, false, None).await;
    }
    // Below the minimum number of answers: not listed, however wrong.
    let card = {
        app.push(
            TENANT,
            nibble::engine::Recipient::Member(new.clone()),
            "turn-on-mfa",
        )
        .await;
        cards(&app.deliver().await)
            .into_iter()
            .last()
            .expect("card")
    };
    let good = right_choices(&app, &card.prompt);
    let wrong = (0..card.choices.len())
        .find(|i| !good.contains(i))
        .expect("wrong");
    if card.submit_action.is_none() {
        app.click(TENANT, &new, &card.choices[wrong].payload, &[])
            .await;
    }
    let refused = reply_text(
        &app.command(&ace, "nibble", "needs-help security-awareness")
            .await,
    );
    assert!(refused.contains("Only team leads"), "{refused}");
    let list = reply_text(
        &app.command(&lead(), "nibble", "needs-help security-awareness")
            .await,
    );
    assert!(
        list.contains("Name of U-FLO 0%") && !list.contains("U-ACE") && !list.contains("U-NEW"),
        "{list}"
    );
    let graded: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM answers a JOIN members m ON m.id = a.member_id
         WHERE m.external_id = 'U-FLO' AND a.correct IS NOT NULL",
    )
    .fetch_one(app.store.pool())
    .await
    .expect("count");
    assert!(list.contains(&format!("0 of {graded} right")), "{list}");
    let other = reply_text(
        &app.command(&lead(), "nibble", "needs-help giving-feedback")
            .await,
    );
    assert!(other.contains("Nobody needs help"), "{other}");
}
