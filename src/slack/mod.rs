//! The Slack adapter: slack-morphism over Socket Mode for events, the Web API for messages.

mod clicks;
mod files;
mod listener;
mod message_kinds;
mod mrkdwn;
mod pacing;
mod pictures;
mod render;
mod reply;
mod send;
mod users;

pub use clicks::{Click, click_of};
pub use listener::SlackListener;
pub use message_kinds::message_kind;
pub use pictures::Pictures;
pub use render::{render, render_with};
pub(crate) use send::send_error;

use crate::chat::{
    BoxFuture, ChatPlatform, Destination, InDoubt, Outgoing, Platform, Rate, SendError, SentRef,
    UserRef,
};
use crate::config::SlackConfig;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use secrecy::{ExposeSecret, SecretString};
use slack_morphism::errors::SlackClientError;
use slack_morphism::prelude::*;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use users::Directory;

pub type Connector = SlackClientHyperConnector<HttpsConnector<HttpConnector>>;

/// Metadata event type marking our own messages, so an in-doubt send can be found in history.
pub const DELIVERY_EVENT: &str = "nibble_delivery";

#[derive(Debug, thiserror::Error)]
pub enum SlackError {
    #[error("Slack is enabled but {0} is not set (nor its token file)")]
    MissingToken(&'static str),
    /// The io error is in the message, not kept as a source (`{:#}` would print it twice).
    #[error("cannot read the Slack token file `{path}`: {reason}")]
    TokenFile {
        path: String,
        reason: std::io::Error,
    },
    #[error("{0} must start with `{1}`")]
    BadToken(&'static str, &'static str),
    #[error("cannot set up HTTPS for Slack: {0}")]
    Tls(String),
    #[error("cannot connect to Slack Socket Mode: {0}")]
    Connect(String),
    #[error("cannot reach Slack at {url}: {reason} (check [slack] api_url and the network)")]
    Unreachable { url: String, reason: String },
    #[error("Slack rejected the bot token (NIBBLE_SLACK_BOT_TOKEN): {0}")]
    BotTokenRejected(String),
    #[error(
        "Slack refused to open Socket Mode ({0}): check that Socket Mode is enabled for the app and that NIBBLE_SLACK_APP_TOKEN is an app-level token with connections:write"
    )]
    SocketModeRefused(String),
}

/// A Web API failure as text: slack-morphism prints a connection failure's cause as `Some(…)`
/// (its `Debug`); its own causes are given instead.
pub(crate) fn describe(e: &SlackClientError) -> String {
    match e {
        SlackClientError::HttpProtocolError(p) => match &p.cause {
            Some(cause) => crate::error_text::with_causes(cause.as_ref()),
            None => "the HTTP request failed".into(),
        },
        other => other.to_string(),
    }
}

/// Tokens, read from the environment or the files the config names. Never printed (their Debug
/// is redacted); exposed only to the Slack client that sends them.
#[derive(Clone, Debug)]
pub struct SlackTokens {
    bot: SecretString,
    app: SecretString,
}

impl SlackTokens {
    pub fn resolve(
        config: &SlackConfig,
        env: &HashMap<String, String>,
    ) -> Result<Self, SlackError> {
        let read = |var: &'static str, file: &Option<std::path::PathBuf>, prefix: &'static str| {
            let value = match (env.get(var), file) {
                (Some(v), _) if !v.trim().is_empty() => SecretString::new(v.trim().to_string()),
                (_, Some(path)) => read_token(path)?,
                _ => return Err(SlackError::MissingToken(var)),
            };
            if value.expose_secret().starts_with(prefix) {
                Ok(value)
            } else {
                Err(SlackError::BadToken(var, prefix))
            }
        };
        Ok(Self {
            bot: read("NIBBLE_SLACK_BOT_TOKEN", &config.bot_token_file, "xoxb-")?,
            app: read("NIBBLE_SLACK_APP_TOKEN", &config.app_token_file, "xapp-")?,
        })
    }
}

fn read_token(path: &Path) -> Result<SecretString, SlackError> {
    std::fs::read_to_string(path)
        .map(|s| SecretString::new(s.trim().to_string()))
        .map_err(|reason| SlackError::TokenFile {
            path: path.display().to_string(),
            reason,
        })
}

