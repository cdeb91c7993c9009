//! Drip campaigns: team leads schedule a course to a channel or its members on a cron.

pub(crate) mod commands;
pub(crate) mod enrol;
pub(crate) mod lifecycle;
pub(crate) mod manage;
pub(crate) mod plan;
pub(crate) mod tick;
pub(crate) mod views;
