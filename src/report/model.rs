//! The learning report's content: per course, campaign, question (item analysis), learner and ISO
//! week, built from the store's read models and the lesson catalog. Field names are the stable
//! column names of the CSV and JSON formats.

use crate::content::Catalog;
use crate::domain::grading::decode_choices;
use crate::domain::review::ReviewRules;
use crate::domain::streaks::{StreakRules, current_streak};
use crate::store::{Conn, ReportScope, Store, StoreError, Timestamp};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashSet};

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub tenant: String,
    pub generated_at: String,
    pub since: Option<String>,
    pub course: Option<String>,
    pub courses: Vec<CourseLine>,
    pub campaigns: Vec<CampaignLine>,
    pub questions: Vec<QuestionLine>,
    pub learners: Vec<LearnerLine>,
    pub weeks: Vec<WeekLine>,
    pub threads: Vec<super::community::ThreadLine>,
    pub suggestions: Vec<super::community::SuggestionLine>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CourseLine {
    pub course_id: String,
    pub title: String,
    pub lessons: usize,
    pub enrolled: i64,
    pub delivered: i64,
    pub answered: i64,
    pub completed: i64,
    pub completion_rate: f64,
    pub accuracy: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CampaignLine {
    pub campaign_id: i64,
    pub name: String,
    pub course_id: String,
    pub state: String,
    pub recipients: i64,
    pub lessons_sent: i64,
    pub answered: i64,
    pub completed: i64,
    pub completion_rate: f64,
    pub accuracy: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct QuestionLine {
    pub course_id: String,
    pub lesson_id: String,
    pub question_id: String,
    pub prompt: String,
    pub answers: i64,
    pub share_correct: Option<f64>,
    pub top_wrong_choice: Option<String>,
    pub top_wrong_count: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct LearnerLine {
    pub member: String,
    pub name: String,
    pub lessons_done: i64,
    pub answers: i64,
    pub accuracy: Option<f64>,
    pub streak: u32,
    pub points: i64,
    pub last_activity: Option<String>,
    pub needs_help: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct WeekLine {
    pub week: String,
    pub active_learners: usize,
    pub answers: usize,
    pub lessons_completed: usize,
}

/// What to report on.
#[derive(Debug, Clone)]
pub struct Filter {
    pub tenant_id: i64,
    pub tenant: String,
    pub course: Option<String>,
    pub since: Option<DateTime<Utc>>,
}

fn ratio(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 / whole as f64 * 1000.0).round() / 1000.0)
}

fn iso(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

pub async fn build(
    conn: &mut Conn,
    catalog: &Catalog,
    f: &Filter,
    rules: &ReviewRules,
    now: DateTime<Utc>,
) -> Result<Report, StoreError> {
    let scope = ReportScope {
        tenant_id: f.tenant_id,
        since: f.since.map(Timestamp),
    };
    let wanted = |course: &str| f.course.as_deref().is_none_or(|c| c == course);

    let completions = Store::completions_in(conn, &scope).await?;
    let mut courses = Vec::new();
    for a in Store::course_activity(conn, &scope).await? {
        if !wanted(&a.course_id) {
            continue;
        }
        // Without the lesson files (run elsewhere) the course is still reported, by id.
        let course = catalog.course(&a.course_id);
        let lessons = course.map_or(0, |c| c.lesson_ids.len());
        let completed = completions
            .iter()
            .filter(|(c, _, n)| *c == a.course_id && lessons > 0 && *n as usize >= lessons)
            .count() as i64;
        courses.push(CourseLine {
            course_id: a.course_id.clone(),
            title: course.map_or(a.course_id.clone(), |c| c.title.clone()),
            lessons,
            enrolled: a.enrolled,
            delivered: a.delivered,
            answered: a.answered,
            completed,
            completion_rate: ratio(completed, a.enrolled).unwrap_or(0.0),
            accuracy: ratio(a.correct, a.graded),
        });
    }

    let by_origin = Store::answers_by_origin(conn, &scope).await?;
    let mut campaigns = Vec::new();
    for c in Store::campaigns(conn, f.tenant_id).await? {
        if !wanted(&c.course_id) {
            continue;
        }
        let s = Store::campaign_stats(conn, c.id).await?;
        let origin = format!("campaign:{}", c.id);
        let (answered, graded, right) = by_origin
            .iter()
            .find(|(o, ..)| *o == origin)
            .map_or((0, 0, 0), |(_, a, g, r)| (*a, *g, *r));
        campaigns.push(CampaignLine {
            campaign_id: c.id.0,
            name: c.name,
            course_id: c.course_id,
            state: c.state.as_str().to_string(),
            recipients: s.recipients,
            lessons_sent: s.lessons_sent,
            answered,
            completed: s.done,
            completion_rate: ratio(s.done, s.recipients).unwrap_or(0.0),
            accuracy: ratio(right, graded),
        });
    }

    let questions = item_analysis(catalog, &Store::choice_counts(conn, &scope).await?, &wanted);

    let today = now.date_naive();
    let mut learners = Vec::new();
    let rows = Store::learner_rows(conn, &scope).await?;
    let ids: Vec<i64> = rows.iter().map(|l| l.member_id).collect();
    let since = (today - chrono::Duration::days(400)).to_string();
    let all_days = Store::learning_days_of(conn, f.tenant_id, &ids, &since).await?;
    for l in rows {
        let days: BTreeSet<NaiveDate> = all_days
            .get(&l.member_id)
            .into_iter()
            .flatten()
            .filter_map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
            .collect();
        let accuracy = ratio(l.correct, l.graded);
        learners.push(LearnerLine {
            member: l.external_id,
            name: l.name,
            lessons_done: l.lessons_done,
            answers: l.answers,
            accuracy,
            streak: current_streak(&days, today, &StreakRules::default(), &[]),
            points: l.points,
            last_activity: l.last_activity.map(|t| iso(t.0)),
            needs_help: l.graded >= rules.needs_help_min_answers
                && l.correct * 100 < rules.needs_help_below * l.graded,
        });
    }

    let weeks = engagement(
        &Store::answer_times(conn, &scope).await?,
        &Store::completion_times(conn, &scope).await?,
    );
    let (threads, suggestions) =
        super::community::community(conn, &scope, f.course.as_deref()).await?;
    Ok(Report {
        tenant: f.tenant.clone(),
        generated_at: iso(now),
        since: f.since.map(iso),
        course: f.course.clone(),
        courses,
        campaigns,
        questions,
        learners,
        weeks,
        threads,
        suggestions,
    })
}

/// Per question: answers, share right, and the wrong choice picked most (to fix bad questions).
fn item_analysis(
    catalog: &Catalog,
    counts: &[crate::store::ChoiceCount],
    wanted: &dyn Fn(&str) -> bool,
) -> Vec<QuestionLine> {
    let mut by_question: BTreeMap<(String, String), Vec<&crate::store::ChoiceCount>> =
        BTreeMap::new();
    for c in counts {
        by_question
            .entry((c.lesson_id.clone(), c.question_id.clone()))
            .or_default()
            .push(c);
    }
    let mut out = Vec::new();
    for ((lesson_id, question_id), rows) in by_question {
        let lesson = catalog.lesson(&lesson_id);
        let course_id = lesson.map_or(String::new(), |l| l.course_id.clone());
        if !wanted(&course_id) {
            continue;
        }
        let question = lesson.and_then(|l| l.question(&question_id));
        let answers: i64 = rows.iter().map(|r| r.n).sum();
        let graded: i64 = rows
            .iter()
            .filter(|r| r.correct.is_some())
            .map(|r| r.n)
            .sum();
        let right: i64 = rows
            .iter()
            .filter(|r| r.correct == Some(true))
            .map(|r| r.n)
            .sum();
        let wrong = rows
            .iter()
            .filter(|r| r.correct == Some(false))
            .max_by_key(|r| r.n);
        let label = |choice: &str| {
            let picked = decode_choices(choice);
            let labels: Vec<String> = picked
                .iter()
                .filter_map(|i| {
                    question
                        .and_then(|q| q.options.get(*i))
                        .map(|o| o.text.clone())
                })
                .collect();
            if labels.is_empty() {
                choice.to_string()
            } else {
                labels.join(" + ")
            }
        };
        out.push(QuestionLine {
            course_id,
            lesson_id,
            question_id,
            prompt: question.map(|q| q.prompt.clone()).unwrap_or_default(),
            answers,
            share_correct: ratio(right, graded),
            top_wrong_choice: wrong.map(|w| label(&w.choice)),
            top_wrong_count: wrong.map_or(0, |w| w.n),
        });
    }
    out
}

/// Answers, active learners and completed lessons per ISO week (UTC).
fn engagement(answers: &[(i64, Timestamp)], completions: &[Timestamp]) -> Vec<WeekLine> {
    let week = |t: &Timestamp| {
        let w = t.0.iso_week();
        format!("{}-W{:02}", w.year(), w.week())
    };
    let mut weeks: BTreeMap<String, (HashSet<i64>, usize, usize)> = BTreeMap::new();
    for (member, at) in answers {
        let e = weeks.entry(week(at)).or_default();
        e.0.insert(*member);
        e.1 += 1;
    }
    for at in completions {
        weeks.entry(week(at)).or_default().2 += 1;
    }
    weeks
        .into_iter()
        .map(|(week, (active, answers, lessons))| WeekLine {
            week,
            active_learners: active.len(),
            answers,
            lessons_completed: lessons,
        })
        .collect()
}
