//! The report's community sections: discussion threads with their participation, and the lesson
//! topics members suggested (for the people who write lessons).

use super::model::Report;
use super::render::{WIDTH, fit};
use crate::store::{Conn, ReportScope, Store, StoreError};
use serde::Serialize;
use std::fmt::Write;

/// A thread's row: the store's read model as it is.
pub type ThreadLine = crate::store::ThreadActivity;

#[derive(Debug, Clone, Serialize)]
pub struct SuggestionLine {
    pub topic: String,
    pub votes: i64,
}

/// Threads in the scope (only the course's when one is chosen) and every suggestion, most votes first.
pub(super) async fn community(
    conn: &mut Conn,
    scope: &ReportScope,
    course: Option<&str>,
) -> Result<(Vec<ThreadLine>, Vec<SuggestionLine>), StoreError> {
    let threads = Store::thread_activity(conn, scope)
        .await?
        .into_iter()
        .filter(|t| course.is_none() || t.course_id.as_deref() == course)
        .collect();
    let suggestions = Store::suggestions(conn, scope.tenant_id, 1000)
        .await?
        .into_iter()
        .map(|s| SuggestionLine {
            topic: s.topic,
            votes: s.votes,
        })
        .collect();
    Ok((threads, suggestions))
}

/// The table's community sections (80 columns).
pub(super) fn table(o: &mut String, r: &Report) {
    let _ = writeln!(
        o,
        "\nCommunity threads\n{:>4} {:<8} {:<34} {:<6} {:>7} {:>7} {:>8}",
        "id", "kind", "title", "state", "replies", "members", "featured"
    );
    for t in &r.threads {
        let _ = writeln!(
            o,
            "{:>4} {:<8} {:<34} {:<6} {:>7} {:>7} {:>8}",
            t.id,
            t.kind,
            fit(&t.title, 34),
            t.state,
            t.replies,
            t.members,
            t.featured
        );
    }
    let _ = writeln!(o, "\nLesson topics suggested\n{:>5}  topic", "votes");
    for s in &r.suggestions {
        let _ = writeln!(o, "{:>5}  {}", s.votes, fit(&s.topic, WIDTH - 7));
    }
}

pub(super) const THREAD_COLUMNS: &[&str] = &[
    "thread_id",
    "kind",
    "title",
    "channel",
    "course_id",
    "state",
    "created_at",
    "replies",
    "members",
    "featured",
];

pub(super) const SUGGESTION_COLUMNS: &[&str] = &["topic", "votes"];

/// CSV rows (tenant first) of the threads and suggestions sections.
pub(super) fn csv_rows(r: &Report) -> (Vec<Vec<String>>, Vec<Vec<String>>) {
    let t = &r.tenant;
    let threads = r
        .threads
        .iter()
        .map(|l| {
            vec![
                t.clone(),
                l.id.to_string(),
                l.kind.to_string(),
                l.title.clone(),
                l.channel.clone(),
                l.course_id.clone().unwrap_or_default(),
                l.state.to_string(),
                l.created_at.to_string(),
                l.replies.to_string(),
                l.members.to_string(),
                l.featured.to_string(),
            ]
        })
        .collect();
    let suggestions = r
        .suggestions
        .iter()
        .map(|s| vec![t.clone(), s.topic.clone(), s.votes.to_string()])
        .collect();
    (threads, suggestions)
}
