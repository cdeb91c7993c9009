//! How many points each learning action earns, and the ledger source keys that make awards unique.

use serde::Deserialize;

/// Amounts from the `[points]` config section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PointsRules {
    /// A correct answer to a quiz question.
    pub correct_answer: i64,
    /// Answering a poll (participation).
    pub poll_answer: i64,
    /// Answering every question of a lesson.
    pub lesson_completed: i64,
    /// Completing every lesson of a course.
    pub course_completed: i64,
    /// Reaching a streak milestone (`recognition.streak_milestones`).
    pub streak_milestone: i64,
    /// A right answer in a spaced-repetition review.
    pub review_correct: i64,
    /// Meeting an accountability partner (each member of the group).
    pub partner_meeting: i64,
}

impl Default for PointsRules {
    fn default() -> Self {
        Self {
            correct_answer: 5,
            poll_answer: 2,
            lesson_completed: 10,
            course_completed: 25,
            streak_milestone: 15,
            review_correct: 2,
            partner_meeting: 10,
        }
    }
}

/// Points for one first answer.
pub fn for_answer(rules: &PointsRules, correct: Option<bool>) -> i64 {
    match correct {
        Some(true) => rules.correct_answer,
        Some(false) => 0,
        None => rules.poll_answer,
    }
}

/// The ledger's uniqueness key for an answer: one award per member, lesson and question.
pub fn answer_source(lesson_id: &str, question_id: &str) -> String {
    format!("answer:{lesson_id}:{question_id}")
}

pub fn lesson_source(lesson_id: &str) -> String {
    format!("lesson:{lesson_id}")
}

pub fn course_source(course_id: &str) -> String {
    format!("course:{course_id}")
}

/// A streak milestone counts once per streak: keyed by its length and the day it was reached.
pub fn streak_source(days: u32, day: &str) -> String {
    format!("streak:{days}:{day}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrong_answers_earn_nothing_and_polls_earn_participation() {
        let r = PointsRules::default();
        assert_eq!(for_answer(&r, Some(true)), 5);
        assert_eq!(for_answer(&r, Some(false)), 0);
        assert_eq!(for_answer(&r, None), 2);
        assert_ne!(answer_source("a", "b"), lesson_source("a"));
    }
}
