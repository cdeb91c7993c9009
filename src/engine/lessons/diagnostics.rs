//! Diagnostic quizzes (`/learn diagnose <course>`): answers are kept apart from lesson answers (no
//! points, no accuracy), and once all are in, lessons whose questions were all right are skipped by
//! campaigns and `/learn`. Team leads' `/nibble needs-help <course>` lists learners who struggle.

use crate::chat::{Event, Message, Reply, Verdict};
use crate::content::{Catalog, Diagnostic};
use crate::domain::grading::{decode_choices, encode_choices, grade};
use crate::engine::core::applied::Applied;
use crate::engine::core::ctx::Ctx;
use crate::engine::core::deliver::{Delivery, Recipient, deliver};
use crate::engine::core::errors::EngineError;
use crate::engine::core::reply::{say, say_queued};
use crate::engine::lessons::answer::feedback;
use crate::store::{DiagnosticAnswer, MemberRef, PromptRow, Store, Tx};
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// Sends a course's diagnostic quiz by DM.
pub(crate) async fn start(
    tx: &mut Tx<'_>,
    catalog: &Catalog,
    event: &Event,
    member: &MemberRef,
    course_id: &str,
    now: DateTime<Utc>,
) -> Result<Applied<Reply>, EngineError> {
    let Some(course) = catalog.course(course_id) else {
        let ids: Vec<&str> = catalog.courses().iter().map(|c| c.id.as_str()).collect();
        return say(format!(
            "There's no course `{course_id}`. Courses: {}. Use `/learn diagnose <course>`.",
            ids.join(", ")
        ));
    };
    let Some(diag) = catalog.diagnostic(&course.id) else {
        return say(format!(
            "“{}” has no diagnostic quiz: `/learn {}` starts it from the first lesson.",
            course.title, course.id
        ));
    };
    let answered =
        Store::diagnostic_answers(tx, member.tenant_id, member.member_id, &course.id).await?;
    if answered.len() >= diag.lesson.questions.len() {
        let skipped =
            Store::skipped_lessons(tx, member.tenant_id, member.member_id, &course.id).await?;
        return say(format!(
            "You've taken the “{}” diagnostic already: {} lesson{} skipped. `/learn {}` sends your next one.",
            course.title,
            skipped.len(),
            if skipped.len() == 1 { "" } else { "s" },
            course.id
        ));
    }
    deliver(
        tx,
        &Delivery {
            tenant_id: member.tenant_id,
            lesson: &diag.lesson,
            course_title: &course.title,
            recipient: &Recipient::Member(event.user.clone()),
            member_id: Some(member.member_id),
            origin: "diagnostic",
            resend: true,
        },
        now,
    )
    .await?;
    say_queued(format!(
        "📋 I've sent you the “{}” diagnostic by DM: {} questions. Lessons you already master will be skipped.",
        course.title,
        diag.lesson.questions.len()
    ))
}

/// A click on a diagnostic question.
pub(crate) async fn answer(
    tx: &mut Tx<'_>,
    event: &Event,
    prompt: &PromptRow,
    diag: &Diagnostic,
    choices: &[usize],
    now: DateTime<Utc>,
) -> Result<Applied<Reply>, EngineError> {
    let refuse = |t: &str| say(t.to_string());
    if prompt.owner.as_ref().is_some_and(|o| *o != event.user.id) {
        return refuse("This quiz was sent to someone else, so only they can answer it.");
    }
    let Some(question) = diag.lesson.question(&prompt.question_id) else {
        return refuse("This question is no longer part of the diagnostic.");
    };
    if prompt
        .question_hash
        .as_ref()
        .is_some_and(|h| *h != question.fingerprint())
    {
        return refuse(
            "This question has changed since it was sent: `/learn diagnose` sends the current version.",
        );
    }
    let Ok(Some(correct)) = grade(question, choices) else {
        return refuse("That choice isn't part of this question.");
    };
    let Some(member_id) = prompt.member_id else {
        return refuse("That quiz question doesn't exist here.");
    };
    let choice = encode_choices(choices);
    let inserted = Store::insert_diagnostic_answer(
        tx,
        &DiagnosticAnswer {
            tenant_id: prompt.tenant_id,
            member_id,
            course_id: &diag.course_id,
            question_id: &question.id,
            prompt_id: prompt.id,
            choice: &choice,
            correct,
        },
        now,
    )
    .await?;
    let all = Store::diagnostic_answers(tx, prompt.tenant_id, member_id, &diag.course_id).await?;
    if !inserted {
        let first = all
            .iter()
            .find(|(q, _, _)| *q == question.id)
            .map_or(choices.to_vec(), |(_, c, _)| decode_choices(c));
        let f = feedback(question, &first, Verdict::AlreadyAnswered, 0, None);
        return Ok(Applied::new(
            Reply::UpdateSource(Message::Feedback(f)),
            false,
        ));
    }
    let note = if all.len() >= diag.lesson.questions.len() {
        Some(finish(tx, prompt.tenant_id, member_id, diag, &all, now).await?)
    } else {
        None
    };
    let verdict = if correct {
        Verdict::Correct
    } else {
        Verdict::Incorrect
    };
    let f = feedback(question, choices, verdict, 0, note);
    Ok(Applied::new(
        Reply::UpdateSource(Message::Feedback(f)),
        false,
    ))
}