/// The Slack side of the chat port: posts messages and resolves in-doubt sends.
pub struct SlackPlatform {
    client: Arc<SlackClient<Connector>>,
    bot: SlackApiToken,
    /// The bot token with its workspace, once auth.test named it: slack-morphism applies the
    /// method tiers per workspace only to a token that carries its team.
    team_bot: std::sync::OnceLock<SlackApiToken>,
    /// chat.postMessage's one message per second per channel.
    spacing: pacing::ChannelSpacing,
    app: SlackApiToken,
    directory: Arc<Directory>,
    config: SlackConfig,
    uploads: files::Uploads,
    /// Socket Mode's state for `/healthz`: connected once Slack said hello.
    pub connection: Arc<crate::ops::Connection>,
}

impl SlackPlatform {
    pub fn new(config: &SlackConfig, tokens: &SlackTokens) -> Result<Arc<Self>, SlackError> {
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_native_roots()
            .map_err(|e| SlackError::Tls(e.to_string()))?
            .https_or_http()
            .enable_http1()
            .build();
        let mut connector =
            SlackClientHyperConnector::from(https).with_slack_api_url(&config.api_url);
        if config.pace_requests {
            // Paces calls per method tier; a 429 still reaches the outbox, which pauses and retries.
            connector = connector.with_rate_control(pacing::rate_control(config.pacing_scale));
        }
        let client = Arc::new(SlackClient::new(connector));
        Ok(Arc::new(Self {
            directory: Arc::new(Directory::new(
                config.team_leads.iter().cloned().collect(),
                config.moderators.iter().cloned().collect(),
                pacing::dm_opens(config.pacing_scale),
            )),
            client,
            bot: SlackApiToken::new(tokens.bot.expose_secret().clone().into()),
            team_bot: std::sync::OnceLock::new(),
            spacing: pacing::ChannelSpacing::new(config.pacing_scale),
            app: SlackApiToken::new(tokens.app.expose_secret().clone().into()),
            config: config.clone(),
            uploads: files::Uploads::default(),
            connection: Arc::default(),
        }))
    }

    /// How long each start-up check waits for Slack.
    pub const PREFLIGHT_PATIENCE_SECS: u64 = 30;

    /// Checks both tokens before listening, so a wrong token or disabled Socket Mode stops the
    /// daemon at start with a clear error instead of a reconnect loop in the logs.
    pub async fn preflight(&self) -> Result<(), SlackError> {
        // Only an answer from Slack is a refusal; no answer at all is a network problem.
        let refusal = |e: SlackClientError, refused: fn(String) -> SlackError| match e {
            SlackClientError::ApiError(api) => refused(api.code),
            SlackClientError::HttpError(http) => refused(format!("HTTP {}", http.status_code)),
            other => SlackError::Unreachable {
                url: self.config.api_url.clone(),
                reason: describe(&other),
            },
        };
        // A server that accepts the connection and never answers must not hang the start.
        let silent = || SlackError::Unreachable {
            url: self.config.api_url.clone(),
            reason: format!("no answer within {} s", Self::PREFLIGHT_PATIENCE_SECS),
        };
        let me = tokio::time::timeout(
            std::time::Duration::from_secs(Self::PREFLIGHT_PATIENCE_SECS),
            self.session().auth_test(),
        )
        .await
        .map_err(|_| silent())?
        .map_err(|e| refusal(e, SlackError::BotTokenRejected))?;
        let _ = self.team_bot.set(self.bot.clone().with_team_id(me.team_id));
        let app = self.client.open_session(&self.app);
        tokio::time::timeout(
            std::time::Duration::from_secs(Self::PREFLIGHT_PATIENCE_SECS),
            app.apps_connections_open(&SlackApiAppsConnectionOpenRequest::new()),
        )
        .await
        .map_err(|_| silent())?
        .map_err(|e| refusal(e, SlackError::SocketModeRefused))?;
        Ok(())
    }

    pub(crate) fn session(&self) -> SlackClientSession<'_, Connector> {
        self.client.open_session(self.token())
    }

    /// The bot token, with its workspace once known (so that the tiers apply).
    fn token(&self) -> &SlackApiToken {
        self.team_bot.get().unwrap_or(&self.bot)
    }

    /// A member's name, zone and roles, waiting at most `patience` for Slack (None: as long as the
    /// lookup takes, for work that is not holding an acknowledgement).
    pub(crate) async fn person(
        &self,
        user: &str,
        patience: Option<std::time::Duration>,
    ) -> users::Person {
        self.directory
            .person(&self.client, self.token(), user, patience)
            .await
    }

    /// The channel to post to: DMs and group DMs are opened (and remembered) with conversations.open.
    async fn channel_for(&self, to: &Destination) -> Result<(String, Option<String>), SendError> {
        match to {
            Destination::Channel { channel } => Ok((channel.clone(), None)),
            Destination::Thread { channel, thread } => Ok((channel.clone(), Some(thread.clone()))),
            Destination::Member { user } => Ok((
                self.directory.dm_channel(&self.session(), user).await?,
                None,
            )),
            // A multi-person DM: conversations.open with every member.
            Destination::Group { users } => Ok((
                self.directory
                    .dm_channel(&self.session(), &users.join(","))
                    .await?,
                None,
            )),
        }
    }
}

