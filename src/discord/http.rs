//! serenity's REST client as production runs it: its rate limiter on (per-route buckets from
//! `X-RateLimit-*` headers, waiting out every 429's `Retry-After`, global or per route). Tests point
//! discord.com at a local fake (`api_address` + `ca_file`) instead of a proxy: serenity's limiter
//! ignores proxies, so a proxy would have meant testing with the limiter off.

use super::DiscordError;
use crate::config::DiscordConfig;
use secrecy::{ExposeSecret, SecretString};
use serenity::http::{Http, HttpBuilder};

/// A REST client sending `token` (serenity keeps it in its own redacted secret type).
pub fn build(config: &DiscordConfig, token: &SecretString) -> Result<Http, DiscordError> {
    let mut builder = HttpBuilder::new(token.expose_secret());
    if let Some(address) = &config.api_address {
        let addr: std::net::SocketAddr = address.parse().map_err(|_| {
            DiscordError::Client(format!(
                "[discord] api_address `{address}` is not an ip:port address"
            ))
        })?;
        // The same client serenity builds for itself, with discord.com resolved to `addr`.
        let mut client = reqwest::Client::builder()
            .use_rustls_tls()
            .resolve("discord.com", addr);
        if let Some(path) = &config.ca_file {
            let pem = std::fs::read(path).map_err(|reason| DiscordError::CaFile {
                path: path.display().to_string(),
                reason,
            })?;
            let ca = reqwest::Certificate::from_pem(&pem).map_err(|e| {
                DiscordError::Client(format!("[discord] ca_file {}: {e}", path.display()))
            })?;
            client = client.add_root_certificate(ca);
        }
        let client = client
            .build()
            .map_err(|e| DiscordError::Client(format!("cannot build the HTTP client: {e}")))?;
        builder = builder.client(client);
    }
    Ok(builder.build())
}
