//! The report as an 80-column table, as CSV (one block per section, each with its header row and
//! the section name in the first column, blocks separated by a blank line) or as JSON.

use super::model::Report;
use std::fmt::Write;

pub const WIDTH: usize = 80;

/// Cuts to `max` characters with "…".
pub(crate) fn fit(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}

fn pct(x: Option<f64>) -> String {
    x.map_or("-".into(), |v| format!("{:.0}%", v * 100.0))
}

pub fn table(reports: &[Report]) -> String {
    let mut o = String::new();
    if reports.is_empty() {
        o.push_str("No teams yet.\n");
    }
    for r in reports {
        let since = r
            .since
            .as_deref()
            .map_or(String::new(), |s| format!(" since {s}"));
        let _ = writeln!(
            o,
            "{}",
            fit(
                &format!(
                    "Report for {}{since} (generated {})",
                    r.tenant, r.generated_at
                ),
                WIDTH
            )
        );
        let _ = writeln!(
            o,
            "\nCourses\n{:<30} {:>7} {:>8} {:>9} {:>9} {:>5} {:>5}",
            "course", "lessons", "enrolled", "delivered", "completed", "rate", "right"
        );
        for c in &r.courses {
            let _ = writeln!(
                o,
                "{:<30} {:>7} {:>8} {:>9} {:>9} {:>5} {:>5}",
                fit(&c.course_id, 30),
                c.lessons,
                c.enrolled,
                c.delivered,
                c.completed,
                pct(Some(c.completion_rate)),
                pct(c.accuracy)
            );
        }
        let _ = writeln!(
            o,
            "\nCampaigns\n{:>4} {:<20} {:<20} {:>10} {:>4} {:>4} {:>4} {:>5}",
            "id", "name", "course", "recipients", "sent", "done", "rate", "right"
        );
        for c in &r.campaigns {
            let _ = writeln!(
                o,
                "{:>4} {:<20} {:<20} {:>10} {:>4} {:>4} {:>4} {:>5}",
                c.campaign_id,
                fit(&c.name, 20),
                fit(&c.course_id, 20),
                c.recipients,
                c.lessons_sent,
                c.completed,
                pct(Some(c.completion_rate)),
                pct(c.accuracy)
            );
        }
        let _ = writeln!(
            o,
            "\nQuestions (item analysis)\n{:<36} {:>7} {:>5}  most chosen wrong answer",
            "lesson/question", "answers", "right"
        );
        for q in &r.questions {
            let wrong = q
                .top_wrong_choice
                .as_deref()
                .map_or("-".into(), |w| format!("{} ({})", w, q.top_wrong_count));
            let _ = writeln!(
                o,
                "{:<36} {:>7} {:>5}  {}",
                fit(&format!("{}/{}", q.lesson_id, q.question_id), 36),
                q.answers,
                pct(q.share_correct),
                fit(&wrong, 27)
            );
        }
        let _ = writeln!(
            o,
            "\nLearners\n{:<20} {:>7} {:>7} {:>5} {:>6} {:>6} {:<10} {:>4}",
            "learner", "lessons", "answers", "right", "streak", "points", "last", "help"
        );
        for l in &r.learners {
            let last = l
                .last_activity
                .as_deref()
                .map_or("-", |t| t.get(..10).unwrap_or(t));
            let _ = writeln!(
                o,
                "{:<20} {:>7} {:>7} {:>5} {:>6} {:>6} {:<10} {:>4}",
                fit(&l.name, 20),
                l.lessons_done,
                l.answers,
                pct(l.accuracy),
                l.streak,
                l.points,
                last,
                if l.needs_help { "yes" } else { "" }
            );
        }
        let _ = writeln!(
            o,
            "\nEngagement by ISO week\n{:<10} {:>15} {:>8} {:>17}",
            "week", "active learners", "answers", "lessons completed"
        );
        for w in &r.weeks {
            let _ = writeln!(
                o,
                "{:<10} {:>15} {:>8} {:>17}",
                w.week, w.active_learners, w.answers, w.lessons_completed
            );
        }
        super::community::table(&mut o, r);
        o.push('\n');
    }
    o
}

fn opt(x: Option<f64>) -> String {
    x.map_or(String::new(), |v| v.to_string())
}

/// A CSV section: its name, columns and rows.
type Block<'a> = (&'a str, Vec<&'a str>, Vec<Vec<String>>);

