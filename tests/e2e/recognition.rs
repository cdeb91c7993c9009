//! Points, streaks, badges and leaderboards through the engine, with the manual clock and real SQLite.

use crate::engine::right_choices;
use crate::support::{TENANT, TestApp, cards, reply_text, spawn_app, user};
use chrono::{DateTime, TimeZone, Utc};
use nibble::chat::{EventKind, Message, Reply, UserRef};
use nibble::engine::{LessonChoice, PushLesson, Recipient};

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

fn lead() -> UserRef {
    UserRef {
        is_lead: true,
        is_moderator: false,
        ..user("U-LEAD")
    }
}

/// Sends a lesson to `who` (by DM, or in `channel`) and answers its questions: right when `right`.
pub(crate) async fn take_lesson(
    app: &TestApp,
    who: &UserRef,
    lesson: &str,
    right: bool,
    channel: Option<&str>,
) {
    let recipient = match channel {
        Some(c) => Recipient::Channel(c.into()),
        None => Recipient::Member(who.clone()),
    };
    let from = app.platform.posted().len();
    app.engine
        .push_lesson(PushLesson {
            platform: nibble::chat::Platform::Local,
            tenant: TENANT.into(),
            recipient,
            lesson: LessonChoice::Id(lesson.into()),
            origin: format!("test:{}", who.id),
        })
        .await
        .expect("push");
    app.deliver().await;
    let posted = app.platform.posted_since(from);
    for card in cards(&posted) {
        let good = right_choices(app, &card.prompt);
        let pick: Vec<usize> = if good.is_empty() {
            vec![0] // a poll: any answer
        } else if right {
            good
        } else {
            (0..card.choices.len())
                .filter(|i| !good.contains(i))
                .take(1)
                .collect()
        };
        let mut event = app.event(
            TENANT,
            who,
            EventKind::Button {
                payload: match &card.submit_action {
                    Some(a) => a.clone(),
                    None => card.choices[pick[0]].payload.clone(),
                },
                values: if card.submit_action.is_some() {
                    pick.iter().map(usize::to_string).collect()
                } else {
                    Vec::new()
                },
            },
        );
        if let Some(c) = channel {
            event.channel = c.into();
        } else {
            event.is_dm = true;
        }
        app.engine.handle(event).await.expect("click");
    }
}

async fn say(app: &TestApp, who: &UserRef, name: &str, args: &str) -> String {
    reply_text(&app.command(who, name, args).await)
}

#[tokio::test]
async fn learning_earns_points_a_streak_a_badge_and_a_place_on_the_board() {
    let app = spawn_app().await;
    let (ana, bo) = (user("U-ANA"), user("U-BO"));
    take_lesson(&app, &ana, "spot-phishing", true, None).await;
    take_lesson(&app, &bo, "spot-phishing", false, None).await;
    let points = say(&app, &ana, "points", "").await;
    assert!(
        points.contains("You have **25** points (25 this week). 🔥 Streak: 1 day."),
        "{points}"
    );
    assert!(points.contains("Rank #1 of 2 all time."), "{points}");
    let board = say(&app, &bo, "leaderboard", "").await;
    assert!(board.contains("🥇 1. Name of U-ANA: 25 points"), "{board}");
    assert!(
        board.contains("🥈 2. Name of U-BO (you): 10 points"),
        "{board}"
    );
    // The first lesson's badge, announced by DM once, listed by /badges.
    let posted = app.deliver().await;
    let announced: Vec<_> = posted.iter().filter(|p| matches!(&p.message, Message::Text { text } if text.contains("🏅 New badge: 🌱 **First steps**"))).collect();
    assert_eq!(announced.len(), 2, "one for each learner");
    take_lesson(&app, &ana, "strong-passphrases", true, None).await;
    let badges = say(&app, &bo, "badges", "<@U-ANA>").await;
    assert_eq!(badges.matches("First steps").count(), 1, "{badges}");
    assert!(
        say(&app, &ana, "badges", "")
            .await
            .contains("🌱 **First steps**")
    );
}

