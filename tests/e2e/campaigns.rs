//! Drip campaigns through the engine with the manual clock and real SQLite: schedules across DST and
//! zones, learners' holds, quiet hours, catch-up after downtime, permissions and bad input.

use crate::support::{TENANT, TestApp, reply_text, spawn_app, user};
use chrono::{DateTime, Duration, TimeZone, Utc};
use nibble::chat::{Destination, EventKind, Message, UserRef};
use nibble::engine::{CatalogHandle, Engine, EngineSettings};

pub fn lead() -> UserRef {
    UserRef {
        is_lead: true,
        is_moderator: false,
        ..user("U-LEAD")
    }
}

pub fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

/// Lesson first parts posted since `from`, as (destination, lesson id).
pub fn lessons_since(app: &TestApp, from: usize) -> Vec<(String, String)> {
    app.platform
        .posted_since(from)
        .into_iter()
        .filter_map(|p| match (&p.message, &p.destination) {
            (Message::Lesson(l), d) if l.part == 1 => Some((dest(d), l.lesson_id.clone())),
            _ => None,
        })
        .collect()
}

fn dest(d: &Destination) -> String {
    match d {
        Destination::Channel { channel } => channel.clone(),
        Destination::Member { user } => user.clone(),
        Destination::Thread { .. } => "thread".into(),
        Destination::Group { users } => users.join(","),
    }
}

/// Moves the clock in steps to `until`, firing due slots and sending at each; returns the lessons sent
/// with the UTC time they went out.
pub async fn run_until(
    app: &TestApp,
    until: DateTime<Utc>,
    step: Duration,
) -> Vec<(DateTime<Utc>, String, String)> {
    let mut out = Vec::new();
    while app.clock_now() < until {
        app.clock.advance(step);
        let from = app.platform.posted().len();
        app.engine.run_due().await.expect("tick");
        app.deliver().await;
        for (to, lesson) in lessons_since(app, from) {
            out.push((app.clock_now(), to, lesson));
        }
    }
    out
}

trait Now {
    fn clock_now(&self) -> DateTime<Utc>;
}
impl Now for TestApp {
    fn clock_now(&self) -> DateTime<Utc> {
        use nibble::clock::Clock;
        self.clock.now()
    }
}

#[tokio::test]
async fn a_week_of_weekday_mornings_across_the_autumn_dst_change() {
    let app = spawn_app().await;
    app.clock.set(utc(2026, 10, 21, 12, 0));
    let reply = reply_text(
        &app.command(
            &lead(),
            "nibble",
            "campaign create course=security-awareness channel=<#C-DRIP|drip> cron=\"0 9 * * Mon-Fri\" zone=Europe/Berlin",
        )
        .await,
    );
    assert!(reply.contains("Campaign #1"), "{reply}");
    // The preview shows local times on both sides of the change.
    assert!(reply.contains("Thu 22 Oct 2026 09:00 CEST"), "{reply}");
    assert!(reply.contains("Mon 26 Oct 2026 09:00 CET"), "{reply}");
    let sent = run_until(&app, utc(2026, 10, 28, 23, 0), Duration::minutes(30)).await;
    let times: Vec<String> = sent
        .iter()
        .map(|(t, _, _)| t.format("%a %d %H:%MZ").to_string())
        .collect();
    assert_eq!(
        times,
        [
            "Thu 22 07:00Z",
            "Fri 23 07:00Z",
            "Mon 26 08:00Z",
            "Tue 27 08:00Z",
            "Wed 28 08:00Z"
        ]
    );
    let lessons: Vec<&str> = sent.iter().map(|(_, _, l)| l.as_str()).collect();
    assert_eq!(
        lessons,
        [
            "spot-phishing",
            "strong-passphrases",
            "turn-on-mfa",
            "handle-sensitive-data",
            "phone-and-chat-scams",
        ]
    );
    assert!(sent.iter().all(|(_, to, _)| to == "C-DRIP"));
}

