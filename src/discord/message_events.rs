//! Guild messages, their edits and deletions, and reactions: what thread participation is built from.

use super::handler::Handler;
use crate::chat::{Event, EventKind, Platform, UserRef};
use serenity::all::{ChannelId, Context, GuildId, MessageId, MessageUpdateEvent, Reaction};

impl Handler {
    /// A member's message. On Discord a thread is a channel of its own, so a reply in one of the
    /// bot's threads is a message whose channel is that thread: the engine recognises it by channel.
    pub(super) async fn on_message(&self, ctx: Context, msg: serenity::all::Message) {
        if msg.author.bot {
            return;
        }
        let Some(guild) = msg.guild_id else { return };
        let channel = msg.channel_id.get();
        let kind = EventKind::Message {
            id: msg.id.to_string(),
            text: msg.content.clone(),
            thread: None,
        };
        let key = format!("discord:message:{}", msg.id);
        let event = self
            .event(
                &ctx,
                key,
                (Some(guild.to_string()), channel.to_string()),
                &msg.author,
                None,
                kind,
            )
            .await;
        let _ = self.spawn_engine(event).await;
    }

    /// An edit: only content changes matter. Discord also sends MESSAGE_UPDATE, with the whole
    /// unchanged message, when embeds unfurl or a thread is started from the message; only an edit
    /// has an `edited_timestamp`.
    pub(super) async fn on_message_update(&self, ctx: Context, update: MessageUpdateEvent) {
        let (Some(guild), Some(author), Some(text), Some(edited)) = (
            update.guild_id,
            update.author,
            update.content,
            update.edited_timestamp,
        ) else {
            return;
        };
        if author.bot {
            return;
        }
        let edited = edited.unix_timestamp();
        let key = format!("discord:edit:{}:{edited}", update.id);
        let kind = EventKind::MessageEdited {
            id: update.id.to_string(),
            text,
        };
        let event = self
            .event(
                &ctx,
                key,
                (Some(guild.to_string()), update.channel_id.to_string()),
                &author,
                None,
                kind,
            )
            .await;
        let _ = self.spawn_engine(event).await;
    }

    /// A deletion: Discord does not say who deleted it; the engine acts on the message, not the user.
    pub(super) async fn on_message_delete(
        &self,
        _ctx: Context,
        channel: ChannelId,
        message: MessageId,
        guild: Option<GuildId>,
    ) {
        let Some(guild) = guild else { return };
        let event = Event {
            key: format!("discord:delete:{message}"),
            platform: Platform::Discord,
            tenant: guild.to_string(),
            channel: channel.to_string(),
            is_dm: false,
            user: UserRef {
                id: String::new(),
                name: String::new(),
                time_zone: None,
                is_lead: false,
                is_moderator: false,
            },
            kind: EventKind::MessageDeleted {
                id: message.to_string(),
            },
        };
        let _ = self.spawn_engine(event).await;
    }

    /// A reaction: the gateway sends the member with an add; a removal is looked up (for roles).
    pub(super) async fn on_reaction(&self, ctx: Context, reaction: Reaction, added: bool) {
        let (Some(guild), Some(user_id)) = (reaction.guild_id, reaction.user_id) else {
            return;
        };
        let emoji = match &reaction.emoji {
            serenity::all::ReactionType::Unicode(s) => s.clone(),
            serenity::all::ReactionType::Custom { name, .. } => name.clone().unwrap_or_default(),
            _ => return,
        };
        // Most reactions are not features: no lookups for them (REST calls are rate-limited).
        if !self.engine.is_feature_reaction(&emoji) {
            return;
        }
        let member = match reaction.member.clone() {
            Some(m) => Some(m),
            None => tokio::time::timeout(
                std::time::Duration::from_secs(2),
                guild.member(&ctx.http, user_id),
            )
            .await
            .ok()
            .and_then(Result::ok),
        };
        let Some(member) = member else { return };
        if member.user.bot {
            return;
        }
        let verb = if added { "add" } else { "remove" };
        let key = format!(
            "discord:reaction:{verb}:{}:{user_id}:{emoji}",
            reaction.message_id
        );
        let kind = EventKind::Reaction {
            message: reaction.message_id.to_string(),
            emoji,
            added,
        };
        let event = self
            .event(
                &ctx,
                key,
                (Some(guild.to_string()), reaction.channel_id.to_string()),
                &member.user,
                Some(&member),
                kind,
            )
            .await;
        let _ = self.spawn_engine(event).await;
    }
}