impl ChatPlatform for SlackPlatform {
    fn platform(&self) -> Platform {
        Platform::Slack
    }

    /// conversations.members, page by page, then each member's name, zone and bot flag (users.info,
    /// cached); bots are left out.
    fn channel_members<'a>(
        &'a self,
        _tenant: &'a str,
        channel: &'a str,
    ) -> BoxFuture<'a, Result<Vec<UserRef>, SendError>> {
        Box::pin(async move {
            let session = self.session();
            let mut ids = Vec::new();
            let mut cursor: Option<SlackCursorId> = None;
            loop {
                let request = SlackApiConversationsMembersRequest::new()
                    .with_channel(channel.to_string().into())
                    .with_limit(200)
                    .opt_cursor(cursor.clone());
                let page = session
                    .conversations_members(&request)
                    .await
                    .map_err(send_error)?;
                ids.extend(page.members.into_iter().map(|m| m.to_string()));
                cursor = page.response_metadata.and_then(|m| m.next_cursor);
                if cursor.is_none() {
                    break;
                }
            }
            let mut people = Vec::with_capacity(ids.len());
            for id in ids {
                // Enrolment can wait for Slack: a bot must never be taken for a learner.
                let person = self.person(&id, None).await;
                if !person.is_bot {
                    people.push(UserRef {
                        name: person.name.unwrap_or_default(),
                        id,
                        time_zone: person.time_zone,
                        is_lead: person.is_lead,
                        is_moderator: person.is_moderator,
                    });
                }
            }
            Ok(people)
        })
    }

    fn tenant_rate(&self) -> Option<Rate> {
        let scale = self.config.pacing_scale.max(1.0);
        Some(Rate::per_second(self.config.messages_per_second * scale))
    }

    fn attach_store(&self, store: &crate::store::Store) {
        self.uploads.attach(store);
        self.directory.attach(store);
    }

    fn send<'a>(&'a self, out: &'a Outgoing) -> BoxFuture<'a, Result<SentRef, SendError>> {
        Box::pin(self.post(out))
    }

    /// On Slack a message's replies are its thread: the thread is the message's `ts`.
    fn open_thread<'a>(
        &'a self,
        message: &'a SentRef,
        _title: &'a str,
    ) -> BoxFuture<'a, Result<Destination, SendError>> {
        Box::pin(async move {
            let (channel, ts) = message.split_once(':').ok_or_else(|| {
                SendError::Permanent(format!("`{message}` is not a Slack message reference"))
            })?;
            Ok(Destination::Thread {
                channel: channel.to_string(),
                thread: ts.to_string(),
            })
        })
    }

    /// Looks for the delivery's metadata in the channel's recent history before anything is resent.
    fn resolve_in_doubt<'a>(
        &'a self,
        out: &'a Outgoing,
    ) -> BoxFuture<'a, Result<InDoubt, SendError>> {
        Box::pin(async move {
            let (channel, thread) = self.channel_for(&out.destination).await?;
            // Thread replies are not in the channel's history: a thread is read with replies.
            let method = if thread.is_some() {
                "conversations.replies"
            } else {
                "conversations.history"
            };
            let params = vec![
                ("channel", Some(channel.clone())),
                ("ts", thread.clone()),
                ("limit", Some("200".to_string())),
                ("include_all_metadata", Some("true".to_string())),
            ];
            let history: SlackApiConversationsHistoryResponse = self
                .session()
                .http_session_api
                .http_get(method, &params, Some(&SLACK_TIER3_METHOD_CONFIG))
                .await
                .map_err(send_error)?;
            let found = history.messages.iter().find(|m| {
                m.content.metadata.as_ref().is_some_and(|md| {
                    md.event_type == DELIVERY_EVENT
                        && md.event_payload.as_ref().and_then(|p| p.get("delivery"))
                            == Some(&out.dedupe_key)
                })
            });
            Ok(match found {
                Some(m) => InDoubt::Sent(format!("{channel}:{}", m.origin.ts)),
                None => InDoubt::NotSent,
            })
        })
    }
}
