//! Gateway events in: slash commands, quiz components, autocompletion and member joins, each
//! answered within Discord's 3-second deadline (deferred when the engine is slow).

use super::DiscordPlatform;
use super::commands::{args_of, definitions};
use super::render::{EPHEMERAL, render_message};
use super::respond::{respond_in_time, send_response, with_flags};
use crate::chat::{Event, EventKind, Message, Platform, Reply, UserRef};
use crate::config::CommandScope;
use crate::engine::Engine;
use serde_json::{Value, json};
use serenity::all::{
    Command, CommandInteraction, ComponentInteraction, ComponentInteractionDataKind, Context,
    EventHandler, Interaction, Member, Permissions, Ready, User,
};
use std::sync::Arc;

pub(super) struct Handler {
    pub(super) engine: Engine,
    pub(super) platform: Arc<DiscordPlatform>,
}

fn user_ref(
    user: &User,
    member: Option<&Member>,
    (is_lead, is_moderator): (bool, bool),
) -> UserRef {
    UserRef {
        id: user.id.to_string(),
        name: member
            .and_then(|m| m.nick.clone())
            .or_else(|| user.global_name.clone())
            .unwrap_or_else(|| user.name.clone()),
        // Discord does not tell bots a member's time zone.
        time_zone: None,
        is_lead,
        is_moderator,
    }
}

impl Handler {
    /// (team lead: Manage Server or a role named in `team_lead_roles`; moderator: a role named in
    /// `moderator_roles`).
    pub(super) async fn roles(&self, ctx: &Context, member: Option<&Member>) -> (bool, bool) {
        let Some(member) = member else {
            return (false, false);
        };
        let manages = member
            .permissions
            .is_some_and(|p| p.contains(Permissions::MANAGE_GUILD));
        let config = &self.platform.config;
        let lead = manages || self.has_role(ctx, member, &config.team_lead_roles).await;
        let moderator = self.has_role(ctx, member, &config.moderator_roles).await;
        (lead, moderator)
    }

    /// Whether the member holds a role with one of these names.
    async fn has_role(&self, ctx: &Context, member: &Member, wanted: &[String]) -> bool {
        if wanted.is_empty() || member.roles.is_empty() {
            return false;
        }
        // Bounded: the interaction's 3-second deadline is running.
        match tokio::time::timeout(
            std::time::Duration::from_millis(500),
            member.guild_id.roles(&ctx.http),
        )
        .await
        {
            Ok(Ok(roles)) => member
                .roles
                .iter()
                .any(|r| roles.get(r).is_some_and(|role| wanted.contains(&role.name))),
            Ok(Err(e)) => {
                tracing::warn!(error = %super::respond::redact(&e), "cannot read the guild's roles");
                false
            }
            Err(_) => {
                tracing::warn!("reading the guild's roles timed out");
                false
            }
        }
    }

    pub(super) async fn event(
        &self,
        ctx: &Context,
        key: String,
        (guild, channel): (Option<String>, String),
        user: &User,
        member: Option<&Member>,
        kind: EventKind,
    ) -> Event {
        let roles = self.roles(ctx, member).await;
        Event {
            key,
            platform: Platform::Discord,
            is_dm: guild.is_none(),
            // A DM has no guild: the engine then accepts only the DM quiz's own recipient.
            tenant: guild.unwrap_or_default(),
            channel,
            user: user_ref(user, member, roles),
            kind,
        }
    }

    pub(super) fn spawn_engine(&self, event: Event) -> tokio::task::JoinHandle<Reply> {
        let engine = self.engine.clone();
        tokio::spawn(async move {
            engine.handle(event).await.unwrap_or_else(|e| {
                tracing::error!(error = %e, "Discord event failed");
                Reply::Ephemeral(Message::text(e.user_message()))
            })
        })
    }

    #[tracing::instrument(name = "discord.command", skip_all, fields(command = %c.data.name))]
    async fn command(&self, ctx: &Context, c: CommandInteraction) {
        let received = std::time::Instant::now();
        let kind = EventKind::Invoked(super::command_values::command_value(&c.data));
        let event = self
            .event(
                ctx,
                format!("discord:{}", c.id),
                (c.guild_id.map(|g| g.to_string()), c.channel_id.to_string()),
                &c.user,
                c.member.as_deref(),
                kind,
            )
            .await;
        let work = self.spawn_engine(event);
        let reply = match respond_in_time(ctx, c.id, &c.token, work, 5, received).await {
            Some(reply) => reply,
            None => return,
        };
        let (Reply::Ephemeral(message) | Reply::UpdateSource(message)) = reply else {
            return; // a redelivered interaction: it was answered the first time
        };
        send_response(
            ctx,
            c.id,
            &c.token,
            4,
            with_flags(render_message(&message), EPHEMERAL),
        )
        .await;
    }

