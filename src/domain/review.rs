//! Spaced repetition: every graded question a learner answered is a review card, scheduled with FSRS
//! (the `rs-fsrs` crate's long-term scheduler: whole days, no fuzz, so schedules are reproducible).

use chrono::{DateTime, Utc};
use rs_fsrs::{Card, FSRS, Parameters, Rating, State};
use serde::Deserialize;

/// The `[reviews]` settings: how reviews are scheduled and delivered.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReviewRules {
    /// Answered questions become review cards and come back in a daily DM.
    pub enabled: bool,
    /// The daily review DM's local time for learners who did not choose one (`/nibble review-time`).
    pub time: String,
    /// At most this many reviews a day per learner.
    pub per_day: i64,
    /// `/nibble needs-help` lists learners whose accuracy on a course is below this percentage…
    pub needs_help_below: i64,
    /// …over at least this many answers.
    pub needs_help_min_answers: i64,
    /// Probability of recall FSRS aims for when a card comes back (0.7 to 0.99).
    pub desired_retention: f64,
    /// A card whose stability passes this many days is retired: no more reviews.
    pub retire_after_days: f64,
    /// The longest gap between two reviews, in days.
    pub maximum_interval_days: i32,
    /// FSRS weights (19 numbers); the published defaults when empty.
    pub weights: Vec<f64>,
}

impl Default for ReviewRules {
    fn default() -> Self {
        Self {
            enabled: true,
            time: "09:00".into(),
            per_day: 3,
            needs_help_below: 60,
            needs_help_min_answers: 3,
            desired_retention: 0.9,
            retire_after_days: 180.0,
            maximum_interval_days: 365,
            weights: Vec::new(),
        }
    }
}

impl ReviewRules {
    /// Why these settings cannot be used, if they cannot.
    pub fn problem(&self) -> Option<String> {
        if parse_review_time(&self.time).is_none() {
            return Some("time must be HH:MM (24-hour), e.g. \"09:00\"".into());
        }
        if !(1..=50).contains(&self.per_day) {
            return Some("per_day must be between 1 and 50".into());
        }
        if !(1..=100).contains(&self.needs_help_below) {
            return Some("needs_help_below must be a percentage between 1 and 100".into());
        }
        if !(1..=1000).contains(&self.needs_help_min_answers) {
            return Some("needs_help_min_answers must be between 1 and 1000".into());
        }
        if !(0.7..=0.99).contains(&self.desired_retention) {
            return Some("desired_retention must be between 0.7 and 0.99".into());
        }
        if !(1.0..=36_500.0).contains(&self.retire_after_days) {
            return Some("retire_after_days must be between 1 and 36500".into());
        }
        if !(1..=36_500).contains(&self.maximum_interval_days) {
            return Some("maximum_interval_days must be between 1 and 36500".into());
        }
        if !self.weights.is_empty()
            && (self.weights.len() != 19 || self.weights.iter().any(|w| !w.is_finite()))
        {
            return Some("weights must be empty (the defaults) or 19 finite numbers".into());
        }
        None
    }

    fn fsrs(&self) -> FSRS {
        let mut p = Parameters {
            request_retention: self.desired_retention,
            maximum_interval: self.maximum_interval_days,
            enable_short_term: false,
            enable_fuzz: false,
            ..Parameters::default()
        };
        if let Ok(w) = <[f64; 19]>::try_from(self.weights.as_slice()) {
            p.w = w;
        }
        FSRS::new(p)
    }
}

/// A card's memory state as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct CardState {
    /// 0 new, 1 learning, 2 review, 3 relearning (FSRS's states).
    pub state: i64,
    pub stability: f64,
    pub difficulty: f64,
    pub elapsed_days: i64,
    pub scheduled_days: i64,
    pub reps: i64,
    pub lapses: i64,
    pub due: DateTime<Utc>,
    pub last_review: DateTime<Utc>,
}

impl CardState {
    /// A card that was never reviewed.
    pub fn new(at: DateTime<Utc>) -> Self {
        Self {
            state: 0,
            stability: 0.0,
            difficulty: 0.0,
            elapsed_days: 0,
            scheduled_days: 0,
            reps: 0,
            lapses: 0,
            due: at,
            last_review: at,
        }
    }

    /// Known well enough to stop reviewing.
    pub fn retired(&self, rules: &ReviewRules) -> bool {
        self.stability >= rules.retire_after_days
    }

    fn to_fsrs(&self) -> Card {
        Card {
            due: self.due,
            stability: self.stability,
            difficulty: self.difficulty,
            elapsed_days: self.elapsed_days,
            scheduled_days: self.scheduled_days,
            reps: self.reps as i32,
            lapses: self.lapses as i32,
            state: match self.state {
                1 => State::Learning,
                2 => State::Review,
                3 => State::Relearning,
                _ => State::New,
            },
            last_review: self.last_review,
        }
    }

    fn from_fsrs(c: &Card) -> Self {
        Self {
            state: c.state as i64,
            stability: c.stability,
            difficulty: c.difficulty,
            elapsed_days: c.elapsed_days,
            scheduled_days: c.scheduled_days,
            reps: i64::from(c.reps),
            lapses: i64::from(c.lapses),
            due: c.due,
            last_review: c.last_review,
        }
    }
}

/// A review time of day, `HH:MM` (24-hour).
pub fn parse_review_time(text: &str) -> Option<chrono::NaiveTime> {
    let (h, m) = text.trim().split_once(':')?;
    if h.len() > 2 || m.len() != 2 {
        return None;
    }
    chrono::NaiveTime::from_hms_opt(h.parse().ok()?, m.parse().ok()?, 0)
}

/// How a quiz answer rates recall: right is "good", wrong is "again" (relearn soon).
pub fn rating(correct: bool) -> Rating {
    if correct { Rating::Good } else { Rating::Again }
}

/// The card after a review at `at` with the given rating.
pub fn review(
    rules: &ReviewRules,
    card: &CardState,
    rating: Rating,
    at: DateTime<Utc>,
) -> CardState {
    let next = rules.fsrs().next(card.to_fsrs(), at, rating);
    let mut card = CardState::from_fsrs(&next.card);
    // The scheduler keeps "good" a day beyond "hard", which can step past the cap.
    let cap = i64::from(rules.maximum_interval_days);
    if card.scheduled_days > cap {
        card.scheduled_days = cap;
        card.due = at + chrono::Duration::days(cap);
    }
    card
}

#[cfg(test)]
#[path = "review_tests.rs"]
mod tests;
