//! Points, streaks, badges and leaderboards, folded from answers.

pub(crate) mod board;
pub(crate) mod commands;
pub(crate) mod fold;
