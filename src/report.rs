//! `nibble report`: every team's learners with lessons completed, answers, accuracy and points.

use crate::store::{Store, StoreError};
use std::fmt::Write;

pub async fn render(store: &Store) -> Result<String, StoreError> {
    let mut out = String::new();
    let tenants = store.tenants().await?;
    if tenants.is_empty() {
        out.push_str("No teams yet.\n");
    }
    for (id, platform, external) in tenants {
        let _ = writeln!(out, "{platform} team {external}");
        let _ = writeln!(
            out,
            "  {:<24} {:>7} {:>7} {:>9} {:>6}",
            "learner", "lessons", "answers", "accuracy", "points"
        );
        for p in store.tenant_progress(id).await? {
            let accuracy = if p.graded > 0 {
                format!("{}%", p.correct * 100 / p.graded)
            } else {
                "-".into()
            };
            let _ = writeln!(
                out,
                "  {:<24} {:>7} {:>7} {:>9} {:>6}",
                p.display_name, p.lessons_completed, p.answers, accuracy, p.points
            );
        }
    }
    Ok(out)
}
