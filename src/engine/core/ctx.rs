//! The handler context: who ran a command, where, against which catalog and settings, at what time,
//! inside which transaction. Every command handler takes one instead of a row of parameters.

use crate::chat::Event;
use crate::content::Catalog;
use crate::engine::core::state::Core;
use crate::store::{MemberRef, Tx};
use chrono::{DateTime, Utc};
use std::sync::Arc;

pub(crate) struct Ctx<'a, 't> {
    /// The store, clock and settings (`core.campaigns`, `core.reviews`, …).
    pub core: &'a Core,
    /// The writer's transaction: everything a handler writes commits (or rolls back) together.
    pub tx: &'a mut Tx<'t>,
    /// The event being handled: platform, workspace, channel and the user with their roles.
    pub event: &'a Event,
    /// The event's workspace and member in the store.
    pub member: MemberRef,
    /// The catalog as it was when the handler started (a reload replaces it whole).
    pub catalog: Arc<Catalog>,
    /// The time the handler runs at (the injected clock's, read once per batch).
    pub now: DateTime<Utc>,
}
