//! Accountability partners: opt-in pools, pairing rounds and check-ins.

pub(crate) mod click;
pub(crate) mod commands;
pub(crate) mod create;
pub(crate) mod rounds;
