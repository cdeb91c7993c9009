//! The writer's work besides events: lesson pushes and scheduler ticks, and what each did.

use crate::chat::Platform;
use crate::engine::core::deliver::Recipient;

/// Which lesson a push sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LessonChoice {
    Id(String),
    /// The first lesson of this course the recipient has not been sent or completed.
    NextIn(String),
}

/// A lesson pushed to a recipient (the demo's daily drip, and campaigns later).
#[derive(Debug, Clone)]
pub struct PushLesson {
    pub platform: Platform,
    pub tenant: String,
    pub recipient: Recipient,
    pub lesson: LessonChoice,
    /// What sent it, e.g. "demo" or "campaign:3"; one delivery per origin, lesson and recipient.
    pub origin: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushOutcome {
    /// Queued as this many messages.
    Queued { delivery_id: i64, messages: usize },
    /// This origin had already delivered the lesson to this recipient.
    AlreadyDelivered,
    /// The recipient has had every lesson of the course.
    CourseFinished,
}

/// What one tick did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TickReport {
    pub lessons: usize,
    /// Missed slots dropped by a `skip` policy.
    pub skipped: usize,
    /// Slots held by a learner's pause or snooze, or moved out of quiet hours.
    pub held: usize,
    /// Recipients who had every lesson.
    pub finished: usize,
    pub reminders: usize,
    /// Daily review DMs queued.
    pub reviews: usize,
    /// Partner rounds held, and rounds whose check-in went out.
    pub partner_rounds: usize,
    pub check_ins: usize,
    /// Community threads opened by prompt and check-in schedules, and digests posted.
    pub threads: usize,
    pub digests: usize,
    /// More recipients were due than one tick takes: tick again.
    pub more: bool,
}

impl TickReport {
    pub fn add(&mut self, o: &TickReport) {
        self.lessons += o.lessons;
        self.skipped += o.skipped;
        self.held += o.held;
        self.finished += o.finished;
        self.reminders += o.reminders;
        self.reviews += o.reviews;
        self.partner_rounds += o.partner_rounds;
        self.check_ins += o.check_ins;
        self.threads += o.threads;
        self.digests += o.digests;
    }
}
