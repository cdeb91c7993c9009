//! Accountability partners through the engine: pools, joining by command and button, rounds with
//! introductions, avoid lists and pauses, check-ins recorded once with points, stats.

use crate::campaigns::{lead, utc};
use crate::support::{TENANT, TestApp, reply_text, spawn_app, user};
use nibble::chat::{Choice, Destination, Message, Reply, UserRef};
use std::collections::HashSet;

/// Group DMs posted since `from`: (members, message).
fn group_posts(app: &TestApp, from: usize) -> Vec<(Vec<String>, Message)> {
    app.platform
        .posted_since(from)
        .into_iter()
        .filter_map(|p| match p.destination {
            Destination::Group { users } => Some((users, p.message)),
            _ => None,
        })
        .collect()
}

/// Introductions (text) among the group posts since `from`; check-ins are menus.
fn intros(app: &TestApp, from: usize) -> Vec<(Vec<String>, Message)> {
    group_posts(app, from)
        .into_iter()
        .filter(|(_, m)| matches!(m, Message::Text { .. }))
        .collect()
}

async fn tick(app: &TestApp, at: chrono::DateTime<chrono::Utc>) -> usize {
    app.clock.set(at);
    let from = app.platform.posted().len();
    app.engine.run_due().await.expect("tick");
    app.deliver().await;
    from
}

async fn pool_with(app: &TestApp, people: &[UserRef]) {
    app.clock.set(utc(2026, 3, 2, 7, 0)); // Monday, 08:00 in Berlin
    let created = reply_text(
        &app.command(
            &lead(),
            "partner",
            "create cadence=weekly zone=Europe/Berlin",
        )
        .await,
    );
    assert!(
        created.contains("First round: Mon 02 Mar 2026 09:00 CET"),
        "{created}"
    );
    for p in people {
        let joined = reply_text(&app.command(p, "partner", "join").await);
        assert!(joined.contains("You're in"), "{joined}");
    }
}

fn pairs_of(groups: &[(Vec<String>, Message)]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (users, _) in groups {
        for (k, a) in users.iter().enumerate() {
            for b in &users[k + 1..] {
                out.push((a.clone().min(b.clone()), a.clone().max(b.clone())));
            }
        }
    }
    out
}

#[tokio::test]
async fn rounds_introduce_new_partners_and_check_ins_count_once() {
    let app = spawn_app().await;
    let people: Vec<UserRef> = ["U-A", "U-B", "U-C", "U-D"]
        .iter()
        .map(|u| user(u))
        .collect();
    let refused = reply_text(&app.command(&people[0], "partner", "create").await);
    assert!(refused.contains("Only team leads"), "{refused}");
    pool_with(&app, &people).await;
    // The announcement's Join button works too, and joining twice is harmless.
    let posted = app.deliver().await;
    let join = posted
        .iter()
        .find_map(|p| match &p.message {
            Message::Menu { choices, .. } => choices.first().cloned(),
            _ => None,
        })
        .expect("the pool's announcement with a Join button");
    let by_button = app.click(TENANT, &user("U-E"), &join.payload, &[]).await;
    assert!(
        reply_text(&by_button).contains("You're in"),
        "{}",
        reply_text(&by_button)
    );
    let again = reply_text(&app.command(&people[0], "partner", "join").await);
    assert!(again.contains("already"), "{again}");
    // U-E leaves again: four people, three weekly rounds, every pair new.
    app.command(&user("U-E"), "partner", "leave").await;

    let mut met = HashSet::new();
    for (week, day) in [2, 9, 16].into_iter().enumerate() {
        let from = tick(&app, utc(2026, 3, day, 8, 0)).await;
        let groups = intros(&app, from);
        assert_eq!(groups.len(), 2, "week {week}: {groups:?}");
        for (users, message) in &groups {
            let Message::Text { text } = message else {
                panic!("{message:?}")
            };
            assert!(
                users.iter().all(|u| text.contains(&format!("<@{u}>"))),
                "{text}"
            );
            assert!(text.contains("Conversation starter"), "{text}");
        }
        for p in pairs_of(&groups) {
            assert!(met.insert(p.clone()), "week {week}: {p:?} met again");
        }
    }
    assert_eq!(met.len(), 6, "everyone met everyone in three rounds");

    // The check-in goes out halfway (Thursday 21:00 UTC after a Monday 08:00 UTC round).
    let from = tick(&app, utc(2026, 3, 19, 21, 0)).await;
    let checkins = group_posts(&app, from);
    assert_eq!(checkins.len(), 2);
    let (users, Message::Menu { choices, .. }) = &checkins[0] else {
        panic!("{checkins:?}")
    };
    let met_button: &Choice = &choices[0];
    let first = user(&users[0]);
    let second = user(&users[1]);
    let outsider = ["U-A", "U-B", "U-C", "U-D"]
        .into_iter()
        .find(|u| !users.iter().any(|x| x == u))
        .expect("someone from the other group");
    let refused = app
        .click(TENANT, &user(outsider), &met_button.payload, &[])
        .await;
    assert!(
        reply_text(&refused).contains("another group"),
        "{}",
        reply_text(&refused)
    );
    let recorded = app.click(TENANT, &first, &met_button.payload, &[]).await;
    assert!(
        reply_text(&recorded).contains("+10 points"),
        "{}",
        reply_text(&recorded)
    );
    let twice = app.click(TENANT, &second, &choices[1].payload, &[]).await;
    assert!(
        matches!(&twice, Reply::UpdateSource(_)) && reply_text(&twice).contains("Already recorded")
    );
    let forged = app.click(TENANT, &first, "nb1:pc:999999:m", &[]).await;
    assert!(
        reply_text(&forged).contains("doesn't exist"),
        "{}",
        reply_text(&forged)
    );
    app.deliver().await;
    for who in [&first, &second] {
        let points = reply_text(&app.command(who, "points", "").await);
        assert!(points.contains("**10** points"), "{points}");
    }
    let stats = reply_text(&app.command(&lead(), "partner", "stats").await);
    assert!(
        stats.contains("4 members, 3 rounds, 6 groups") && stats.contains("1 met"),
        "{stats}"
    );
}

