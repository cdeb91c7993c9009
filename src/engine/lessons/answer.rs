//! Grading a quiz button click (verified server-side, first answer counts) and its feedback.

use crate::chat::{Event, Feedback, Message, Reply, Verdict};
use crate::content::{Lesson, Question};
use crate::domain::grading::{decode_choices, encode_choices, grade};
use crate::domain::points::{answer_source, for_answer, lesson_source};
use crate::engine::core::applied::Applied;
use crate::engine::core::errors::EngineError;
use crate::engine::core::state::Core;
use crate::store::{Award, NewAnswer, PromptRow, Store, Tx};
use chrono::{DateTime, Utc};

/// Refuses a click; nothing has been written when this is called.
fn reject(text: &str) -> Result<Applied<Reply>, EngineError> {
    Ok(Applied::new(Reply::Ephemeral(Message::text(text)), false))
}

/// A quiz answer: the prompt must belong to this workspace (or this DM's recipient), the question
/// must be unchanged since it was sent, and the clicker must be its recipient.
pub(crate) async fn answer_quiz(
    core: &Core,
    tx: &mut Tx<'_>,
    event: &Event,
    prompt_id: i64,
    choices: Vec<usize>,
    now: DateTime<Utc>,
) -> Result<Applied<Reply>, EngineError> {
    let platform = event.platform.as_str();
    let prompt = if event.is_dm && event.tenant.is_empty() {
        // A click in a DM without a workspace (Discord): only the quiz's own recipient may answer.
        Store::find_dm_prompt(tx, prompt_id, platform).await?
    } else {
        Store::find_tenant_prompt(tx, prompt_id, platform, &event.tenant).await?
    };
    let Some(prompt) = prompt else {
        tracing::warn!(prompt_id, tenant = %event.tenant, "rejected a click on a question of another tenant or none");
        return reject("That quiz question doesn't exist here.");
    };
    let catalog = core.catalog.current();
    if let Some(diag) = catalog.diagnostic_by_lesson(&prompt.lesson_id) {
        return crate::engine::lessons::diagnostics::answer(
            tx, event, &prompt, diag, &choices, now,
        )
        .await;
    }
    let Some((lesson, question)) = catalog
        .lesson(&prompt.lesson_id)
        .and_then(|l| l.question(&prompt.question_id).map(|q| (l, q)))
    else {
        return reject("This question is no longer part of the lesson.");
    };
    if prompt
        .question_hash
        .as_ref()
        .is_some_and(|h| *h != question.fingerprint())
    {
        return reject(&format!(
            "This question has changed since it was sent. `/learn {}` brings the current version.",
            lesson.id
        ));
    }
    let u = &event.user;
    if prompt.owner.as_ref().is_some_and(|owner| *owner != u.id) {
        tracing::warn!(prompt_id, user = %u.id, "rejected a click on someone else's quiz");
        return reject("This quiz was sent to someone else, so only they can answer it.");
    }
    let Ok(correct) = grade(question, &choices) else {
        return reject("That choice isn't part of this question.");
    };
    // Everything is checked: from here on the click writes.
    let member_id = Store::ensure_member(
        tx,
        prompt.tenant_id,
        &u.id,
        &u.name,
        u.time_zone.as_deref(),
        now,
    )
    .await?;
    // The first answer per member and question counts: a second click, or the platform redelivering
    // the same click, inserts nothing and is answered from the stored first answer below.
    let choice = encode_choices(&choices);
    let inserted = Store::insert_answer(
        tx,
        &NewAnswer {
            tenant_id: prompt.tenant_id,
            member_id,
            lesson_id: &lesson.id,
            question_id: &question.id,
            prompt_id,
            choice: &choice,
            correct,
        },
        now,
    )
    .await?;
    let feedback = if inserted {
        let points = for_answer(&core.rules, correct);
        if points > 0 {
            let reason = if correct.is_some() {
                "correct answer"
            } else {
                "poll answer"
            };
            let source = answer_source(&lesson.id, &question.id);
            let award = Award {
                tenant_id: prompt.tenant_id,
                member_id,
                reason,
                amount: points,
                source: &source,
                channel: channel_of(event, &prompt),
            };
            Store::award_points(tx, &award, now).await?;
        }
        let channel = channel_of(event, &prompt);
        let note = complete_if_done(core, tx, &prompt, member_id, lesson, channel, now).await?;
        let verdict = match correct {
            Some(true) => Verdict::Correct,
            Some(false) => Verdict::Incorrect,
            None => Verdict::Recorded,
        };
        feedback(question, &choices, verdict, points, note)
    } else {
        let first =
            Store::find_answer(tx, prompt.tenant_id, member_id, &lesson.id, &question.id).await?;
        let first = first.map(|a| decode_choices(&a.choice)).unwrap_or(choices);
        feedback(question, &first, Verdict::AlreadyAnswered, 0, None)
    };
    let message = Message::Feedback(feedback);
    // A DM quiz is the member's own: replace it. In a channel others still need the buttons.
    let reply = if prompt.member_id.is_some() {
        Reply::UpdateSource(message)
    } else {
        Reply::Ephemeral(message)
    };
    Ok(Applied::new(reply, false))
}

