//! Delivering a lesson: the delivery row, its quiz prompts and its outbox messages, in one transaction.

use crate::chat::{
    Choice, Destination, LessonPart, Message, QuestionCard, UserRef, encode_answer, multi_action_id,
};
use crate::content::{Lesson, QuestionKind, split_into_parts};
use crate::engine::core::applied::Applied;
use crate::engine::core::errors::EngineError;
use crate::engine::core::state::Core;
use crate::engine::core::work::LessonChoice;
use crate::engine::core::work::PushLesson;
use crate::engine::core::work::PushOutcome;
use crate::store::{NewDelivery, RecipientKind, Store, StoreError, ThreadKind, Tx};
use chrono::{DateTime, Utc};

/// Who receives a lesson.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recipient {
    /// A member, by DM: their own quiz, only they may answer it.
    Member(UserRef),
    /// A channel: everyone there may answer.
    Channel(String),
}

pub(crate) async fn apply_push(
    core: &Core,
    tx: &mut Tx<'_>,
    push: &PushLesson,
    now: DateTime<Utc>,
) -> Result<Applied<PushOutcome>, EngineError> {
    let catalog = core.catalog.current();
    let tenant_id = Store::ensure_tenant(tx, push.platform.as_str(), &push.tenant, now).await?;
    let member_id = match &push.recipient {
        Recipient::Member(u) => Some(
            Store::ensure_member(tx, tenant_id, &u.id, &u.name, u.time_zone.as_deref(), now)
                .await?,
        ),
        Recipient::Channel(_) => None,
    };
    let lesson = match &push.lesson {
        LessonChoice::Id(id) => catalog
            .lesson(id)
            .ok_or_else(|| EngineError::UnknownLesson(id.clone()))?,
        LessonChoice::NextIn(course_id) => {
            let course = catalog
                .course(course_id)
                .ok_or_else(|| EngineError::UnknownCourse(course_id.clone()))?;
            let seen = match (&push.recipient, member_id) {
                (_, Some(member_id)) => Store::lessons_seen_by(tx, tenant_id, member_id).await?,
                (Recipient::Channel(c), None) => {
                    Store::lessons_sent_to_channel(tx, tenant_id, c).await?
                }
                (Recipient::Member(_), None) => Vec::new(),
            };
            // The next lesson in the course's order; one listed but not loaded right now (a file
            // being replaced) is waited for, never skipped: skipping could finish the course early.
            match course.lesson_ids.iter().find(|id| !seen.contains(id)) {
                Some(id) => catalog
                    .lesson(id)
                    .ok_or_else(|| EngineError::UnknownLesson(id.clone()))?,
                None => return Ok(Applied::new(PushOutcome::CourseFinished, false)),
            }
        }
    };
    let course_title = catalog
        .course(&lesson.course_id)
        .map(|c| c.title.clone())
        .unwrap_or_default();
    let delivered = deliver(
        tx,
        &Delivery {
            tenant_id,
            lesson,
            course_title: &course_title,
            recipient: &push.recipient,
            member_id,
            origin: &push.origin,
            resend: false,
        },
        now,
    )
    .await?;
    Ok(match delivered {
        Some((delivery_id, messages)) => Applied::new(
            PushOutcome::Queued {
                delivery_id,
                messages,
            },
            true,
        ),
        None => Applied::new(PushOutcome::AlreadyDelivered, false),
    })
}

pub(crate) struct Delivery<'a> {
    pub tenant_id: i64,
    pub lesson: &'a Lesson,
    pub course_title: &'a str,
    pub recipient: &'a Recipient,
    pub member_id: Option<i64>,
    pub origin: &'a str,
    /// Queue the messages again even if this delivery exists (a learner asking to reread).
    pub resend: bool,
}

