//! The `[slack]` and `[discord]` settings: what each adapter needs besides its secrets.

use serde::Deserialize;
use std::path::PathBuf;

/// `[slack]`: the Slack adapter (Socket Mode). Tokens come from NIBBLE_SLACK_BOT_TOKEN and
/// NIBBLE_SLACK_APP_TOKEN, or from the files named here; never from this file itself.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SlackConfig {
    pub enabled: bool,
    /// Web API base URL (tests point it at a local fake).
    pub api_url: String,
    pub bot_token_file: Option<PathBuf>,
    pub app_token_file: Option<PathBuf>,
    /// Member ids holding the team-lead role besides workspace admins and owners.
    pub team_leads: Vec<String>,
    /// Member ids holding the community-moderator role (partner pools; communities later).
    pub moderators: Vec<String>,
    /// Pace Web API calls per Slack's method tiers (leave on outside tests).
    pub pace_requests: bool,
    /// Seconds to wait before reconnecting a dropped Socket Mode connection (doubles on failures).
    pub reconnect_backoff_secs: u64,
    /// Socket Mode connections to keep open (Slack allows up to 10; each envelope goes to one).
    pub connections: u32,
    /// Messages per second nibble posts to one workspace (a campaign's DMs are paced by this).
    pub messages_per_second: f64,
    /// Runs Slack's rate limits this many times faster, for tests against a fake Slack whose limits
    /// are scaled alike; only allowed with a loopback `api_url`. 1 against the real Slack.
    pub pacing_scale: f64,
}

impl Default for SlackConfig {
    fn default() -> Self {
        Self {
            enabled: false,
            api_url: "https://slack.com/api".into(),
            bot_token_file: None,
            app_token_file: None,
            team_leads: Vec::new(),
            moderators: Vec::new(),
            pace_requests: true,
            reconnect_backoff_secs: 2,
            connections: 2,
            messages_per_second: 10.0,
            pacing_scale: 1.0,
        }
    }
}

/// `[discord]`: the Discord adapter (gateway + REST). Token from NIBBLE_DISCORD_TOKEN or `token_file`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DiscordConfig {
    pub enabled: bool,
    /// Reach discord.com's REST API at this address ("127.0.0.1:8443") instead of the one DNS
    /// gives. Only tests set it (a local fake serving TLS as discord.com): requests, TLS and
    /// serenity's rate limiter stay exactly as in production.
    pub api_address: Option<String>,
    /// An extra certificate authority (PEM) trusted for discord.com: the test fake's.
    pub ca_file: Option<PathBuf>,
    pub token_file: Option<PathBuf>,
    /// Role names whose holders are team leads (members with Manage Server always are).
    pub team_lead_roles: Vec<String>,
    /// Role names whose holders are community moderators.
    pub moderator_roles: Vec<String>,
    /// Register slash commands per guild ("guild", instant) or globally ("global").
    pub command_scope: CommandScope,
    /// Most REST requests per second nibble makes (Discord's global limit is 50).
    pub max_requests_per_second: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CommandScope {
    Guild,
    Global,
}

impl Default for DiscordConfig {
    fn default() -> Self {
        Self {
            enabled: false,
            api_address: None,
            ca_file: None,
            token_file: None,
            team_lead_roles: Vec::new(),
            moderator_roles: Vec::new(),
            command_scope: CommandScope::Guild,
            max_requests_per_second: 48,
        }
    }
}
