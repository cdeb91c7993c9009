//! Communities of practice: discussion threads, prompts, stories, questions, suggestions and digests.

pub(crate) mod commands;
pub(crate) mod discussions;
pub(crate) mod moderation;
pub(crate) mod posts;
pub(crate) mod schedule;
pub(crate) mod tick;
