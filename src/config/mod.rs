//! Settings: a TOML file plus `NIBBLE_<SECTION>_<KEY>` environment overrides, validated with key names.

mod community;
mod engine_settings;
mod env;
mod fields;
mod origin;
mod platforms;
mod recognition;
mod xapi;

pub use community::CommunitySettings;
pub use engine_settings::{CampaignSettings, EngineSettings};
pub use env::{OTHER_VARS, SECRET_VARS};
pub use platforms::{CommandScope, DiscordConfig, SlackConfig};
pub use recognition::{Announce, RecognitionSettings};
pub use xapi::XapiConfig;

use crate::chat::DispatcherConfig;
use crate::domain::badges::{BadgeDef, default_badges};
use crate::domain::campaign::RawCampaign;
use crate::domain::points::PointsRules;
use crate::domain::review::ReviewRules;
use crate::scheduler::QuietHours;
use crate::store::Durability;
use env::{EnvMap, apply_env, apply_text};
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The io error is in the message, not kept as a source (`{:#}` would print it twice).
    #[error("cannot read config file `{path}`: {reason}")]
    Read {
        path: PathBuf,
        reason: std::io::Error,
    },
    #[error("{path}:{line}: {message}")]
    Parse {
        path: String,
        line: usize,
        message: String,
    },
    #[error("environment variable {var}: {message}")]
    Env { var: String, message: String },
    #[error("config key `{key}`: {message}")]
    Invalid { key: String, message: String },
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub database: DatabaseConfig,
    pub lessons: LessonsConfig,
    pub points: PointsRules,
    pub outbox: OutboxConfig,
    pub log: LogConfig,
    pub ops: OpsConfig,
    pub xapi: XapiConfig,
    pub slack: SlackConfig,
    pub discord: DiscordConfig,
    pub campaigns: CampaignSettings,
    /// Campaigns declared here (`[[campaign]]` tables), created at start unless one with the name exists.
    #[serde(rename = "campaign")]
    pub declared_campaigns: Vec<RawCampaign>,
    pub recognition: RecognitionSettings,
    /// Badges (`[[badge]]` tables); the built-in set when none are declared.
    #[serde(rename = "badge")]
    pub badges: Vec<BadgeDef>,
    pub reviews: ReviewRules,
    pub communities: CommunitySettings,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseConfig {
    pub url: String,
    pub durability: Durability,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LessonsConfig {
    pub dir: PathBuf,
    /// Whether the file or the environment set `dir`: a configured folder always wins; without
    /// one, a missing `lessons/` falls back to the courses built into nibble.
    #[serde(skip)]
    pub configured: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OutboxConfig {
    pub max_attempts: i64,
    pub base_backoff_secs: i64,
    pub max_backoff_secs: i64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogConfig {
    /// A tracing filter, e.g. "info" or "nibble=debug,sqlx=warn".
    pub filter: String,
    /// "text" (human-readable) or "json" (one object per line); `--log-format` overrides it.
    pub format: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OpsConfig {
    /// Where `nibble run` serves `/healthz` and `/metrics` ("" turns them off). Keep it local.
    pub listen: String,
}

impl Default for OpsConfig {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:9187".into(),
        }
    }
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        Self {
            url: "sqlite://nibble.db".into(),
            durability: Durability::Normal,
        }
    }
}

impl Default for LessonsConfig {
    fn default() -> Self {
        Self {
            dir: PathBuf::from("lessons"),
            configured: false,
        }
    }
}

impl Default for OutboxConfig {
    fn default() -> Self {
        let d = DispatcherConfig::default();
        Self {
            max_attempts: d.max_attempts,
            base_backoff_secs: d.base_backoff.num_seconds(),
            max_backoff_secs: d.max_backoff.num_seconds(),
        }
    }
}

impl Default for LogConfig {
    fn default() -> Self {
        Self {
            filter: "info".into(),
            format: "text".into(),
        }
    }
}

impl Config {
    /// Reads the file (if any), applies `NIBBLE_*` overrides from `env`, and validates.
    pub fn load(
        path: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, ConfigError> {
        let (text, name) = match path {
            Some(p) => (
                std::fs::read_to_string(p).map_err(|reason| ConfigError::Read {
                    path: p.to_path_buf(),
                    reason,
                })?,
                p.display().to_string(),
            ),
            None => (String::new(), "(defaults)".to_string()),
        };
        let parse_err = |e: toml::de::Error| ConfigError::Parse {
            path: name.clone(),
            line: e
                .span()
                .map(|s| crate::content::line_of(&text, s.start))
                .unwrap_or(1),
            message: e.message().trim().to_string(),
        };
        // The file alone first, so its errors carry a line number.
        let mut config: Config = toml::from_str(&text).map_err(parse_err)?;
        let mut table: toml::Table = toml::from_str(&text).map_err(parse_err)?;
        // Then each override in turn, so a bad value is blamed on its variable.
        let map = EnvMap::new(fields::sections::<Config>());
        let mut overrides = std::collections::HashMap::new();
        for (var, value) in env {
            let Some(target) = map.target(&var)? else {
                continue;
            };
            apply_env(&mut table, &var, &target, value.clone())?;
            config = match table.clone().try_into() {
                Ok(config) => config,
                Err(e) => {
                    let refused = |e: toml::de::Error| ConfigError::Env {
                        var: var.clone(),
                        message: e.message().trim().to_string(),
                    };
                    // A text setting whose value reads as a number or a boolean takes it as text.
                    apply_text(&mut table, &var, &target, value)?;
                    table.clone().try_into().map_err(|_| refused(e))?
                }
            };
            overrides.insert(format!("{}.{}", target.section, target.key), var);
        }
        config.lessons.configured = table
            .get("lessons")
            .and_then(toml::Value::as_table)
            .is_some_and(|t| t.contains_key("dir"));
        let origins = origin::Origins {
            path: &name,
            text: &text,
            overrides,
        };
        config
            .validate()
            .map_err(|(key, message)| origins.locate(&key, &message))?;
        Ok(config)
    }

    /// The first setting out of its range, as (`section.key` or `section`, what is wrong).
    fn validate(&self) -> Result<(), (String, String)> {
        let invalid = |key: &str, message: &str| Err((key.to_string(), message.to_string()));
        if self.database.url.trim().is_empty() {
            return invalid("database.url", "must not be empty");
        }
        for (key, v) in [
            ("points.correct_answer", self.points.correct_answer),
            ("points.poll_answer", self.points.poll_answer),
            ("points.lesson_completed", self.points.lesson_completed),
        ] {
            if !(0..=1000).contains(&v) {
                return invalid(key, "must be between 0 and 1000");
            }
        }
        if !(1..=100).contains(&self.outbox.max_attempts) {
            return invalid("outbox.max_attempts", "must be between 1 and 100");
        }
        if self.outbox.base_backoff_secs < 1
            || self.outbox.max_backoff_secs < self.outbox.base_backoff_secs
        {
            return invalid(
                "outbox.base_backoff_secs",
                "must be at least 1 and at most outbox.max_backoff_secs",
            );
        }
        if !(1..=10).contains(&self.slack.connections) {
            return invalid("slack.connections", "must be between 1 and 10");
        }
        if !(0.1..=10_000.0).contains(&self.slack.messages_per_second) {
            return invalid("slack.messages_per_second", "must be between 0.1 and 10000");
        }
        if !(1.0..=3600.0).contains(&self.slack.pacing_scale) {
            return invalid("slack.pacing_scale", "must be between 1 and 3600");
        }
        // Faster pacing is for a fake Slack on this machine, never for the real one.
        let loopback = ["http://127.0.0.1:", "http://localhost:", "http://[::1]:"]
            .iter()
            .any(|p| self.slack.api_url.starts_with(p));
        if self.slack.pacing_scale != 1.0 && !loopback {
            return invalid(
                "slack.pacing_scale",
                "may differ from 1 only with a loopback api_url (a test's fake Slack)",
            );
        }
        if self.slack.enabled && !self.slack.api_url.starts_with("http") {
            return invalid("slack.api_url", "must be an http(s) URL");
        }
        if !(1..=50).contains(&self.discord.max_requests_per_second) {
            return invalid(
                "discord.max_requests_per_second",
                "must be between 1 and 50 (Discord's global limit)",
            );
        }
        if let Err(e) = QuietHours::parse(&self.campaigns.quiet_hours) {
            return invalid("campaigns.quiet_hours", &e.to_string());
        }
        for (key, v, max) in [
            (
                "campaigns.late_after_secs",
                self.campaigns.late_after_secs,
                86_400,
            ),
            (
                "campaigns.remind_days_before",
                self.campaigns.remind_days_before,
                365,
            ),
            (
                "campaigns.remind_every_days",
                self.campaigns.remind_every_days,
                365,
            ),
        ] {
            if !(1..=max).contains(&v) {
                return invalid(key, &format!("must be between 1 and {max}"));
            }
        }
        if self.recognition.time_zone.parse::<chrono_tz::Tz>().is_err() {
            return invalid(
                "recognition.time_zone",
                "is not an IANA time zone (for example \"Europe/Berlin\" or \"UTC\")",
            );
        }
        if let Some(e) = self.reviews.problem() {
            return invalid("reviews", &e);
        }
        if let Some(e) = self.communities.problem() {
            return invalid("communities", &e);
        }
        if let Err(e) = recognition::validate_badges(&self.badges) {
            return invalid("badge", &e);
        }
        if self.xapi.enabled && self.xapi.endpoint.is_empty() && self.xapi.file.is_none() {
            return invalid("xapi", "enabled needs an `endpoint` (an LRS) or a `file`");
        }
        if !(1..=1000).contains(&self.xapi.batch_size) {
            return invalid("xapi.batch_size", "must be between 1 and 1000");
        }
        if !matches!(self.log.format.as_str(), "text" | "json") {
            return invalid("log.format", "must be \"text\" or \"json\"");
        }
        if !self.ops.listen.is_empty() && self.ops.listen.parse::<std::net::SocketAddr>().is_err() {
            return invalid(
                "ops.listen",
                "must be an address like 127.0.0.1:9187, or \"\" for off",
            );
        }
        if tracing_subscriber::EnvFilter::try_new(&self.log.filter).is_err() {
            return invalid("log.filter", "is not a valid tracing filter (try \"info\")");
        }
        Ok(())
    }

    pub fn engine_settings(&self) -> EngineSettings {
        EngineSettings {
            points: self.points,
            campaigns: self.campaigns.clone(),
            recognition: self.recognition.clone(),
            reviews: self.reviews.clone(),
            communities: self.communities.clone(),
            badges: if self.badges.is_empty() {
                default_badges()
            } else {
                self.badges.clone()
            },
        }
    }

    pub fn dispatcher(&self) -> DispatcherConfig {
        DispatcherConfig {
            max_attempts: self.outbox.max_attempts,
            base_backoff: chrono::Duration::seconds(self.outbox.base_backoff_secs),
            max_backoff: chrono::Duration::seconds(self.outbox.max_backoff_secs),
            ..DispatcherConfig::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_load_without_a_file() {
        let c = Config::load(None, env(&[])).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.database.url, "sqlite://nibble.db");
        assert_eq!(c.database.durability, Durability::Normal);
    }

    #[test]
    fn environment_overrides_the_file() {
        let c = Config::load(
            None,
            env(&[
                ("NIBBLE_DATABASE_URL", "sqlite://x.db"),
                ("NIBBLE_POINTS_CORRECT_ANSWER", "7"),
                ("NIBBLE_SLACK_BOT_TOKEN", "xoxb-secret"),
            ]),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.database.url, "sqlite://x.db");
        assert_eq!(c.points.correct_answer, 7);
    }

    #[test]
    fn unknown_keys_and_bad_values_name_the_key() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("c.toml");
        std::fs::write(&path, "[database]\nurl = \"x\"\ncolour = 1\n")
            .unwrap_or_else(|e| panic!("{e}"));
        let err = Config::load(Some(&path), env(&[]))
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(err.contains("colour") && err.contains(":3:"), "{err}");

        let err = Config::load(None, env(&[("NIBBLE_POINTS_POLL_ANSWER", "-4")]))
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(err.contains("points.poll_answer"), "{err}");

        let err = Config::load(None, env(&[("NIBBLE_DATABASE_DURABILITY", "maybe")]))
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("NIBBLE_DATABASE_DURABILITY") && err.contains("maybe"),
            "{err}"
        );

        let err = Config::load(None, env(&[("NIBBLE_DATABASE_COLOUR", "red")]))
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("NIBBLE_DATABASE_COLOUR") && err.contains("colour"),
            "{err}"
        );
    }

    #[test]
    fn every_section_is_overridable_and_strays_are_refused() {
        let c = Config::load(
            None,
            env(&[
                ("NIBBLE_CAMPAIGNS_QUIET_HOURS", "off"),
                ("NIBBLE_RECOGNITION_TIME_ZONE", "Europe/Berlin"),
                ("NIBBLE_RECOGNITION_STREAK_MILESTONES", "[2, 4]"),
                ("NIBBLE_CONFIG", "elsewhere.toml"),
            ]),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.campaigns.quiet_hours, "off");
        assert_eq!(c.recognition.time_zone, "Europe/Berlin");
        assert_eq!(c.recognition.streak_milestones, vec![2, 4]);

        let err = Config::load(None, env(&[("NIBBLE_DATABSE_URL", "sqlite://x.db")]))
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("NIBBLE_DATABSE_URL") && err.contains("NIBBLE_DATABASE_URL"),
            "{err}"
        );
    }

    #[test]
    fn a_value_out_of_range_names_its_line_or_its_variable() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("c.toml");
        std::fs::write(&path, "[points]\n\ncorrect_answer = 5000\n")
            .unwrap_or_else(|e| panic!("{e}"));
        let err = Config::load(Some(&path), env(&[]))
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("c.toml:3:") && err.contains("points.correct_answer"),
            "{err}"
        );
        let err = Config::load(Some(&path), env(&[("NIBBLE_POINTS_CORRECT_ANSWER", "-1")]))
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(err.contains("NIBBLE_POINTS_CORRECT_ANSWER"), "{err}");
        let err = Config::load(None, env(&[("NIBBLE_CAMPAIGNS_LATE_AFTER_SECS", "0")]))
            .map(|_| ())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("NIBBLE_CAMPAIGNS_LATE_AFTER_SECS")
                && err.contains("campaigns.late_after_secs"),
            "{err}"
        );
    }
}