/// Writes the delivery, its prompts and its messages; None when it existed and `resend` is false.
pub(crate) async fn deliver(
    tx: &mut Tx<'_>,
    d: &Delivery<'_>,
    now: DateTime<Utc>,
) -> Result<Option<(i64, usize)>, StoreError> {
    let (kind, recipient, destination) = match d.recipient {
        Recipient::Member(u) => (
            RecipientKind::Member,
            u.id.clone(),
            Destination::Member { user: u.id.clone() },
        ),
        Recipient::Channel(c) => (
            RecipientKind::Channel,
            c.clone(),
            Destination::Channel { channel: c.clone() },
        ),
    };
    let lesson = d.lesson;
    let (delivery_id, created) = Store::create_delivery(
        tx,
        &NewDelivery {
            tenant_id: d.tenant_id,
            origin: d.origin,
            lesson_id: &lesson.id,
            recipient_kind: kind,
            recipient: &recipient,
            member_id: d.member_id,
            content_hash: &lesson.content_hash,
        },
        now,
    )
    .await?;
    if !created && !d.resend {
        return Ok(None);
    }
    // A resend gets fresh outbox keys; the first send's keys are the delivery's own.
    let key_base = if created {
        format!("d{delivery_id}")
    } else {
        // Millisecond and a per-process counter: two rereads in the same millisecond stay distinct.
        static RESENDS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = RESENDS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        format!("d{delivery_id}:r{}-{n}", now.timestamp_millis())
    };
    let mut messages = lesson_messages(lesson, d.course_title);
    for (i, q) in lesson.questions.iter().enumerate() {
        let prompt_id = Store::ensure_prompt(
            tx,
            d.tenant_id,
            delivery_id,
            &lesson.id,
            &q.id,
            d.member_id,
            &q.fingerprint(),
        )
        .await?;
        let multi = q.kind == QuestionKind::Multiple;
        messages.push(Message::Question(QuestionCard {
            lesson_title: lesson.title.clone(),
            label: format!("Question {} of {}", i + 1, lesson.questions.len()),
            prompt: q.prompt.clone(),
            multi,
            choices: q
                .options
                .iter()
                .enumerate()
                .map(|(n, o)| Choice {
                    label: o.text.clone(),
                    payload: if multi {
                        n.to_string()
                    } else {
                        encode_answer(prompt_id, n)
                    },
                })
                .collect(),
            submit_action: multi.then(|| multi_action_id(prompt_id)),
        }));
    }
    for (n, message) in messages.iter().enumerate() {
        let key = format!("{key_base}:m{n}");
        let payload = serde_json::to_string(message)
            .map_err(|e| StoreError::Invalid(format!("message: {e}")))?;
        let to = serde_json::to_string(&destination)
            .map_err(|e| StoreError::Invalid(format!("destination: {e}")))?;
        Store::enqueue(tx, d.tenant_id, &key, &to, &payload, Some(delivery_id), now).await?;
    }
    let mut count = messages.len();
    // In a channel, a lesson's discussion prompt follows it as a "discuss this" thread.
    if let (Recipient::Channel(channel), Some(prompt), true) =
        (d.recipient, &lesson.discuss, created)
    {
        let reflect = if lesson.reflection {
            "\nReply in the thread with your reflection: it completes the lesson for you."
        } else {
            "\nReply in the thread 🧵"
        };
        let opening = crate::engine::core::threads::Opening {
            tenant_id: d.tenant_id,
            kind: ThreadKind::Lesson,
            channel,
            title: prompt,
            text: format!("💬 **Discuss “{}”:** {prompt}{reflect}", lesson.title),
            author_id: None,
            course_id: Some(&lesson.course_id),
            lesson_id: Some(&lesson.id),
            reflection: lesson.reflection,
            key: format!("{key_base}:discuss"),
        };
        crate::engine::core::threads::open(tx, &opening, now).await?;
        count += 1;
    }
    Ok(Some((delivery_id, count)))
}

/// Writes one outbox row; false when a row with this key was already queued.
pub(crate) async fn queue(
    tx: &mut Tx<'_>,
    tenant_id: i64,
    key: &str,
    destination: &Destination,
    message: &Message,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let destination = serde_json::to_string(destination)
        .map_err(|e| StoreError::Invalid(format!("destination: {e}")))?;
    let payload =
        serde_json::to_string(message).map_err(|e| StoreError::Invalid(format!("message: {e}")))?;
    Store::enqueue(tx, tenant_id, key, &destination, &payload, None, now).await
}

/// The lesson body as message-sized parts.
fn lesson_messages(lesson: &Lesson, course_title: &str) -> Vec<Message> {
    // The catalog only holds lessons that passed the split check; fall back to one part regardless.
    let parts = split_into_parts(&lesson.blocks).unwrap_or_else(|_| vec![lesson.blocks.clone()]);
    let total = parts.len() as u32;
    parts
        .into_iter()
        .enumerate()
        .map(|(i, blocks)| {
            Message::Lesson(LessonPart {
                lesson_id: lesson.id.clone(),
                course_title: course_title.to_string(),
                title: lesson.title.clone(),
                objective: lesson.objective.clone(),
                minutes: lesson.minutes,
                part: i as u32 + 1,
                parts: total,
                blocks,
            })
        })
        .collect()
}
