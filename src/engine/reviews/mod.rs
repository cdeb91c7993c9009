//! Spaced repetition: due reviews, their answers and the learner settings that hold them.

pub(crate) mod click;
pub(crate) mod commands;
pub(crate) mod schedule;
