//! Lessons on demand: `/learn`, search, progress, diagnostics and quiz answers.

pub(crate) mod answer;
pub(crate) mod commands;
pub(crate) mod diagnostics;
pub(crate) mod learn;