#[tokio::test]
async fn a_hundred_simultaneous_clicks_on_the_same_answer_award_once() {
    let app = spawn_app().await;
    let ana = user("U-ANA");
    app.push(TENANT, Recipient::Member(ana.clone()), "spot-phishing")
        .await;
    let posted = app.deliver().await;
    let card = cards(&posted)
        .into_iter()
        .find(|c| c.submit_action.is_none())
        .expect("a single-choice card");
    let right = right_choices(&app, &card.prompt)[0];
    let clicks = (0..100).map(|_| {
        let mut e = app.event(
            TENANT,
            &ana,
            EventKind::Button {
                payload: card.choices[right].payload.clone(),
                values: vec![],
            },
        );
        e.is_dm = true;
        app.engine.handle(e)
    });
    let replies = futures_util::future::join_all(clicks).await;
    let awarded = replies.iter().filter(|r| matches!(r, Ok(Reply::UpdateSource(m)) if nibble::local::render_text(m).contains("+5 points"))).count();
    assert_eq!(awarded, 1);
    assert!(
        say(&app, &ana, "points", "")
            .await
            .contains("You have **5** points")
    );
    assert!(
        app.store
            .duplicate_awards()
            .await
            .expect("check")
            .is_empty()
    );
}

#[tokio::test]
async fn random_interleavings_of_awards_keep_totals_equal_to_the_ledger() {
    // A property over seeded random schedules: members clicking lessons' answers in any order,
    // repeating clicks, with events redelivered; totals, standings and the ledger always agree.
    for seed in 1..=12u64 {
        let app = spawn_app().await;
        let mut rng = nibble::demo::Rng::new(seed);
        let people: Vec<UserRef> = (0..4).map(|i| user(&format!("U-{seed}-{i}"))).collect();
        let lessons = [
            "spot-phishing",
            "strong-passphrases",
            "why-feedback-matters",
        ];
        let mut clicks = Vec::new();
        for p in &people {
            for lesson in lessons {
                app.push(TENANT, Recipient::Member(p.clone()), lesson).await;
            }
        }
        let posted = app.deliver().await;
        for post in &posted {
            if let (Message::Question(q), nibble::chat::Destination::Member { user }) =
                (&post.message, &post.destination)
                && q.submit_action.is_none()
            {
                let who = people
                    .iter()
                    .find(|p| &p.id == user)
                    .cloned()
                    .expect("member");
                for _ in 0..=rng.below(3) {
                    clicks.push((
                        who.clone(),
                        q.choices[rng.below(q.choices.len())].payload.clone(),
                    ));
                }
            }
        }
        // Shuffle, and redeliver some events with the same key.
        for i in (1..clicks.len()).rev() {
            clicks.swap(i, rng.below(i + 1));
        }
        for (who, payload) in clicks {
            let mut e = app.event(
                TENANT,
                &who,
                EventKind::Button {
                    payload,
                    values: vec![],
                },
            );
            e.is_dm = true;
            app.engine.handle(e.clone()).await.expect("click");
            if rng.chance(0.3) {
                app.engine.handle(e).await.expect("redelivered click");
            }
        }
        app.command(&people[0], "points", "").await; // a batch after the last clicks: folded
        assert!(
            app.store
                .totals_mismatches()
                .await
                .expect("totals")
                .is_empty(),
            "seed {seed}"
        );
        assert!(
            app.store
                .duplicate_awards()
                .await
                .expect("dupes")
                .is_empty(),
            "seed {seed}"
        );
        assert!(
            app.store
                .standings_mismatches()
                .await
                .expect("standings")
                .is_empty(),
            "seed {seed}"
        );
    }
}

#[tokio::test]
async fn streaks_follow_the_learners_calendar_survive_a_zone_change_and_use_the_freeze() {
    let app = spawn_app().await;
    let mut kenji = UserRef {
        time_zone: Some("Asia/Tokyo".into()),
        ..user("U-KENJI")
    };
    // 16:00 UTC on Mon 2 March is 01:00 on Tue 3 March in Tokyo; 15:30 UTC on the 3rd is 00:30 on the 4th.
    app.clock.set(utc(2026, 3, 2, 16, 0));
    take_lesson(&app, &kenji, "spot-phishing", true, None).await;
    app.clock.set(utc(2026, 3, 3, 15, 30));
    take_lesson(&app, &kenji, "strong-passphrases", true, None).await;
    assert!(
        say(&app, &kenji, "points", "")
            .await
            .contains("Streak: 2 days")
    );
    // Moving to Los Angeles does not rewrite the days already learned (3 and 4 March, Tokyo time).
    kenji.time_zone = Some("America/Los_Angeles".into());
    app.clock.set(utc(2026, 3, 5, 18, 0)); // Thu 5 March, 10:00 in Los Angeles
    take_lesson(&app, &kenji, "turn-on-mfa", true, None).await;
    assert!(
        say(&app, &kenji, "points", "")
            .await
            .contains("Streak: 3 days")
    );
    assert!(
        say(&app, &kenji, "badges", "")
            .await
            .contains("🔥 **On a roll**"),
        "three days earn the streak badge"
    );
    // Fri 6 is missed: the week's freeze bridges it; Sat 7 extends the streak.
    app.clock.set(utc(2026, 3, 7, 18, 0));
    take_lesson(&app, &kenji, "handle-sensitive-data", true, None).await;
    assert!(
        say(&app, &kenji, "points", "")
            .await
            .contains("Streak: 4 days")
    );
    // A second missed day in the next week (Mon 9 and Tue 10) breaks it.
    app.clock.set(utc(2026, 3, 11, 18, 0));
    take_lesson(&app, &kenji, "phone-and-chat-scams", true, None).await;
    assert!(
        say(&app, &kenji, "points", "")
            .await
            .contains("Streak: 1 day.")
    );
}

