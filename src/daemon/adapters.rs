//! The chat platforms a config enables, built with their secrets from the environment.

use super::DaemonError;
use crate::chat::ChatPlatform;
use crate::config::Config;
use crate::discord::DiscordPlatform;
use crate::slack::{SlackPlatform, SlackTokens};
use std::collections::HashMap;
use std::sync::Arc;

/// The platform adapters the config enables, with their secrets from the environment.
#[derive(Default)]
pub struct Adapters {
    pub slack: Option<Arc<SlackPlatform>>,
    pub discord: Option<Arc<DiscordPlatform>>,
}

impl Adapters {
    pub fn from_config(
        config: &Config,
        env: &HashMap<String, String>,
    ) -> Result<Self, DaemonError> {
        let slack = if config.slack.enabled {
            let tokens = SlackTokens::resolve(&config.slack, env)?;
            Some(SlackPlatform::new(&config.slack, &tokens)?)
        } else {
            None
        };
        let discord = if config.discord.enabled {
            Some(DiscordPlatform::new(&config.discord, env)?)
        } else {
            None
        };
        Ok(Self { slack, discord })
    }

    pub fn platforms(&self) -> Vec<Arc<dyn ChatPlatform>> {
        let mut out: Vec<Arc<dyn ChatPlatform>> = Vec::new();
        if let Some(s) = &self.slack {
            out.push(s.clone());
        }
        if let Some(d) = &self.discord {
            out.push(d.clone());
        }
        out
    }
}
