//! The Discord adapter: serenity's gateway for events, its REST client for messages.

mod command_values;
mod commands;
mod handler;
mod http;
mod listener;
mod message_events;
mod pacing;
mod pictures;
mod refusal;
mod render;
mod respond;

pub use commands::args_of;
pub use listener::DiscordListener;
pub use render::{EPHEMERAL, Pictures, nonce_for, render_message, render_message_with};

use crate::chat::{
    BoxFuture, ChatPlatform, Destination, InDoubt, Outgoing, Platform, SendError, SentRef, UserRef,
};
use crate::config::DiscordConfig;
use pacing::Pacer;
use refusal::{Action, refused};
use secrecy::{ExposeSecret, SecretString};
use serenity::http::Http;
use serenity::model::id::{ChannelId, UserId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

#[derive(Debug, thiserror::Error)]
pub enum DiscordError {
    #[error("Discord is enabled but NIBBLE_DISCORD_TOKEN is not set (nor [discord] token_file)")]
    MissingToken,
    /// The io error is in the message, not kept as a source (`{:#}` would print it twice).
    #[error("cannot read the Discord token file `{path}`: {reason}")]
    TokenFile {
        path: String,
        reason: std::io::Error,
    },
    /// The io error is in the message, not kept as a source (`{:#}` would print it twice).
    #[error("cannot read the [discord] ca_file `{path}`: {reason}")]
    CaFile {
        path: String,
        reason: std::io::Error,
    },
    #[error("cannot start the Discord gateway client: {0}")]
    Client(String),
    #[error(
        "the gateway lookup (GET /gateway/bot) at [discord] api_address {address} failed: {reason}; \
         with api_address set nibble connects only to the gateway that server names, never to \
         Discord's public one"
    )]
    GatewayLookup { address: String, reason: String },
}

/// The Discord side of the chat port: posts messages (paced, idempotent by nonce).
pub struct DiscordPlatform {
    http: Arc<Http>,
    /// Exposed only to serenity's clients, which send it.
    token: SecretString,
    config: DiscordConfig,
    pacer: Pacer,
    dms: Mutex<HashMap<String, ChannelId>>,
    /// Given by the dispatcher: where problems a team lead must hear of are recorded.
    store: std::sync::OnceLock<crate::store::Store>,
    /// The gateway's state for `/healthz`.
    pub connection: Arc<crate::ops::Connection>,
}

impl std::fmt::Debug for DiscordPlatform {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DiscordPlatform { token: <redacted> }")
    }
}

impl DiscordPlatform {
    pub fn new(
        config: &DiscordConfig,
        env: &HashMap<String, String>,
    ) -> Result<Arc<Self>, DiscordError> {
        let token = match (env.get("NIBBLE_DISCORD_TOKEN"), &config.token_file) {
            (Some(t), _) if !t.trim().is_empty() => SecretString::new(t.trim().to_string()),
            (_, Some(path)) => std::fs::read_to_string(path)
                .map(|s| SecretString::new(s.trim().to_string()))
                .map_err(|reason| DiscordError::TokenFile {
                    path: path.display().to_string(),
                    reason,
                })?,
            _ => return Err(DiscordError::MissingToken),
        };
        let token = SecretString::new(token.expose_secret().trim_start_matches("Bot ").to_string());
        Ok(Arc::new(Self {
            http: Arc::new(http::build(config, &token)?),
            token,
            pacer: Pacer::per_second(config.max_requests_per_second),
            config: config.clone(),
            dms: Mutex::new(HashMap::new()),
            store: std::sync::OnceLock::new(),
            connection: Arc::default(),
        }))
    }

    /// The channel to post to; a member's DM channel is created once (paced: Discord throttles it).
    async fn channel_for(&self, to: &Destination) -> Result<ChannelId, SendError> {
        let parse = |id: &str| {
            id.parse::<u64>()
                .ok()
                .filter(|n| *n > 0)
                .map(ChannelId::new)
        };
        match to {
            Destination::Channel { channel }
            | Destination::Thread {
                thread: channel, ..
            } => parse(channel).ok_or_else(|| {
                SendError::Permanent(format!("`{channel}` is not a Discord channel id"))
            }),
            Destination::Group { .. } => Err(SendError::Permanent(
                "a group is sent as a DM to each member".into(),
            )),
            Destination::Member { user } => {
                if let Some(c) = self.dms.lock().unwrap_or_else(|e| e.into_inner()).get(user) {
                    return Ok(*c);
                }
                let id = user.parse::<u64>().ok().filter(|n| *n > 0).map(UserId::new);
                let id = id.ok_or_else(|| {
                    SendError::Permanent(format!("`{user}` is not a Discord user id"))
                })?;
                self.pacer.wait().await;
                let dm = id
                    .create_dm_channel(&self.http)
                    .await
                    .map_err(|e| refused(e, Action::OpenDm, &format!("the DM with user {user}")))?;
                self.dms
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(user.clone(), dm.id);
                Ok(dm.id)
            }
        }
    }
}

impl ChatPlatform for DiscordPlatform {
    fn platform(&self) -> Platform {
        Platform::Discord
    }

    fn attach_store(&self, store: &crate::store::Store) {
        let _ = self.store.set(store.clone());
    }

