//! `/nibble report [course]` for team leads: the learning report's summary in one message (well
//! under every platform's limit); `nibble report` has the full tables.

use crate::chat::Reply;
use crate::engine::core::applied::Applied;
use crate::engine::core::ctx::Ctx;
use crate::engine::core::errors::EngineError;
use crate::engine::core::reply::say;
use crate::report::{Filter, build};

fn pct(x: Option<f64>) -> String {
    x.map_or("-".into(), |v| format!("{:.0}%", v * 100.0))
}

/// At most this many characters per line, and this many courses.
const LINE: usize = 220;
const COURSES: usize = 8;

fn fit(text: String) -> String {
    crate::report::fit(&text, LINE)
}

/// The report for one course or all (the caller has checked that a team lead asked).
pub(crate) async fn report(
    ctx: &mut Ctx<'_, '_>,
    course: Option<String>,
) -> Result<Applied<Reply>, EngineError> {
    let catalog = ctx.catalog.clone();
    if let Some(course) = course.as_deref().filter(|c| catalog.course(c).is_none()) {
        let ids: Vec<&str> = catalog.courses().iter().map(|c| c.id.as_str()).collect();
        return say(format!(
            "There's no course `{course}`. Courses: {}.",
            ids.join(", ")
        ));
    }
    let filter = Filter {
        tenant_id: ctx.member.tenant_id,
        tenant: ctx.event.tenant.clone(),
        course,
        since: None,
    };
    let r = build(ctx.tx, &catalog, &filter, &ctx.core.reviews, ctx.now).await?;
    let mut lines =
        vec!["📊 **Learning report** (all time; `nibble report` has every table)".to_string()];
    for c in r.courses.iter().take(COURSES) {
        let hardest = r
            .questions
            .iter()
            .filter(|q| q.course_id == c.course_id && q.share_correct.is_some() && q.answers >= 3)
            .min_by(|a, b| {
                a.share_correct
                    .partial_cmp(&b.share_correct)
                    .unwrap_or(std::cmp::Ordering::Equal)
            });
        let mut line = format!(
            "• **{}**: {} enrolled, {} completed ({}), {} right",
            c.title,
            c.enrolled,
            c.completed,
            pct(Some(c.completion_rate)),
            pct(c.accuracy)
        );
        if let Some(q) = hardest {
            line.push_str(&format!(
                "; hardest: “{}” ({} right",
                q.prompt,
                pct(q.share_correct)
            ));
            if let Some(w) = &q.top_wrong_choice {
                line.push_str(&format!(", most chose “{w}”"));
            }
            line.push(')');
        }
        lines.push(fit(line));
    }
    if r.courses.is_empty() {
        lines.push("No lessons delivered yet.".into());
    }
    let help: Vec<String> = r
        .learners
        .iter()
        .filter(|l| l.needs_help)
        .take(10)
        .map(|l| format!("{} ({})", l.name, pct(l.accuracy)))
        .collect();
    if !help.is_empty() {
        lines.push(fit(format!("Could use help: {}", help.join(", "))));
    }
    if let Some(w) = r.weeks.last() {
        lines.push(format!(
            "Week {}: {} active learners, {} answers, {} lessons completed.",
            w.week, w.active_learners, w.answers, w.lessons_completed
        ));
    }
    say(lines.join("\n"))
}
