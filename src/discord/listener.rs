//! The gateway connection: serenity's client with nibble's intents, its failures reported in
//! words a team lead can act on, and `/healthz` kept in step with it.

use super::handler::Handler;
use super::{DiscordError, DiscordPlatform};
use crate::engine::Engine;
use serenity::all::{GatewayError, GatewayIntents, ShardManager};
use std::sync::Arc;

/// The running gateway connection.
pub struct DiscordListener {
    shards: Arc<ShardManager>,
    watcher: tokio::task::JoinHandle<()>,
}

impl DiscordListener {
    /// Minimal intents: guilds (commands, threads), members (joins), guild messages and their
    /// content (thread replies, their edits and deletions), reactions (moderators featuring replies).
    pub fn intents() -> GatewayIntents {
        GatewayIntents::GUILDS
            | GatewayIntents::GUILD_MEMBERS
            | GatewayIntents::GUILD_MESSAGES
            | GatewayIntents::MESSAGE_CONTENT
            | GatewayIntents::GUILD_MESSAGE_REACTIONS
    }

    pub async fn start(
        platform: Arc<DiscordPlatform>,
        engine: Engine,
    ) -> Result<Self, DiscordError> {
        // Its own client (serenity's builder takes ownership): interaction callbacks, role lookups
        // and command registration, on routes the outbox never uses, so their buckets never mix.
        let http = super::http::build(&platform.config, &platform.token)?;
        let gateway = match &platform.config.api_address {
            Some(address) => Some(gateway_of(&http, address).await?),
            None => None,
        };
        let platform_connection = platform.connection.clone();
        let mut client = serenity::all::ClientBuilder::new_with_http(http, Self::intents())
            .event_handler(Handler { engine, platform })
            .await
            .map_err(|e| DiscordError::Client(e.to_string()))?;
        if let Some(url) = gateway {
            // Whatever serenity's own lookup found (or its public fallback): the shards read this.
            *client.ws_url.lock().await = url;
        }
        let shards = client.shard_manager.clone();
        let connection = platform_connection.clone();
        tokio::spawn(async move {
            let result = client.start().await;
            connection.set_connected(false);
            match result {
                Err(serenity::Error::Gateway(GatewayError::DisallowedGatewayIntents)) => {
                    tracing::error!(
                        "Discord refused the gateway intents (close code 4014): switch on Server \
                         Members Intent and Message Content Intent in the Developer Portal (your \
                         app → Bot → Privileged Gateway Intents), then restart nibble"
                    )
                }
                Err(serenity::Error::Gateway(GatewayError::InvalidAuthentication)) => {
                    tracing::error!(
                        "Discord refused the bot token (close code 4004): check NIBBLE_DISCORD_TOKEN"
                    )
                }
                Err(e) => tracing::error!(error = %e, "the Discord gateway client stopped"),
                Ok(()) => {}
            }
        });
        let watcher = tokio::spawn(watch(shards.clone(), platform_connection));
        Ok(Self { shards, watcher })
    }

    pub async fn shutdown(&self) {
        self.watcher.abort();
        self.shards.shutdown_all().await;
    }
}

/// The gateway URL the server at `api_address` gives (`GET /gateway/bot`). serenity, when its own
/// lookup fails, connects to Discord's public gateway: with `api_address` set (a test's fake) that
/// would leave this machine for the real Discord, so a failed lookup stops nibble instead.
async fn gateway_of(http: &serenity::http::Http, address: &str) -> Result<String, DiscordError> {
    http.get_bot_gateway()
        .await
        .map(|gateway| gateway.url)
        .map_err(|e| DiscordError::GatewayLookup {
            address: address.to_string(),
            reason: crate::error_text::with_causes(&e),
        })
}

/// Keeps `/healthz` in step with the gateway. serenity announces a stage change only once the
/// shard is connected again, so a drop it cannot resume is seen in its shard manager instead: the
/// shard is restarted, and has no runner until its new connection is made (then `ready` says so).
async fn watch(shards: Arc<ShardManager>, connection: Arc<crate::ops::Connection>) {
    let mut tick = tokio::time::interval(std::time::Duration::from_millis(500));
    loop {
        tick.tick().await;
        let running = !shards.runners.lock().await.is_empty();
        if !running && connection.state() == "connected" {
            tracing::warn!("the Discord gateway connection was lost: reconnecting");
            connection.set_connected(false);
        }
    }
}