    fn send<'a>(&'a self, out: &'a Outgoing) -> BoxFuture<'a, Result<SentRef, SendError>> {
        Box::pin(async move {
            // A DM channel the store remembers is not created again.
            if let (Destination::Member { user }, Some(dm)) = (&out.destination, &out.dm_channel)
                && let Some(id) = dm.parse::<u64>().ok().filter(|n| *n > 0)
            {
                self.dms
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(user.clone(), ChannelId::new(id));
            }
            // A group is a DM to each member (a bot cannot open a group DM). Discord deduplicates
            // nonces per author across channels, so each DM has its own nonce (key + recipient),
            // stable across retries: a retried send returns the DMs already posted.
            let destinations: Vec<(Destination, String)> = match &out.destination {
                Destination::Group { users } => users
                    .iter()
                    .map(|u| {
                        let nonce = nonce_for(&format!("{}\u{1f}{u}", out.dedupe_key));
                        (Destination::Member { user: u.clone() }, nonce)
                    })
                    .collect(),
                other => vec![(other.clone(), nonce_for(&out.dedupe_key))],
            };
            let attached = pictures::attach(&out.message).await;
            let mut first = None;
            for (to, nonce) in &destinations {
                let channel = self.channel_for(to).await?;
                let mut body = render_message_with(&out.message, &attached.pictures);
                body["nonce"] = serde_json::json!(nonce);
                body["enforce_nonce"] = serde_json::json!(true);
                // Members' words (stories, questions) never ping @everyone, @here or a role.
                body["allowed_mentions"] = serde_json::json!({"parse": ["users"]});
                self.pacer.wait().await;
                let place = match to {
                    Destination::Member { user } => format!("the DM with user {user}"),
                    _ => format!("channel {channel}"),
                };
                let sent = self
                    .post_with_pictures(&out.tenant, channel, &place, &out.message, &attached, body)
                    .await?;
                first.get_or_insert(format!("{}:{}", sent.channel_id, sent.id));
            }
            first.ok_or_else(|| SendError::Permanent("a group with no members".into()))
        })
    }

    /// Creates a public thread from the message (it becomes the thread's starter).
    fn open_thread<'a>(
        &'a self,
        message: &'a SentRef,
        title: &'a str,
    ) -> BoxFuture<'a, Result<Destination, SendError>> {
        Box::pin(async move {
            let parse = |s: &str| s.parse::<u64>().ok().filter(|n| *n > 0);
            let (channel, id) = message
                .split_once(':')
                .and_then(|(c, m)| Some((parse(c)?, parse(m)?)))
                .ok_or_else(|| {
                    SendError::Permanent(format!("`{message}` is not a Discord message reference"))
                })?;
            let name: String = title.chars().take(100).collect();
            let body = serde_json::json!({"name": name, "auto_archive_duration": 1440});
            self.pacer.wait().await;
            let created = self
                .http
                .create_thread_from_message(
                    ChannelId::new(channel),
                    serenity::model::id::MessageId::new(id),
                    &body,
                    None,
                )
                .await;
            // A thread started from a message takes the message's id; 160004 says a retry after a
            // lost response finds it already there.
            let thread =
                match created {
                    Ok(thread) => thread.id.get(),
                    Err(serenity::Error::Http(serenity::http::HttpError::UnsuccessfulRequest(
                        r,
                    ))) if r.error.code == 160004 => id,
                    Err(e) => {
                        return Err(refused(
                            e,
                            Action::CreateThread,
                            &format!("channel {channel}"),
                        ));
                    }
                };
            Ok(Destination::Thread {
                channel: channel.to_string(),
                thread: thread.to_string(),
            })
        })
    }

    /// Locks the thread (Manage Threads permission); it stays readable.
    fn lock_thread<'a>(&'a self, thread: &'a Destination) -> BoxFuture<'a, Result<(), SendError>> {
        Box::pin(async move {
            let Destination::Thread { thread, .. } = thread else {
                return Ok(());
            };
            let id = thread
                .parse::<u64>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| {
                    SendError::Permanent(format!("`{thread}` is not a Discord thread id"))
                })?;
            self.pacer.wait().await;
            self.http
                .edit_thread(
                    ChannelId::new(id),
                    &serde_json::json!({"locked": true}),
                    None,
                )
                .await
                .map_err(|e| refused(e, Action::LockThread, &format!("thread {id}")))?;
            Ok(())
        })
    }

    /// The server's members (bots left out), 1,000 per page. Discord has no per-channel member
    /// list: everyone in the server counts (the endpoint needs the Server Members intent).
    fn channel_members<'a>(
        &'a self,
        tenant: &'a str,
        _channel: &'a str,
    ) -> BoxFuture<'a, Result<Vec<UserRef>, SendError>> {
        Box::pin(async move {
            let guild = tenant
                .parse::<u64>()
                .ok()
                .filter(|n| *n > 0)
                .map(serenity::model::id::GuildId::new)
                .ok_or_else(|| {
                    SendError::Permanent(format!("`{tenant}` is not a Discord server id"))
                })?;
            let mut people = Vec::new();
            let mut after = None;
            loop {
                self.pacer.wait().await;
                let page = guild
                    .members(&self.http, Some(1000), after)
                    .await
                    .map_err(|e| refused(e, Action::ListMembers, &format!("server {guild}")))?;
                let full = page.len() == 1000;
                after = page.last().map(|m| m.user.id);
                people.extend(page.into_iter().filter(|m| !m.user.bot).map(|m| UserRef {
                    id: m.user.id.to_string(),
                    name: m.display_name().to_string(),
                    time_zone: None,
                    is_lead: false,
                    is_moderator: false,
                }));
                if !full {
                    return Ok(people);
                }
            }
        })
    }

    /// With `enforce_nonce`, Discord answers a resend with the original message instead of posting
    /// twice, so an in-doubt message is simply sent again with the same nonce.
    fn resolve_in_doubt<'a>(
        &'a self,
        _out: &'a Outgoing,
    ) -> BoxFuture<'a, Result<InDoubt, SendError>> {
        Box::pin(async { Ok(InDoubt::NotSent) })
    }
}