/// Skips every lesson whose diagnostic questions were all answered right; returns the summary.
async fn finish(
    tx: &mut Tx<'_>,
    tenant_id: i64,
    member_id: i64,
    diag: &Diagnostic,
    answers: &[(String, String, bool)],
    now: DateTime<Utc>,
) -> Result<String, EngineError> {
    let mut mastered: HashMap<&str, bool> = HashMap::new();
    for (question, _, correct) in answers {
        if let Some(lesson) = diag.covers.get(question) {
            let e = mastered.entry(lesson.as_str()).or_insert(true);
            *e &= *correct;
        }
    }
    let mut skip: Vec<String> = mastered
        .into_iter()
        .filter(|(_, all_right)| *all_right)
        .map(|(l, _)| l.to_string())
        .collect();
    skip.sort();
    Store::skip_lessons(tx, tenant_id, member_id, &diag.course_id, &skip, now).await?;
    Ok(if skip.is_empty() {
        "Diagnostic done: every lesson has something new for you, so none is skipped.".into()
    } else {
        format!(
            "Diagnostic done: you already master {} lesson{} ({}), so campaigns and `/learn` skip {}.",
            skip.len(),
            if skip.len() == 1 { "" } else { "s" },
            skip.join(", "),
            if skip.len() == 1 { "it" } else { "them" }
        )
    })
}

/// `/nibble needs-help <course>` (team leads): learners whose accuracy on the course is below the
/// threshold, lowest first.
pub(crate) async fn needs_help(
    ctx: &mut Ctx<'_, '_>,
    course_id: &str,
) -> Result<Applied<Reply>, EngineError> {
    let (core, catalog) = (ctx.core, ctx.catalog.clone());
    let Some(course) = catalog.course(course_id.trim()) else {
        let ids: Vec<&str> = catalog.courses().iter().map(|c| c.id.as_str()).collect();
        return say(format!(
            "Which course? `/nibble needs-help <course>`, one of: {}.",
            ids.join(", ")
        ));
    };
    let rows = Store::course_accuracy(ctx.tx, ctx.member.tenant_id, &course.lesson_ids).await?;
    let r = &core.reviews;
    let struggling: Vec<_> = rows
        .iter()
        .filter(|a| {
            a.graded >= r.needs_help_min_answers && a.correct * 100 < r.needs_help_below * a.graded
        })
        .collect();
    if struggling.is_empty() {
        return say(format!(
            "Nobody needs help with “{}”: no learner with {}+ answers is below {}% right.",
            course.title, r.needs_help_min_answers, r.needs_help_below
        ));
    }
    let mut lines = vec![format!(
        "**Learners below {}% on “{}”** (lowest first, {}+ answers):",
        r.needs_help_below, course.title, r.needs_help_min_answers
    )];
    // 25 lines stay well inside every platform's message limit.
    for a in struggling.iter().take(25) {
        lines.push(format!(
            "• {} {}%: {} of {} right",
            a.name,
            a.correct * 100 / a.graded,
            a.correct,
            a.graded
        ));
    }
    if struggling.len() > 25 {
        lines.push(format!(
            "…and {} more (`nibble report` lists everyone).",
            struggling.len() - 25
        ));
    }
    say(lines.join("\n"))
}
