//! The neutral incoming event model: what an adapter hands the engine, and the engine's direct reply.

use super::{Message, Platform};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRef {
    /// The member's id on the platform.
    pub id: String,
    /// Empty when the platform could not say in time (a lookup still running): the stored name is
    /// kept, and a new member is named by their id until the platform answers.
    pub name: String,
    /// IANA zone when the platform knows it.
    pub time_zone: Option<String>,
    /// Holds the team-lead role (decided by the adapter from platform roles and config).
    pub is_lead: bool,
    /// Holds a community-moderator role (config: Slack `moderators`, Discord `moderator_roles`).
    pub is_moderator: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventKind {
    /// A slash command: `name` without the slash, `args` as typed.
    Command {
        name: String,
        args: String,
    },
    /// A command built from typed values (Discord's slash-command options, the CLI, a form): the
    /// same value chat text parses to, or why the values do not make one.
    Invoked(Result<crate::command::Command, crate::command::UsageError>),
    /// A button click or a submitted selection: the opaque payload and any selected values.
    Button {
        payload: String,
        values: Vec<String>,
    },
    /// A message in a channel, a DM, or a thread (`thread` = the thread's key: Slack the parent's
    /// ts, Discord the thread channel's id). `id` is the platform's id for the message.
    Message {
        id: String,
        text: String,
        thread: Option<String>,
    },
    /// A member edited a message of theirs (`id` as in `Message`).
    MessageEdited {
        id: String,
        text: String,
    },
    /// A message was deleted (by its author or a moderator: `user` may not be its author).
    MessageDeleted {
        id: String,
    },
    /// A reaction was added to (or removed from) the message `message` in `channel`. `emoji` is
    /// the name without colons (Slack `star`) or the character itself (Discord `⭐`).
    Reaction {
        message: String,
        emoji: String,
        added: bool,
    },
    MemberJoined,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// The platform's id for this delivery (event_id, envelope_id, interaction id): redeliveries repeat it.
    pub key: String,
    pub platform: Platform,
    /// Slack team id, Discord guild id (or the DM's owner for DMs outside a guild).
    pub tenant: String,
    pub channel: String,
    pub is_dm: bool,
    pub user: UserRef,
    pub kind: EventKind,
}

/// What the adapter answers the interaction with, right away.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// Nothing to say (the event was a plain message, or a redelivery).
    None,
    /// Only the member who acted sees it.
    Ephemeral(Message),
    /// Replace the message whose button was clicked (the quiz becomes its result).
    UpdateSource(Message),
}
