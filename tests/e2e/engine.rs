//! The engine through the local platform: delivery, grading, points, commands and forged clicks.

use crate::support::{TENANT, cards, reply_text, spawn_app, user};
use nibble::chat::{Destination, Message, Reply, Verdict, encode_answer};
use nibble::engine::{PushOutcome, Recipient};

fn verdict(reply: &Reply) -> Option<Verdict> {
    match reply {
        Reply::Ephemeral(Message::Feedback(f)) | Reply::UpdateSource(Message::Feedback(f)) => {
            Some(f.verdict)
        }
        _ => None,
    }
}

/// Index of the correct choices of a card, from the catalog.
pub fn right_choices(app: &crate::support::TestApp, prompt: &str) -> Vec<usize> {
    let q = app
        .catalog
        .courses()
        .iter()
        .flat_map(|c| app.catalog.lessons_of(c))
        .flat_map(|l| l.questions.iter())
        .find(|q| q.prompt == prompt)
        .expect("question in catalog");
    q.options
        .iter()
        .enumerate()
        .filter(|(_, o)| o.correct)
        .map(|(i, _)| i)
        .collect()
}

#[tokio::test]
async fn a_dm_lesson_is_delivered_in_order_graded_and_completed_once() {
    let app = spawn_app().await;
    let ana = user("U-ANA");
    let outcome = app
        .push(TENANT, Recipient::Member(ana.clone()), "spot-phishing")
        .await;
    let PushOutcome::Queued { messages, .. } = outcome else {
        panic!("not queued: {outcome:?}")
    };
    let posted = app.deliver().await;
    assert_eq!(posted.len(), messages);
    assert!(matches!(&posted[0].message, Message::Lesson(p) if p.part == 1));
    assert!(posted.iter().all(|p| p.destination
        == Destination::Member {
            user: "U-ANA".into()
        }));
    let cards = cards(&posted);
    assert_eq!(cards.len(), 3);

    // The same push again is not delivered twice.
    assert_eq!(
        app.push(TENANT, Recipient::Member(ana.clone()), "spot-phishing")
            .await,
        PushOutcome::AlreadyDelivered
    );

    let mut total_points = 0;
    for (n, card) in cards.iter().enumerate() {
        let right = right_choices(&app, &card.prompt);
        let reply = match &card.submit_action {
            Some(action) => {
                let values: Vec<String> = right.iter().map(usize::to_string).collect();
                let values: Vec<&str> = values.iter().map(String::as_str).collect();
                app.click(TENANT, &ana, action, &values).await
            }
            None => {
                app.click(TENANT, &ana, &card.choices[right[0]].payload, &[])
                    .await
            }
        };
        assert_eq!(
            verdict(&reply),
            Some(Verdict::Correct),
            "{}",
            reply_text(&reply)
        );
        assert!(
            matches!(reply, Reply::UpdateSource(_)),
            "a DM quiz is replaced by its result"
        );
        total_points += 5;
        if n == 2 {
            assert!(
                reply_text(&reply).contains("Lesson complete"),
                "{}",
                reply_text(&reply)
            );
            total_points += 10;
        }
    }
    // A second click changes nothing.
    let again = app
        .click(TENANT, &ana, &cards[0].choices[0].payload, &[])
        .await;
    assert_eq!(verdict(&again), Some(Verdict::AlreadyAnswered));
    let counts = app.store.row_counts().await.expect("counts");
    assert_eq!(
        (counts.answers, counts.completions, counts.ledger),
        (3, 1, 4)
    );
    let points = app.command(&ana, "points", "").await;
    assert!(
        reply_text(&points).contains(&format!("**{total_points}**")),
        "{}",
        reply_text(&points)
    );
    assert!(
        app.store
            .totals_mismatches()
            .await
            .expect("mismatch check")
            .is_empty()
    );
}

#[tokio::test]
async fn wrong_answers_explain_and_polls_record() {
    let app = spawn_app().await;
    let ben = user("U-BEN");
    app.push(TENANT, Recipient::Member(ben.clone()), "strong-passphrases")
        .await;
    let cards = cards(&app.deliver().await);
    let right = right_choices(&app, &cards[0].prompt);
    let wrong = (0..cards[0].choices.len())
        .find(|i| !right.contains(i))
        .expect("a wrong option");
    let reply = app
        .click(TENANT, &ben, &cards[0].choices[wrong].payload, &[])
        .await;
    assert_eq!(verdict(&reply), Some(Verdict::Incorrect));
    let Reply::UpdateSource(Message::Feedback(f)) = &reply else {
        panic!("feedback expected")
    };
    assert_eq!(f.points, 0);
    assert!(!f.explanations.is_empty(), "a wrong answer is explained");
    let poll = cards
        .iter()
        .find(|c| right_choices(&app, &c.prompt).is_empty())
        .expect("a poll");
    let reply = app.click(TENANT, &ben, &poll.choices[1].payload, &[]).await;
    assert_eq!(verdict(&reply), Some(Verdict::Recorded));
}

