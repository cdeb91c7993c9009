//! `NIBBLE_<SECTION>_<KEY>` environment overrides, applied one variable at a time.

use super::ConfigError;

/// Sections whose scalar keys the environment may override.
pub(super) const SECTIONS: &[&str] = &[
    "database",
    "lessons",
    "points",
    "outbox",
    "log",
    "slack",
    "discord",
    "reviews",
    "ops",
    "xapi",
    "communities",
];
/// Secrets are read by the adapters themselves, never merged into the settings.
pub const SECRET_VARS: &[&str] = &[
    "NIBBLE_SLACK_BOT_TOKEN",
    "NIBBLE_SLACK_APP_TOKEN",
    "NIBBLE_DISCORD_TOKEN",
    "NIBBLE_XAPI_PASSWORD",
];

/// `NIBBLE_DATABASE_URL=…` sets `[database] url`. Values are read as TOML scalars when they parse
/// (numbers, booleans), else as strings. Returns false for variables that are not settings (tokens,
/// test hooks), which are read elsewhere.
pub(super) fn apply_env(
    table: &mut toml::Table,
    var: &str,
    value: String,
) -> Result<bool, ConfigError> {
    let Some(rest) = var.strip_prefix("NIBBLE_") else {
        return Ok(false);
    };
    if SECRET_VARS.contains(&var) {
        return Ok(false);
    }
    let lower = rest.to_lowercase();
    let Some(section) = SECTIONS
        .iter()
        .find(|s| lower.starts_with(&format!("{s}_")))
    else {
        return Ok(false);
    };
    let key = lower[section.len() + 1..].to_string();
    let parsed = format!("v = {value}")
        .parse::<toml::Table>()
        .ok()
        .and_then(|mut t| t.remove("v"))
        .filter(|v| !v.is_table() && !v.is_array())
        .unwrap_or(toml::Value::String(value));
    let entry = table
        .entry(section.to_string())
        .or_insert_with(|| toml::Value::Table(toml::Table::new()));
    let Some(section_table) = entry.as_table_mut() else {
        return Err(ConfigError::Env {
            var: var.to_string(),
            message: format!("`{section}` in the config file is not a table"),
        });
    };
    section_table.insert(key, parsed);
    Ok(true)
}
