//! `nibble campaign --tenant <platform>:<id> …`: the team-lead campaign commands for operators, run
//! through the same engine code as the chat command (so the rules and messages are the same).

use crate::chat::{Event, EventKind, Platform, UserRef};
use crate::clock::SystemClock;
use crate::config::Config;
use crate::content::load_catalog;
use crate::engine::{CatalogHandle, Engine};
use crate::store::Store;
use std::sync::Arc;
use tokio::sync::Notify;

#[derive(Debug, thiserror::Error)]
pub enum CampaignCliError {
    #[error("--tenant must be <platform>:<id>, e.g. slack:T0123 or discord:81234 (got `{0}`)")]
    Tenant(String),
    #[error(
        "the lessons in `{dir}` cannot be loaded (`nibble lessons check` lists every problem):\n{problems}"
    )]
    Lessons {
        dir: String,
        problems: crate::content::Problems,
    },
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error(transparent)]
    Engine(#[from] crate::engine::EngineError),
}

/// Re-quotes words the shell unquoted, so `cron="0 9 * * 1-5"` survives being joined again.
pub fn join_words(words: &[String]) -> String {
    words
        .iter()
        .map(|w| match w.split_once('=') {
            Some((k, v)) if v.contains(char::is_whitespace) => format!("{k}=\"{v}\""),
            _ if w.contains(char::is_whitespace) => format!("\"{w}\""),
            _ => w.clone(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Runs one campaign command against the configured database and returns the reply text.
pub async fn run(
    config: &Config,
    tenant: &str,
    words: &[String],
) -> Result<String, CampaignCliError> {
    let (platform, tenant_id) = tenant
        .split_once(':')
        .and_then(|(p, t)| Some((Platform::parse(p)?, t)))
        .filter(|(_, t)| !t.is_empty())
        .ok_or_else(|| CampaignCliError::Tenant(tenant.to_string()))?;
    let catalog =
        load_catalog(&config.lessons.dir).map_err(|problems| CampaignCliError::Lessons {
            dir: config.lessons.dir.display().to_string(),
            problems,
        })?;
    let store = Store::open(&config.database.url, config.database.durability).await?;
    let clock = Arc::new(SystemClock);
    store.sync_catalog(&catalog, chrono::Utc::now()).await?;
    let engine = Engine::start(
        store.clone(),
        CatalogHandle::new(catalog),
        clock,
        config.engine_settings(),
        Arc::new(Notify::new()),
    );
    let event = Event {
        key: format!(
            "cli:{}",
            chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default()
        ),
        platform,
        tenant: tenant_id.to_string(),
        channel: String::new(),
        is_dm: true,
        user: UserRef {
            id: "operator".into(),
            name: "operator (CLI)".into(),
            time_zone: None,
            is_lead: true,
            is_moderator: false,
        },
        kind: EventKind::Command {
            name: "nibble".into(),
            args: format!("campaign {}", join_words(words)),
        },
    };
    let reply = engine.handle(event).await;
    // The writer may still be folding the command's effects: it ends before the store closes.
    engine.stop().await;
    store.close().await;
    let reply = reply?;
    Ok(match reply {
        crate::chat::Reply::Ephemeral(m) | crate::chat::Reply::UpdateSource(m) => {
            crate::local::render_text(&m)
        }
        crate::chat::Reply::None => String::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_split_words_are_quoted_again() {
        let words: Vec<String> = ["create", "cron=0 9 * * 1-5", "zone=UTC"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(join_words(&words), "create cron=\"0 9 * * 1-5\" zone=UTC");
    }
}
