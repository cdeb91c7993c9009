//! `nibble campaign --tenant <platform>:<id> …`: the team-lead campaign commands for operators, built
//! as the same command values as in chat and run by the same engine code (so the rules and messages
//! are the same); what the command came to sets the exit code.

use crate::chat::{Platform, Reply, UserRef};
use crate::clock::SystemClock;
use crate::command::{CampaignCommand, Command};
use crate::config::Config;
use crate::content::load_catalog;
use crate::engine::{CatalogHandle, CommandStatus, Engine, Operator};
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

/// What a campaign command printed, and whether it did what was asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CampaignCliOutcome {
    pub text: String,
    pub status: CommandStatus,
}

/// Runs one campaign command, built from the shell's words, against the configured database.
pub async fn run(
    config: &Config,
    tenant: &str,
    words: &[String],
) -> Result<CampaignCliOutcome, CampaignCliError> {
    let (platform, tenant_id) = tenant
        .split_once(':')
        .and_then(|(p, t)| Some((Platform::parse(p)?, t)))
        .filter(|(_, t)| !t.is_empty())
        .ok_or_else(|| CampaignCliError::Tenant(tenant.to_string()))?;
    let command = CampaignCommand::from_words(words).map(Command::Campaigns);
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
    let operator = Operator {
        platform,
        tenant: tenant_id.to_string(),
        user: UserRef {
            id: "operator".into(),
            name: "operator (CLI)".into(),
            time_zone: None,
            is_lead: true,
            is_moderator: false,
        },
    };
    let outcome = engine.run_command(operator, command).await;
    // The writer may still be folding the command's effects: it ends before the store closes.
    engine.stop().await;
    store.close().await;
    let outcome = outcome?;
    let text = match outcome.reply {
        Reply::Ephemeral(m) | Reply::UpdateSource(m) => crate::local::render_text(&m),
        Reply::None => String::new(),
    };
    Ok(CampaignCliOutcome {
        text,
        status: outcome.status,
    })
}