#[tokio::test]
async fn boards_cut_weeks_in_the_tenants_zone_break_ties_by_seniority_and_honour_opt_outs() {
    let app = spawn_app().await;
    assert!(
        say(&app, &lead(), "nibble", "timezone Europe/Berlin")
            .await
            .contains("Europe/Berlin")
    );
    let (ana, bo, cy) = (user("U-ANA"), user("U-BO"), user("U-CY"));
    // Sunday 8 March 23:30 UTC is Monday 00:30 in Berlin: these points belong to the new week.
    app.clock.set(utc(2026, 3, 8, 23, 30));
    take_lesson(&app, &ana, "spot-phishing", true, None).await;
    take_lesson(&app, &bo, "spot-phishing", true, None).await;
    take_lesson(&app, &cy, "spot-phishing", false, None).await;
    let week = say(&app, &cy, "leaderboard", "week").await;
    assert!(
        week.contains("🥇 1. Name of U-ANA: 25 points")
            && week.contains("🥈 2. Name of U-BO: 25 points"),
        "ties by who joined first: {week}"
    );
    app.clock.set(utc(2026, 3, 9, 12, 0));
    assert!(
        say(&app, &cy, "leaderboard", "week")
            .await
            .contains("Name of U-ANA"),
        "still this week in Berlin"
    );
    app.clock.set(utc(2026, 3, 16, 0, 0)); // Monday 01:00 in Berlin: a new week
    assert!(
        say(&app, &cy, "leaderboard", "week")
            .await
            .contains("No points this week yet")
    );
    assert!(
        say(&app, &cy, "leaderboard", "all")
            .await
            .contains("🥇 1. Name of U-ANA")
    );
    assert!(
        say(&app, &cy, "leaderboard", "year")
            .await
            .contains("isn't a period")
    );
    // Ana leaves the boards: Bo moves up, ranks follow.
    assert!(
        say(&app, &ana, "nibble", "leaderboard hide")
            .await
            .contains("hidden")
    );
    let all = say(&app, &cy, "leaderboard", "all").await;
    assert!(
        all.contains("🥇 1. Name of U-BO") && !all.contains("U-ANA"),
        "{all}"
    );
    assert!(say(&app, &cy, "points", "").await.contains("Rank #2 of 2"));
    assert!(
        say(&app, &ana, "points", "")
            .await
            .contains("hidden from leaderboards")
    );
    // A team lead turns boards off; a learner cannot.
    assert!(
        say(&app, &bo, "nibble", "leaderboard off")
            .await
            .contains("Only team leads")
    );
    say(&app, &lead(), "nibble", "leaderboard off").await;
    assert_eq!(
        say(&app, &bo, "leaderboard", "").await,
        "Leaderboards are turned off here."
    );
}

#[tokio::test]
async fn a_channel_has_its_own_board() {
    let app = spawn_app().await;
    let (ana, bo) = (user("U-ANA"), user("U-BO"));
    take_lesson(&app, &ana, "spot-phishing", true, Some("C-SEC")).await;
    take_lesson(&app, &bo, "why-feedback-matters", true, Some("C-FEEDBACK")).await;
    let mut ask = app.event(
        TENANT,
        &bo,
        EventKind::Command {
            name: "leaderboard".into(),
            args: "all here".into(),
        },
    );
    ask.channel = "C-SEC".into();
    let board = reply_text(&app.engine.handle(ask).await.expect("board"));
    assert!(
        board.contains("Leaderboard in <#C-SEC>")
            && board.contains("Name of U-ANA")
            && !board.contains("U-BO"),
        "{board}"
    );
}