#[tokio::test]
async fn avoid_lists_pauses_odd_members_and_a_pool_of_one() {
    let app = spawn_app().await;
    let people: Vec<UserRef> = ["U-A", "U-B", "U-C", "U-D", "U-E"]
        .iter()
        .map(|u| user(u))
        .collect();
    pool_with(&app, &people).await;
    let avoid = reply_text(&app.command(&people[0], "partner", "avoid <@U-B>").await);
    assert!(avoid.contains("privately"), "{avoid}");
    for day in [2, 9, 16, 23] {
        let from = tick(&app, utc(2026, 3, day, 8, 0)).await;
        let groups = intros(&app, from);
        let placed: usize = groups.iter().map(|(u, _)| u.len()).sum();
        assert_eq!(placed, 5, "nobody left out: {groups:?}");
        assert!(
            groups.iter().any(|(u, _)| u.len() == 3),
            "an odd member makes a trio"
        );
        for p in pairs_of(&groups) {
            assert_ne!(p, ("U-A".to_string(), "U-B".to_string()), "avoided");
        }
    }
    // Pauses and leaving shrink the pool to one: that one is told, nobody is paired.
    for p in &people[1..4] {
        app.command(p, "partner", "leave").await;
    }
    let paused = reply_text(&app.command(&people[4], "partner", "pause 2w").await);
    assert!(paused.contains("No partner rounds"), "{paused}");
    let from = tick(&app, utc(2026, 3, 30, 8, 0)).await;
    let posted = app.platform.posted_since(from);
    assert!(intros(&app, from).is_empty());
    assert!(posted.iter().any(
        |p| p.destination == Destination::Member { user: "U-A".into() }
            && matches!(&p.message, Message::Text { text } if text.contains("Not enough people"))
    ));
    let elsewhere = reply_text(&app.command(&people[0], "partner", "stats").await);
    assert!(elsewhere.contains("Only team leads"), "{elsewhere}");
}

#[tokio::test]
async fn mentor_mode_pairs_who_needs_help_with_who_mastered_the_course() {
    let app = spawn_app().await;
    let course = app
        .catalog
        .course("security-awareness")
        .expect("course")
        .clone();
    let (mentors, learners) = (["U-M1", "U-M2"], ["U-L1", "U-L2"]);
    for who in mentors {
        for lesson in &course.lesson_ids {
            crate::recognition::take_lesson(&app, &user(who), lesson, true, None).await;
        }
    }
    for who in learners {
        for lesson in &course.lesson_ids[..2] {
            crate::recognition::take_lesson(&app, &user(who), lesson, false, None).await;
        }
    }
    app.deliver().await;
    app.clock.set(utc(2026, 3, 2, 7, 0));
    let created = reply_text(
        &app.command(
            &lead(),
            "partner",
            "create cadence=weekly zone=UTC mentor=security-awareness",
        )
        .await,
    );
    assert!(created.contains("Pool created"), "{created}");
    // Joined in an order that would pair mentors together and learners together by id alone.
    for who in ["U-M1", "U-M2", "U-L1", "U-L2"] {
        app.command(&user(who), "partner", "join").await;
    }
    let from = app.platform.posted().len();
    let held = reply_text(&app.command(&lead(), "partner", "round").await);
    assert!(held.contains("Round held"), "{held}");
    app.deliver().await;
    let groups = intros(&app, from);
    assert_eq!(groups.len(), 2, "{groups:?}");
    for (users, message) in &groups {
        assert!(
            users.iter().any(|u| u.starts_with("U-M")),
            "a mentor in {users:?}"
        );
        assert!(
            users.iter().any(|u| u.starts_with("U-L")),
            "a learner in {users:?}"
        );
        let Message::Text { text } = message else {
            panic!("{message:?}")
        };
        assert!(text.contains("Security awareness"), "{text}");
    }
}

#[tokio::test]
async fn moderators_run_pools_too() {
    let app = spawn_app().await;
    let moderator = UserRef {
        is_moderator: true,
        ..user("U-MOD")
    };
    app.clock.set(utc(2026, 3, 2, 7, 0));
    let created = reply_text(
        &app.command(&moderator, "partner", "create cadence=biweekly")
            .await,
    );
    assert!(created.contains("Pool created"), "{created}");
    let stats = reply_text(&app.command(&moderator, "partner", "stats").await);
    assert!(
        stats.contains("0 members") && stats.contains("biweekly"),
        "{stats}"
    );
    // Moderating pools is not leading the team: campaigns stay with team leads.
    let campaign = reply_text(&app.command(&moderator, "nibble", "campaign list").await);
    assert!(campaign.contains("Only team leads"), "{campaign}");
}
