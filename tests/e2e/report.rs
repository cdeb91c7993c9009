//! Learning reports checked against a seeded database: courses, campaigns, item analysis, learners
//! and weeks in every format, the 80-column table, and the team lead's chat summary.

use crate::campaigns::{lead, utc};
use crate::recognition::take_lesson;
use crate::support::{TestApp, reply_text, spawn_app, user};
use nibble::report::{Format, render};
use std::path::Path;

async fn seeded() -> TestApp {
    let app = spawn_app().await;
    app.clock.set(utc(2026, 3, 2, 9, 0)); // ISO week 10
    for lesson in ["spot-phishing", "strong-passphrases"] {
        take_lesson(&app, &user("U-RIGHT"), lesson, true, None).await;
        take_lesson(&app, &user("U-WRONG"), lesson, false, None).await;
    }
    app.clock.set(utc(2026, 3, 9, 9, 0)); // week 11
    take_lesson(&app, &user("U-RIGHT"), "why-feedback-matters", true, None).await;
    app.deliver().await;
    app
}

async fn scalar(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(app.store.pool())
        .await
        .expect(sql)
}

#[tokio::test]
async fn report_numbers_match_the_database_in_every_format() {
    let app = seeded().await;
    let rules = nibble::domain::review::ReviewRules::default();
    let json = render(
        &app.store,
        &app.catalog,
        Some("local:T-ACME"),
        None,
        None,
        Format::Json,
        &rules,
    )
    .await
    .expect("report");
    let reports: serde_json::Value = serde_json::from_str(&json).expect("JSON");
    let r = &reports[0];
    let security = r["courses"]
        .as_array()
        .expect("courses")
        .iter()
        .find(|c| c["course_id"] == "security-awareness")
        .expect("security course");
    assert_eq!(security["enrolled"], 2);
    assert_eq!(security["delivered"], 4);
    let graded = scalar(&app, "SELECT COUNT(*) FROM answers a JOIN lessons l ON l.id = a.lesson_id WHERE l.course_id = 'security-awareness' AND a.correct IS NOT NULL").await;
    let right = scalar(&app, "SELECT COUNT(*) FROM answers a JOIN lessons l ON l.id = a.lesson_id WHERE l.course_id = 'security-awareness' AND a.correct = 1").await;
    let accuracy = security["accuracy"].as_f64().expect("accuracy");
    assert!(
        (accuracy - right as f64 / graded as f64).abs() < 0.001,
        "{accuracy} vs {right}/{graded}"
    );
    // Item analysis: one right and one wrong answer per graded question.
    let q = r["questions"]
        .as_array()
        .expect("questions")
        .iter()
        .find(|q| q["lesson_id"] == "spot-phishing" && q["question_id"] == "bank-details")
        .expect("question");
    assert_eq!(q["answers"], 2);
    assert_eq!(q["share_correct"], 0.5);
    assert_eq!(q["top_wrong_count"], 1);
    assert!(
        q["top_wrong_choice"]
            .as_str()
            .is_some_and(|w| !w.is_empty())
    );
    // Learners: the one who got everything wrong needs help.
    let learners = r["learners"].as_array().expect("learners");
    let wrong = learners
        .iter()
        .find(|l| l["member"] == "U-WRONG")
        .expect("U-WRONG");
    assert_eq!(wrong["accuracy"], 0.0);
    assert_eq!(wrong["needs_help"], true);
    let good = learners
        .iter()
        .find(|l| l["member"] == "U-RIGHT")
        .expect("U-RIGHT");
    assert_eq!(good["lessons_done"], 3);
    assert_eq!(good["last_activity"], "2026-03-09T09:00:00Z");
    // Weeks: 10 and 11.
    let weeks: Vec<&str> = r["weeks"]
        .as_array()
        .expect("weeks")
        .iter()
        .filter_map(|w| w["week"].as_str())
        .collect();
    assert_eq!(weeks, ["2026-W10", "2026-W11"]);
    assert_eq!(r["weeks"][1]["active_learners"], 1);

    // --since leaves out the first week; --course keeps one course.
    let since = nibble::report::parse_since("2026-03-05").expect("date");
    let later = render(
        &app.store,
        &app.catalog,
        None,
        Some("giving-feedback"),
        Some(since),
        Format::Json,
        &rules,
    )
    .await
    .expect("report");
    let later: serde_json::Value = serde_json::from_str(&later).expect("JSON");
    assert_eq!(later[0]["courses"].as_array().map(Vec::len), Some(1));
    assert_eq!(later[0]["weeks"].as_array().map(Vec::len), Some(1));

    // CSV: blocks with a header each, every row as wide as its header.
    let csv = render(
        &app.store,
        &app.catalog,
        None,
        None,
        None,
        Format::Csv,
        &rules,
    )
    .await
    .expect("csv");
    for block in csv.split("\n\n") {
        let mut lines = block.lines();
        let header = lines.next().expect("header").split(',').count();
        assert!(block.starts_with("section,tenant,"), "{block}");
        for line in lines.filter(|l| !l.contains('"')) {
            assert_eq!(line.split(',').count(), header, "{line}");
        }
    }
    // The table fits 80 columns.
    let table = render(
        &app.store,
        &app.catalog,
        None,
        None,
        None,
        Format::Table,
        &rules,
    )
    .await
    .expect("table");
    for line in table.lines() {
        assert!(
            line.chars().count() <= 80,
            "{} chars: {line}",
            line.chars().count()
        );
    }
    assert!(
        render(
            &app.store,
            &app.catalog,
            Some("slack:NOPE"),
            None,
            None,
            Format::Table,
            &rules
        )
        .await
        .is_err()
    );
}

#[tokio::test]
async fn team_leads_get_a_summary_in_chat_and_the_cli_prints_json() {
    let app = seeded().await;
    let refused = reply_text(&app.command(&user("U-RIGHT"), "nibble", "report").await);
    assert!(refused.contains("Only team leads"), "{refused}");
    let summary = reply_text(&app.command(&lead(), "nibble", "report").await);
    assert!(
        summary.contains("Security awareness") && summary.contains("2 enrolled"),
        "{summary}"
    );
    assert!(
        summary.contains("Could use help: Name of U-WRONG"),
        "{summary}"
    );
    assert!(summary.chars().count() < 2000);

    let out = crate::support::cli::nibble_command(Path::new(env!("CARGO_MANIFEST_DIR")))
        .args([
            "report",
            "--database",
            &app.db_path.display().to_string(),
            "--format",
            "json",
        ])
        .output()
        .expect("nibble report");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let parsed: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(parsed[0]["tenant"], "local:T-ACME");
    let bad = crate::support::cli::nibble_command(Path::new(env!("CARGO_MANIFEST_DIR")))
        .args([
            "report",
            "--database",
            &app.db_path.display().to_string(),
            "--since",
            "yesterday",
        ])
        .output()
        .expect("nibble report");
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--since yesterday"));
}