#[tokio::test]
async fn a_multiple_select_answer_must_be_the_exact_set() {
    let app = spawn_app().await;
    let cy = user("U-CY");
    app.push(TENANT, Recipient::Member(cy.clone()), "spot-phishing")
        .await;
    let cards = cards(&app.deliver().await);
    let multi = cards
        .iter()
        .find(|c| c.multi)
        .expect("a multiple-select card");
    let right = right_choices(&app, &multi.prompt);
    let partial = right[0].to_string();
    let reply = app
        .click(
            TENANT,
            &cy,
            multi.submit_action.as_deref().expect("submit"),
            &[partial.as_str()],
        )
        .await;
    assert_eq!(verdict(&reply), Some(Verdict::Incorrect));
}

#[tokio::test]
async fn channel_quizzes_take_everyones_answer_privately() {
    let app = spawn_app().await;
    app.push(TENANT, Recipient::Channel("C-GENERAL".into()), "sbi-model")
        .await;
    let cards = cards(&app.deliver().await);
    let payload = &cards[0].choices[0].payload;
    for who in ["U-1", "U-2", "U-3"] {
        let reply = app.click(TENANT, &user(who), payload, &[]).await;
        assert!(
            matches!(reply, Reply::Ephemeral(Message::Feedback(_))),
            "{reply:?}"
        );
    }
    assert_eq!(app.store.row_counts().await.expect("counts").answers, 3);
}

#[tokio::test]
async fn forged_clicks_are_rejected_and_write_nothing() {
    let app = spawn_app().await;
    let ana = user("U-ANA");
    app.push(TENANT, Recipient::Member(ana.clone()), "spot-phishing")
        .await;
    app.push("T-OTHER", Recipient::Member(user("U-ZED")), "spot-phishing")
        .await;
    let posted = app.deliver().await;
    let acme_card = cards(
        &posted
            .iter()
            .filter(|p| p.tenant == TENANT)
            .cloned()
            .collect::<Vec<_>>(),
    )[0]
    .clone();
    let other_card = cards(
        &posted
            .iter()
            .filter(|p| p.tenant == "T-OTHER")
            .cloned()
            .collect::<Vec<_>>(),
    )[0]
    .clone();
    let before = app.store.row_counts().await.expect("counts");

    let cases = [
        (
            user("U-MALLORY"),
            acme_card.choices[0].payload.clone(),
            "sent to someone else",
        ),
        (
            ana.clone(),
            other_card.choices[0].payload.clone(),
            "doesn't exist here",
        ),
        (ana.clone(), encode_answer(999_999, 0), "doesn't exist here"),
        (
            ana.clone(),
            "nb1:a:1:not-a-number".to_string(),
            "isn't valid",
        ),
        (ana.clone(), "' OR 1=1 --".to_string(), "isn't valid"),
        (
            ana.clone(),
            encode_answer(1, 63),
            "isn't part of this question",
        ),
    ];
    for (who, payload, expected) in cases {
        let reply = app.click(TENANT, &who, &payload, &[]).await;
        assert!(
            matches!(reply, Reply::Ephemeral(Message::Text { .. })),
            "{payload}: {reply:?}"
        );
        assert!(
            reply_text(&reply).contains(expected),
            "{payload}: {}",
            reply_text(&reply)
        );
        assert_eq!(
            app.store.row_counts().await.expect("counts"),
            before,
            "{payload} wrote something"
        );
    }
    assert_eq!(
        app.store.row_counts().await.expect("counts"),
        before,
        "a rejected click wrote something"
    );
}