    #[tracing::instrument(name = "discord.component", skip_all)]
    async fn component(&self, ctx: &Context, c: ComponentInteraction) {
        let received = std::time::Instant::now();
        let values = match &c.data.kind {
            ComponentInteractionDataKind::StringSelect { values } => values.clone(),
            _ => Vec::new(),
        };
        let kind = EventKind::Button {
            payload: c.data.custom_id.clone(),
            values,
        };
        let event = self
            .event(
                ctx,
                format!("discord:{}", c.id),
                (c.guild_id.map(|g| g.to_string()), c.channel_id.to_string()),
                &c.user,
                c.member.as_ref(),
                kind,
            )
            .await;
        let work = self.spawn_engine(event);
        let Some(reply) = respond_in_time(ctx, c.id, &c.token, work, 6, received).await else {
            return;
        };
        match reply {
            // The quiz message becomes its result, buttons gone (callback type 7).
            Reply::UpdateSource(m) => {
                let mut data = render_message(&m);
                data["components"] = json!([]);
                send_response(ctx, c.id, &c.token, 7, data).await;
            }
            Reply::Ephemeral(m) => {
                send_response(
                    ctx,
                    c.id,
                    &c.token,
                    4,
                    with_flags(render_message(&m), EPHEMERAL),
                )
                .await
            }
            Reply::None => send_response(ctx, c.id, &c.token, 6, Value::Null).await,
        }
    }

    async fn autocomplete(&self, ctx: &Context, c: CommandInteraction) {
        let typed = args_of(&c.data).to_lowercase();
        let catalog = self.engine.catalog().current();
        let choices: Vec<Value> = catalog
            .courses()
            .iter()
            .filter(|k| k.id.contains(&typed) || k.title.to_lowercase().contains(&typed))
            .take(25)
            .map(|k| json!({"name": super::render::fit(&format!("{} (course)", k.title), 100), "value": k.id}))
            .collect();
        send_response(ctx, c.id, &c.token, 8, json!({"choices": choices})).await;
    }
}

#[serenity::async_trait]
impl EventHandler for Handler {
    async fn shard_stage_update(&self, _ctx: Context, event: serenity::all::ShardStageUpdateEvent) {
        let up = matches!(event.new, serenity::all::ConnectionStage::Connected);
        self.platform.connection.set_connected(up);
    }

    async fn ready(&self, ctx: Context, ready: Ready) {
        tracing::info!(guilds = ready.guilds.len(), "Discord gateway ready");
        self.platform.connection.set_connected(true);
        let commands = definitions();
        let result = match self.platform.config.command_scope {
            CommandScope::Global => ctx
                .http
                .create_global_commands(&commands)
                .await
                .map(|_: Vec<Command>| ()),
            CommandScope::Guild => {
                let mut result = Ok(());
                for guild in &ready.guilds {
                    if let Err(e) = ctx.http.create_guild_commands(guild.id, &commands).await {
                        result = Err(e);
                    }
                }
                result
            }
        };
        if let Err(e) = result {
            tracing::error!(error = %e, "cannot register slash commands");
        }
    }

    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        match interaction {
            Interaction::Command(c) => self.command(&ctx, c).await,
            Interaction::Component(c) => self.component(&ctx, c).await,
            Interaction::Autocomplete(c) => self.autocomplete(&ctx, c).await,
            _ => {}
        }
    }

    async fn message(&self, ctx: Context, msg: serenity::all::Message) {
        self.on_message(ctx, msg).await;
    }

    async fn message_update(
        &self,
        ctx: Context,
        _old: Option<serenity::all::Message>,
        _new: Option<serenity::all::Message>,
        event: serenity::all::MessageUpdateEvent,
    ) {
        self.on_message_update(ctx, event).await;
    }

    async fn message_delete(
        &self,
        ctx: Context,
        channel: serenity::all::ChannelId,
        message: serenity::all::MessageId,
        guild: Option<serenity::all::GuildId>,
    ) {
        self.on_message_delete(ctx, channel, message, guild).await;
    }

    /// A purge: each message is a deletion.
    async fn message_delete_bulk(
        &self,
        ctx: Context,
        channel: serenity::all::ChannelId,
        messages: Vec<serenity::all::MessageId>,
        guild: Option<serenity::all::GuildId>,
    ) {
        for message in messages {
            self.on_message_delete(ctx.clone(), channel, message, guild)
                .await;
        }
    }

    async fn reaction_add(&self, ctx: Context, reaction: serenity::all::Reaction) {
        self.on_reaction(ctx, reaction, true).await;
    }

    async fn reaction_remove(&self, ctx: Context, reaction: serenity::all::Reaction) {
        self.on_reaction(ctx, reaction, false).await;
    }

    async fn guild_member_addition(&self, ctx: Context, member: Member) {
        let key = format!(
            "discord:join:{}:{}:{}",
            member.guild_id,
            member.user.id,
            member
                .joined_at
                .map(|t| t.unix_timestamp())
                .unwrap_or_default()
        );
        let event = self
            .event(
                &ctx,
                key,
                (Some(member.guild_id.to_string()), String::new()),
                &member.user,
                Some(&member),
                EventKind::MemberJoined,
            )
            .await;
        let _ = self.spawn_engine(event).await;
    }
}
