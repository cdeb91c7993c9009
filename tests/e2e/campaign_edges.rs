//! Campaign edge cases found in review: odd input to learner commands, quiet hours in the learner's own
//! zone, lifting a snooze, and a campaign whose course disappears.

use crate::campaigns::{lead, lessons_since, run_until, utc};
use crate::support::{reply_text, spawn_app, user};
use chrono::Duration;
use nibble::chat::UserRef;
use nibble::content::load_catalog;

#[tokio::test]
async fn learner_commands_take_any_text_without_harm() {
    let app = spawn_app().await;
    let learner = user("U-ODD");
    for odd in ["3д", "😴", "", "-1d", "99w", "d"] {
        let r = reply_text(
            &app.command(&learner, "nibble", &format!("snooze {odd}"))
                .await,
        );
        assert!(r.contains("Snooze for how long?"), "{odd}: {r}");
    }
    // The engine is still there.
    assert!(reply_text(&app.command(&learner, "points", "").await).contains("points"));
}

#[tokio::test]
async fn quiet_hours_follow_the_learners_zone_and_lifting_a_snooze_resumes_at_the_next_slot() {
    let app = spawn_app().await;
    app.clock.set(utc(2026, 12, 1, 6, 0));
    let tokyo = UserRef {
        time_zone: Some("Asia/Tokyo".into()),
        ..user("U-TOKYO")
    };
    app.command(&tokyo, "points", "").await;
    // Slots are read in UTC (no learner-time), but 12:00 UTC is 21:00 in Tokyo: inside quiet hours there.
    let r = reply_text(
        &app.command(
            &lead(),
            "nibble",
            "campaign create name=noon course=security-awareness dm members=U-TOKYO cron=\"0 12 * * *\" zone=UTC",
        )
        .await,
    );
    assert!(r.contains("created"), "{r}");
    let sent = run_until(&app, utc(2026, 12, 2, 6, 0), Duration::minutes(30)).await;
    let times: Vec<String> = sent
        .iter()
        .map(|(t, _, _)| t.format("%d %H:%MZ").to_string())
        .collect();
    assert_eq!(times, ["01 23:00Z"], "held until 08:00 in Tokyo");
    // Snoozed for two weeks, then lifted: the next lesson comes at the next slot, not in two weeks.
    app.command(&tokyo, "nibble", "snooze 2w").await;
    let r = reply_text(&app.command(&tokyo, "nibble", "snooze off").await);
    assert!(r.contains("Snooze lifted"), "{r}");
    let sent = run_until(&app, utc(2026, 12, 3, 6, 0), Duration::minutes(30)).await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].2, "strong-passphrases");
}

#[tokio::test]
async fn a_campaign_whose_course_disappears_does_not_hold_up_the_others() {
    let app = spawn_app().await;
    app.clock.set(utc(2026, 12, 1, 10, 0));
    for (name, course, channel) in [
        ("a", "security-awareness", "C-A"),
        ("b", "giving-feedback", "C-B"),
    ] {
        let r = reply_text(&app.command(&lead(), "nibble", &format!(
            "campaign create name={name} course={course} channel={channel} cron=\"0 11 * * *\" zone=UTC")).await);
        assert!(r.contains("created"), "{r}");
    }
    // security-awareness leaves the catalog (say, renamed and reloaded).
    let dir = tempfile::tempdir().expect("tempdir");
    let course = dir.path().join("giving-feedback");
    crate::support::copy_dir(
        &crate::support::lessons_dir().join("giving-feedback"),
        &course,
    );
    app.engine
        .catalog()
        .replace(load_catalog(dir.path()).expect("catalog"));
    let from = app.platform.posted().len();
    app.clock.set(utc(2026, 12, 1, 11, 0));
    let report = app.engine.run_due().await.expect("the tick succeeds");
    app.deliver().await;
    assert_eq!(report.lessons, 1);
    assert_eq!(
        lessons_since(&app, from),
        [("C-B".to_string(), "why-feedback-matters".to_string())]
    );
    let show = reply_text(&app.command(&lead(), "nibble", "campaign show a").await);
    assert!(
        show.contains("Next send: 2026-12-02 11:00 UTC"),
        "it tries again at its next slot: {show}"
    );
}
