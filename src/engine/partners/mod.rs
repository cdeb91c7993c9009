//! Accountability partners: opt-in pools, pairing rounds and check-ins.

pub(crate) mod commands;
pub(crate) mod rounds;