/// Completes the lesson when every question is answered; returns the note to show.
async fn complete_if_done(
    core: &Core,
    tx: &mut Tx<'_>,
    prompt: &PromptRow,
    member_id: i64,
    lesson: &Lesson,
    channel: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Option<String>, EngineError> {
    let answered = Store::answered_questions(tx, prompt.tenant_id, member_id, &lesson.id).await?;
    if !lesson.questions.iter().all(|q| answered.contains(&q.id)) {
        return Ok(None);
    }
    if !Store::complete_lesson(
        tx,
        prompt.tenant_id,
        member_id,
        &lesson.id,
        &lesson.course_id,
        now,
    )
    .await?
    {
        return Ok(None);
    }
    let points = core.rules.lesson_completed;
    let source = lesson_source(&lesson.id);
    let award = Award {
        tenant_id: prompt.tenant_id,
        member_id,
        reason: "lesson completed",
        amount: points,
        source: &source,
        channel,
    };
    Store::award_points(tx, &award, now).await?;
    Ok(Some(format!(
        "Lesson complete: “{}” (+{points} points). `/learn` brings the next one.",
        lesson.title
    )))
}

pub(crate) fn feedback(
    question: &Question,
    chosen: &[usize],
    verdict: Verdict,
    points: i64,
    note: Option<String>,
) -> Feedback {
    let label = |i: &usize| question.options.get(*i).map(|o| o.text.clone());
    let right: Vec<usize> = if question.kind.has_right_answer() {
        question
            .options
            .iter()
            .enumerate()
            .filter(|(_, o)| o.correct)
            .map(|(i, _)| i)
            .collect()
    } else {
        Vec::new()
    };
    let mut explanations: Vec<String> = Vec::new();
    for i in chosen
        .iter()
        .chain(right.iter().filter(|r| !chosen.contains(r)))
    {
        if let Some(o) = question.options.get(*i)
            && let Some(e) = &o.explain
        {
            explanations.push(format!("**{}**: {e}", o.text));
        }
    }
    explanations.extend(question.explain.clone());
    Feedback {
        prompt: question.prompt.clone(),
        verdict,
        chosen: chosen.iter().filter_map(label).collect(),
        right: right.iter().filter_map(label).collect(),
        explanations,
        points,
        note,
    }
}

/// The channel a channel quiz was answered in (DM quizzes belong to no channel's board).
fn channel_of<'a>(event: &'a Event, prompt: &PromptRow) -> Option<&'a str> {
    (prompt.member_id.is_none() && !event.is_dm).then_some(event.channel.as_str())
}