#[tokio::test]
async fn learn_pulls_the_next_lesson_and_searches() {
    let app = spawn_app().await;
    let dee = user("U-DEE");
    let first = app.command(&dee, "learn", "").await;
    assert!(
        reply_text(&first).contains("by DM"),
        "{}",
        reply_text(&first)
    );
    let second = app.command(&dee, "learn", "").await;
    assert_ne!(
        reply_text(&first),
        reply_text(&second),
        "the next /learn brings the next lesson"
    );
    let posted = app.deliver().await;
    let titles: Vec<String> = posted
        .iter()
        .filter_map(|p| match &p.message {
            Message::Lesson(l) if l.part == 1 => Some(l.lesson_id.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(titles.len(), 2);
    assert_ne!(titles[0], titles[1]);

    let search = app.command(&dee, "learn", "feedback").await;
    assert!(
        reply_text(&search).contains("/learn"),
        "{}",
        reply_text(&search)
    );
    let none = app.command(&dee, "learn", "quantum knitting").await;
    assert!(
        reply_text(&none).contains("No lesson matches"),
        "{}",
        reply_text(&none)
    );
    let unknown = app.command(&dee, "frobnicate", "").await;
    assert!(reply_text(&unknown).contains("I don't know the command `/frobnicate`"));
    let share = app.command(&dee, "share", "a story").await;
    assert!(
        reply_text(&share).contains("no stories channel yet"),
        "{}",
        reply_text(&share)
    );
    let sub = app.command(&dee, "nibble", "launch").await;
    assert!(reply_text(&sub).contains("`/nibble launch`") && reply_text(&sub).contains("/learn"));
    let progress = app.command(&dee, "progress", "").await;
    assert!(reply_text(&progress).contains("Your progress"));
}

#[tokio::test]
async fn a_redelivered_command_is_processed_once() {
    let app = spawn_app().await;
    let eve = user("U-EVE");
    let event = app.event(
        TENANT,
        &eve,
        nibble::chat::EventKind::Command {
            name: "learn".into(),
            args: String::new(),
        },
    );
    let first = app.engine.handle(event.clone()).await.expect("first");
    let again = app.engine.handle(event).await.expect("again");
    assert!(matches!(first, Reply::Ephemeral(_)));
    assert_eq!(again, Reply::None);
    assert_eq!(app.store.row_counts().await.expect("counts").deliveries, 1);
}

#[tokio::test]
async fn concurrent_clicks_on_one_question_award_once() {
    let app = spawn_app().await;
    let fay = user("U-FAY");
    app.push(TENANT, Recipient::Member(fay.clone()), "turn-on-mfa")
        .await;
    let card = cards(&app.deliver().await)[0].clone();
    let right = right_choices(&app, &card.prompt)[0];
    let mut handles = Vec::new();
    for _ in 0..20 {
        let (engine, event) = (
            app.engine.clone(),
            app.event(
                TENANT,
                &fay,
                nibble::chat::EventKind::Button {
                    payload: card.choices[right].payload.clone(),
                    values: vec![],
                },
            ),
        );
        handles.push(tokio::spawn(async move { engine.handle(event).await }));
    }
    let mut correct = 0;
    for h in handles {
        let reply = h.await.expect("join").expect("handled");
        correct += usize::from(verdict(&reply) == Some(Verdict::Correct));
    }
    assert_eq!(correct, 1);
    assert_eq!(app.store.row_counts().await.expect("counts").ledger, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn engine_writes_and_outbox_claims_interleave_without_busy_errors() {
    let app = std::sync::Arc::new(spawn_app().await);
    let sender = {
        let app = app.clone();
        tokio::spawn(async move {
            for _ in 0..200 {
                app.dispatcher
                    .run_pass()
                    .await
                    .expect("a dispatcher pass never fails on a busy database");
                tokio::task::yield_now().await;
            }
        })
    };
    let mut learners = Vec::new();
    for i in 0..60 {
        let app = app.clone();
        learners.push(tokio::spawn(async move {
            app.command(&user(&format!("U-{i}")), "learn", "").await
        }));
    }
    for l in learners {
        let reply = l.await.expect("join");
        assert!(
            reply_text(&reply).contains("by DM"),
            "{}",
            reply_text(&reply)
        );
    }
    sender.await.expect("dispatcher task");
    assert_eq!(app.store.row_counts().await.expect("counts").deliveries, 60);
}

#[tokio::test]
async fn a_card_whose_question_changed_is_refused_not_misgraded() {
    let app = spawn_app().await;
    let ana = user("U-ANA");
    app.push(TENANT, Recipient::Member(ana.clone()), "spot-phishing")
        .await;
    let old_card = cards(&app.deliver().await)[0].clone();
    // An author reorders the options of the first question and the catalog is reloaded.
    let dir = tempfile::tempdir().expect("tempdir");
    let lessons = dir.path().join("lessons");
    crate::support::copy_dir(&crate::support::lessons_dir(), &lessons);
    let file = lessons.join("security-awareness/01-spot-phishing.md");
    let text = std::fs::read_to_string(&file).expect("read");
    let edited = text.replacen(
        "text = \"Pay it: the sender's name matches our supplier\"",
        "text = \"Pay it: the name matches our supplier\"",
        1,
    );
    assert_ne!(text, edited, "the fixture edit applies");
    std::fs::write(&file, edited).expect("write");
    app.engine
        .catalog()
        .replace(nibble::content::load_catalog(&lessons).expect("edited lessons load"));

    let before = app.store.row_counts().await.expect("counts");
    let reply = app
        .click(TENANT, &ana, &old_card.choices[0].payload, &[])
        .await;
    assert!(
        reply_text(&reply).contains("has changed since it was sent"),
        "{}",
        reply_text(&reply)
    );
    assert_eq!(app.store.row_counts().await.expect("counts"), before);

    // Asking again brings a card that is graded normally.
    app.command(&ana, "learn", "spot-phishing").await;
    let fresh = cards(&app.deliver().await)
        .into_iter()
        .rev()
        .nth(2)
        .expect("the resent first question");
    let reply = app
        .click(TENANT, &ana, &fresh.choices[0].payload, &[])
        .await;
    assert!(
        matches!(verdict(&reply), Some(Verdict::Incorrect | Verdict::Correct)),
        "{}",
        reply_text(&reply)
    );
}