#[tokio::test]
async fn dm_learners_get_lessons_at_their_own_morning_with_quiet_hours_snooze_and_pause() {
    let app = spawn_app().await;
    app.clock.set(utc(2026, 12, 1, 11, 0));
    let tokyo = UserRef {
        time_zone: Some("Asia/Tokyo".into()),
        ..user("U-TOKYO")
    };
    let ny = UserRef {
        time_zone: Some("America/New_York".into()),
        ..user("U-NY")
    };
    for u in [&tokyo, &ny] {
        app.command(u, "points", "").await; // the platform told us their zones
    }
    // 07:00 is inside the default quiet hours (20:00-08:00): each DM waits for 08:00 local.
    let reply = reply_text(&app.command(&lead(), "nibble",
        "campaign create name=mornings course=giving-feedback dm members=<@U-TOKYO>,<@U-NY> learner-time cron=\"0 7 * * *\" zone=UTC").await);
    assert!(reply.contains("by DM to 2 member(s)"), "{reply}");
    let sent = run_until(&app, utc(2026, 12, 2, 23, 0), Duration::minutes(15)).await;
    let got: Vec<(String, String)> = sent
        .iter()
        .map(|(t, to, _)| (to.clone(), t.format("%d %H:%MZ").to_string()))
        .collect();
    // Tokyo 08:00 = 23:00Z the day before; New York 08:00 = 13:00Z.
    assert_eq!(
        got,
        [
            ("U-NY".to_string(), "01 13:00Z".to_string()),
            ("U-TOKYO".to_string(), "01 23:00Z".to_string()),
            ("U-NY".to_string(), "02 13:00Z".to_string()),
            ("U-TOKYO".to_string(), "02 23:00Z".to_string()),
        ]
    );
    // New York snoozes for 3 days, Tokyo pauses.
    assert!(reply_text(&app.command(&ny, "nibble", "snooze 3d").await).contains("Snoozed"));
    assert!(reply_text(&app.command(&tokyo, "nibble", "pause").await).contains("Paused"));
    let sent = run_until(&app, utc(2026, 12, 5, 12, 0), Duration::minutes(30)).await;
    assert!(sent.is_empty(), "nothing while snoozed or paused: {sent:?}");
    app.command(&tokyo, "nibble", "resume").await;
    let sent = run_until(&app, utc(2026, 12, 6, 23, 30), Duration::minutes(30)).await;
    let got: Vec<(String, String)> = sent
        .iter()
        .map(|(_, to, l)| (to.clone(), l.clone()))
        .collect();
    // One lesson per slot after the holds: no backlog of the missed days.
    assert_eq!(
        got,
        [
            ("U-TOKYO".to_string(), "specific-praise".to_string()),
            ("U-NY".to_string(), "specific-praise".to_string()),
            ("U-TOKYO".to_string(), "constructive-feedback".to_string()),
        ]
    );
}

async fn restart(app: &TestApp) -> Engine {
    Engine::start(
        app.store.clone(),
        CatalogHandle::new(app.catalog.clone()),
        app.clock.clone(),
        EngineSettings::default(),
        app.dispatcher.waker(),
    )
}

#[tokio::test]
async fn after_downtime_once_sends_one_catch_up_and_skip_waits_for_the_next_slot() {
    let app = spawn_app().await;
    app.clock.set(utc(2026, 12, 1, 10, 0));
    for (name, channel, policy) in [
        ("catch-once", "C-ONCE", "once"),
        ("catch-skip", "C-SKIP", "skip"),
    ] {
        let r = reply_text(&app.command(&lead(), "nibble", &format!(
            "campaign create name={name} course=security-awareness channel={channel} cron=\"0 9 * * *\" zone=UTC catch-up={policy}")).await);
        assert!(r.contains("created"), "{r}");
    }
    // The daemon is down for three slots (2, 3 and 4 December, 09:00) and restarts at 15:00 on the 4th.
    app.clock.set(utc(2026, 12, 4, 15, 0));
    let engine = restart(&app).await;
    let from = app.platform.posted().len();
    engine.run_due().await.expect("tick");
    app.deliver().await;
    assert_eq!(
        lessons_since(&app, from),
        [("C-ONCE".to_string(), "spot-phishing".to_string())],
        "one catch-up send for `once`, none for `skip`, never a burst"
    );
    assert_eq!(
        engine.run_due().await.expect("tick").lessons,
        0,
        "the catch-up is sent once"
    );
    // Both continue at the next slot.
    app.clock.set(utc(2026, 12, 5, 9, 0));
    let from = app.platform.posted().len();
    engine.run_due().await.expect("tick");
    app.deliver().await;
    assert_eq!(
        lessons_since(&app, from),
        [
            ("C-ONCE".to_string(), "strong-passphrases".to_string()),
            ("C-SKIP".to_string(), "spot-phishing".to_string()),
        ]
    );
}

#[tokio::test]
async fn only_team_leads_can_create_or_change_campaigns() {
    let app = spawn_app().await;
    let learner = user("U-LEARNER");
    let create = "campaign create course=security-awareness channel=C1 cron=\"0 9 * * *\" zone=UTC";
    let r = reply_text(&app.command(&learner, "nibble", create).await);
    assert!(r.contains("Only team leads"), "{r}");
    assert!(
        reply_text(&app.command(&lead(), "nibble", "campaign list").await)
            .contains("No campaigns yet")
    );
    assert!(reply_text(&app.command(&lead(), "nibble", create).await).contains("created"));
    for verb in ["pause 1", "stop 1", "send-next 1", "show 1", "list"] {
        let r = reply_text(
            &app.command(&learner, "nibble", &format!("campaign {verb}"))
                .await,
        );
        assert!(r.contains("Only team leads"), "{verb}: {r}");
    }
    assert!(
        reply_text(&app.command(&learner, "nibble", "quiet-hours off").await)
            .contains("Only team leads")
    );
    assert!(
        reply_text(&app.command(&lead(), "nibble", "campaign show 1").await).contains("(active)")
    );
}

