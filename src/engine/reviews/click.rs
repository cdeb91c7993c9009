//! A click on a review question: verified like a quiz answer (tenant, owner, choice), graded, and the
//! card rescheduled with FSRS; the first answer per review counts.

use crate::chat::{Event, Message, Reply, Verdict};
use crate::domain::grading::{decode_choices, encode_choices, grade};
use crate::domain::review::{rating, review};
use crate::engine::core::applied::Applied;
use crate::engine::core::errors::EngineError;
use crate::engine::core::state::Core;
use crate::engine::lessons::answer::feedback;
use crate::store::{Award, Store, Tx};
use chrono::{DateTime, Utc};

fn refuse(text: &str) -> Result<Applied<Reply>, EngineError> {
    Ok(Applied::new(Reply::Ephemeral(Message::text(text)), false))
}

pub(crate) async fn apply(
    core: &Core,
    tx: &mut Tx<'_>,
    event: &Event,
    prompt_id: i64,
    choices: &[usize],
    now: DateTime<Utc>,
) -> Result<Applied<Reply>, EngineError> {
    // Discord DMs carry no server: the owner check below is what guards those.
    let Some(prompt) =
        Store::review_prompt(tx, prompt_id, event.platform.as_str(), &event.tenant).await?
    else {
        tracing::warn!(prompt_id, tenant = %event.tenant, "rejected a click on a review of another tenant or none");
        return refuse("That review question doesn't exist here.");
    };
    if prompt.owner != event.user.id {
        tracing::warn!(prompt_id, user = %event.user.id, "rejected a click on someone else's review");
        return refuse("This review was sent to someone else, so only they can answer it.");
    }
    let catalog = core.catalog.current();
    let card = &prompt.card;
    let Some(question) = catalog
        .lesson(&card.lesson_id)
        .and_then(|l| l.question(&card.question_id))
    else {
        return refuse(
            "This question is no longer part of its lesson, so there's nothing to review.",
        );
    };
    if prompt.question_hash != question.fingerprint() {
        return refuse(
            "This question has changed since this review was sent: the next review brings the current version.",
        );
    }
    let Ok(Some(correct)) = grade(question, choices) else {
        return refuse("That choice isn't part of this question.");
    };
    if let Some((first, days)) = &prompt.answered {
        let note = Some(next_note(*days, false));
        let f = feedback(
            question,
            &decode_choices(first),
            Verdict::AlreadyAnswered,
            0,
            note,
        );
        return Ok(Applied::new(
            Reply::UpdateSource(Message::Feedback(f)),
            false,
        ));
    }
    if card.card.last_review > prompt.sent_at || card.retired {
        return refuse(
            "You've reviewed this question since this message was sent: that answer counted.",
        );
    }
    let next = review(&core.reviews, &card.card, rating(correct), now);
    let retired = next.retired(&core.reviews);
    let choice = encode_choices(choices);
    if !Store::answer_review(tx, &prompt, &choice, correct, &next, retired, now).await? {
        return refuse("You've already answered this review.");
    }
    let points = if correct {
        core.rules.review_correct
    } else {
        0
    };
    if points > 0 {
        let source = format!("review:{}", prompt.id);
        let award = Award {
            tenant_id: prompt.tenant_id,
            member_id: card.member_id,
            reason: "review",
            amount: points,
            source: &source,
            channel: None,
        };
        Store::award_points(tx, &award, now).await?;
    }
    let verdict = if correct {
        Verdict::Correct
    } else {
        Verdict::Incorrect
    };
    let note = Some(next_note(next.scheduled_days, retired));
    let f = feedback(question, choices, verdict, points, note);
    Ok(Applied::new(
        Reply::UpdateSource(Message::Feedback(f)),
        false,
    ))
}

/// When the question comes back.
fn next_note(days: i64, retired: bool) -> String {
    match (retired, days) {
        (true, _) => "🎓 You know this one well: no more reviews of it.".into(),
        (false, ..=1) => "🔁 It comes back tomorrow.".into(),
        (false, d) => format!("🔁 Next review in {d} days."),
    }
}