/// One CSV block per section; every row starts with the section and the tenant. Fields are quoted
/// only when they must be (a comma, a quote or a line break in them).
pub fn csv(reports: &[Report]) -> Result<String, csv::Error> {
    let mut blocks: Vec<Block> = vec![
        (
            "courses",
            vec![
                "course_id",
                "title",
                "lessons",
                "enrolled",
                "delivered",
                "answered",
                "completed",
                "completion_rate",
                "accuracy",
            ],
            vec![],
        ),
        (
            "campaigns",
            vec![
                "campaign_id",
                "name",
                "course_id",
                "state",
                "recipients",
                "lessons_sent",
                "answered",
                "completed",
                "completion_rate",
                "accuracy",
            ],
            vec![],
        ),
        (
            "questions",
            vec![
                "course_id",
                "lesson_id",
                "question_id",
                "prompt",
                "answers",
                "share_correct",
                "top_wrong_choice",
                "top_wrong_count",
            ],
            vec![],
        ),
        (
            "learners",
            vec![
                "member",
                "name",
                "lessons_done",
                "answers",
                "accuracy",
                "streak",
                "points",
                "last_activity",
                "needs_help",
            ],
            vec![],
        ),
        (
            "weeks",
            vec!["week", "active_learners", "answers", "lessons_completed"],
            vec![],
        ),
        ("threads", super::community::THREAD_COLUMNS.to_vec(), vec![]),
        (
            "suggestions",
            super::community::SUGGESTION_COLUMNS.to_vec(),
            vec![],
        ),
    ];
    for r in reports {
        let t = r.tenant.clone();
        for c in &r.courses {
            blocks[0].2.push(vec![
                t.clone(),
                c.course_id.clone(),
                c.title.clone(),
                c.lessons.to_string(),
                c.enrolled.to_string(),
                c.delivered.to_string(),
                c.answered.to_string(),
                c.completed.to_string(),
                c.completion_rate.to_string(),
                opt(c.accuracy),
            ]);
        }
        for c in &r.campaigns {
            blocks[1].2.push(vec![
                t.clone(),
                c.campaign_id.to_string(),
                c.name.clone(),
                c.course_id.clone(),
                c.state.clone(),
                c.recipients.to_string(),
                c.lessons_sent.to_string(),
                c.answered.to_string(),
                c.completed.to_string(),
                c.completion_rate.to_string(),
                opt(c.accuracy),
            ]);
        }
        for q in &r.questions {
            blocks[2].2.push(vec![
                t.clone(),
                q.course_id.clone(),
                q.lesson_id.clone(),
                q.question_id.clone(),
                q.prompt.clone(),
                q.answers.to_string(),
                opt(q.share_correct),
                q.top_wrong_choice.clone().unwrap_or_default(),
                q.top_wrong_count.to_string(),
            ]);
        }
        for l in &r.learners {
            blocks[3].2.push(vec![
                t.clone(),
                l.member.clone(),
                l.name.clone(),
                l.lessons_done.to_string(),
                l.answers.to_string(),
                opt(l.accuracy),
                l.streak.to_string(),
                l.points.to_string(),
                l.last_activity.clone().unwrap_or_default(),
                l.needs_help.to_string(),
            ]);
        }
        for w in &r.weeks {
            blocks[4].2.push(vec![
                t.clone(),
                w.week.clone(),
                w.active_learners.to_string(),
                w.answers.to_string(),
                w.lessons_completed.to_string(),
            ]);
        }
        let (threads, suggestions) = super::community::csv_rows(r);
        blocks[5].2.extend(threads);
        blocks[6].2.extend(suggestions);
    }
    let mut out = String::new();
    for (i, (section, columns, rows)) in blocks.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&csv_block(section, columns, rows)?);
    }
    Ok(out)
}

/// One section as CSV: its header row, then its rows, each led by the section's name.
fn csv_block(section: &str, columns: &[&str], rows: &[Vec<String>]) -> Result<String, csv::Error> {
    let mut block = csv::Writer::from_writer(Vec::new());
    block.write_record(["section", "tenant"].iter().chain(columns))?;
    for row in rows {
        block.write_record(std::iter::once(section).chain(row.iter().map(String::as_str)))?;
    }
    let bytes = block
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))?;
    // Every field came in as UTF-8 and the writer adds only ASCII.
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

pub fn json(reports: &[Report]) -> String {
    serde_json::to_string_pretty(reports).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
        + "\n"
}