#[tokio::test]
async fn bad_campaign_input_gets_a_reason_and_writes_nothing() {
    let app = spawn_app().await;
    let cases = [
        (
            "course=security-awareness channel=C1 cron=\"0 9 * *\" zone=UTC",
            "has 4",
        ),
        (
            "course=security-awareness channel=C1 cron=\"0 9 * * Mon-Fry\" zone=UTC",
            "field 5 (day of week)",
        ),
        (
            "course=security-awareness channel=C1 cron=\"0 9 * * *\" zone=Europe/Atlantis",
            "`Europe/Atlantis` is not an IANA time zone",
        ),
        (
            "course=knitting channel=C1 cron=\"0 9 * * *\" zone=UTC",
            "There is no course `knitting`",
        ),
        (
            "course=security-awareness channel=C1 cron=\"0 9 * * *\" zone=UTC start=2027-03-01 end=2027-02-01",
            "end date 2027-02-01 is before the start date 2027-03-01",
        ),
    ];
    for (args, expected) in cases {
        let r = reply_text(
            &app.command(&lead(), "nibble", &format!("campaign create {args}"))
                .await,
        );
        assert!(
            r.contains("Campaign not created") && r.contains(expected),
            "{args}: {r}"
        );
    }
    assert!(
        reply_text(&app.command(&lead(), "nibble", "campaign list").await)
            .contains("No campaigns yet")
    );
}

#[tokio::test]
async fn joiners_start_at_lesson_one_send_next_is_immediate_and_pulled_lessons_are_not_resent() {
    let app = spawn_app().await;
    app.clock.set(utc(2026, 12, 1, 10, 0));
    let r = reply_text(&app.command(&lead(), "nibble",
        "campaign create name=onboarding course=security-awareness dm channel=<#C-ONBOARD> cron=\"0 9 * * *\" zone=UTC").await);
    assert!(r.contains("plus everyone who joins <#C-ONBOARD>"), "{r}");
    let newbie = user("U-NEW");
    let mut join = app.event(TENANT, &newbie, EventKind::MemberJoined);
    join.channel = "C-ONBOARD".into();
    app.engine.handle(join).await.expect("join");
    let sent = run_until(&app, utc(2026, 12, 2, 9, 0), Duration::hours(1)).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(
        (sent[0].1.as_str(), sent[0].2.as_str()),
        ("U-NEW", "spot-phishing")
    );
    // The learner pulls lesson 2 early; the campaign's next send is lesson 3.
    app.command(&newbie, "learn", "security-awareness").await;
    app.deliver().await;
    let r = reply_text(
        &app.command(&lead(), "nibble", "campaign send-next onboarding")
            .await,
    );
    assert!(r.contains("to 1 recipient"), "{r}");
    let from = app.platform.posted().len();
    app.engine.run_due().await.expect("tick");
    app.deliver().await;
    let got = lessons_since(&app, from);
    assert_eq!(got, [("U-NEW".to_string(), "turn-on-mfa".to_string())]);
    let show = reply_text(&app.command(&lead(), "nibble", "campaign show 1").await);
    assert!(
        show.contains("Recipients: 1") && show.contains("lessons sent: 2"),
        "{show}"
    );
}

#[tokio::test]
async fn due_dates_remind_unfinished_learners_and_show_who_is_overdue() {
    let app = spawn_app().await;
    app.clock.set(utc(2026, 12, 1, 10, 0));
    let r = reply_text(&app.command(&lead(), "nibble",
        "campaign create name=compliance course=security-awareness dm members=U-SLOW cron=\"0 9 * * Mon\" zone=UTC due=2026-12-10").await);
    assert!(r.contains("created"), "{r}");
    let reminders = |app: &TestApp, from: usize| -> Vec<String> {
        app.platform
            .posted_since(from)
            .into_iter()
            .filter_map(|p| match p.message {
                Message::Text { text } if text.contains("⏰") => Some(text),
                _ => None,
            })
            .collect()
    };
    let from = app.platform.posted().len();
    run_until(&app, utc(2026, 12, 12, 12, 0), Duration::hours(1)).await;
    let sent = reminders(&app, from);
    // From 3 days before the due date, every 2 days, at 08:00 at the earliest (quiet hours).
    assert_eq!(sent.len(), 3, "{sent:?}");
    assert!(sent[0].contains("is due on 2026-12-10"), "{}", sent[0]);
    assert!(sent[2].contains("was due on 2026-12-10"), "{}", sent[2]);
    let show = reply_text(
        &app.command(&lead(), "nibble", "campaign show compliance")
            .await,
    );
    assert!(
        show.contains("Overdue (not finished by 2026-12-10): 1: <@U-SLOW> (0/6)"),
        "{show}"
    );
}
