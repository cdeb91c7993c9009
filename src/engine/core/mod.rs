//! The shared core every feature builds on: members, replies, text helpers, delivery and mentions.

pub(crate) mod applied;
pub(crate) mod ctx;
pub(crate) mod deliver;
pub(crate) mod errors;
pub(crate) mod members;
pub(crate) mod mentions;
pub(crate) mod reply;
pub(crate) mod roster;
pub(crate) mod state;
pub(crate) mod tenant_rules;
pub(crate) mod text;
pub(crate) mod threads;
pub(crate) mod work;
