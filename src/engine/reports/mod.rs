//! The team lead's learning report in chat.

pub(crate) mod command;
