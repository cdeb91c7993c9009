//! Maps Slack's message events (new, `message_changed`, `message_deleted`) and reactions onto the port.

use crate::chat::EventKind;
use slack_morphism::prelude::*;

/// (channel, author, kind) for a member's thread reply, its edit or its deletion; None for bots'
/// messages, messages outside threads and other subtypes (joins, topic changes…).
pub fn message_kind(m: SlackMessageEvent) -> Option<(String, String, EventKind)> {
    let channel = m.origin.channel.as_ref()?.to_string();
    match m.subtype {
        // A thread reply also sent to the channel, or with a file, is still a reply.
        None
        | Some(SlackMessageEventType::ThreadBroadcast)
        | Some(SlackMessageEventType::FileShare) => {
            // Our own and other bots' messages are not learners talking.
            if m.sender.bot_id.is_some() {
                return None;
            }
            // On Slack nibble's discussions are threads: a message outside any thread is chat
            // that nibble neither records nor looks its author up for (users.info is tiered).
            let thread = m.origin.thread_ts?.to_string();
            let user = m.sender.user?.to_string();
            let kind = EventKind::Message {
                id: m.origin.ts.to_string(),
                text: m.content.and_then(|c| c.text).unwrap_or_default(),
                thread: Some(thread),
            };
            Some((channel, user, kind))
        }
        Some(SlackMessageEventType::MessageChanged) => {
            let edited = m.message?;
            if edited.sender.bot_id.is_some() {
                return None;
            }
            let user = edited.sender.user?.to_string();
            let kind = EventKind::MessageEdited {
                id: edited.ts.to_string(),
                text: edited.content.and_then(|c| c.text).unwrap_or_default(),
            };
            Some((channel, user, kind))
        }
        Some(SlackMessageEventType::MessageDeleted) => {
            let id = m
                .deleted_ts
                .or_else(|| m.previous_message.as_ref().map(|p| p.ts.clone()))?
                .to_string();
            // The author, when Slack includes the message that was deleted.
            let user = m
                .previous_message
                .and_then(|p| p.sender.user)
                .map(|u| u.to_string())
                .unwrap_or_default();
            Some((channel, user, EventKind::MessageDeleted { id }))
        }
        Some(_) => None,
    }
}

/// (channel, kind) for a reaction on a message (reactions on files are not ours).
pub(super) fn reaction(
    item: SlackReactionsItem,
    name: SlackReactionName,
    added: bool,
) -> Option<(String, EventKind)> {
    let SlackReactionsItem::Message(m) = item else {
        return None;
    };
    let channel = m.origin.channel?.to_string();
    let kind = EventKind::Reaction {
        message: m.origin.ts.to_string(),
        emoji: name.0,
        added,
    };
    Some((channel, kind))
}
