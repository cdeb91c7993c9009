//! `[xapi]`: where the optional xAPI export sends learning events (the exporter in `src/xapi/` reads it).

use serde::Deserialize;
use std::path::PathBuf;

/// `[xapi]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct XapiConfig {
    pub enabled: bool,
    /// The LRS's xAPI base, e.g. "https://lrs.example.com/xapi" (statements go to `…/statements`).
    pub endpoint: String,
    /// Write statements to this JSON Lines file instead of an LRS.
    pub file: Option<PathBuf>,
    /// Basic-auth user for the LRS; the password comes from NIBBLE_XAPI_PASSWORD or `password_file`.
    pub username: String,
    pub password_file: Option<PathBuf>,
    /// Statements per request (per kind of event).
    pub batch_size: i64,
    /// Seconds between looks for new events when there were none.
    pub interval_secs: u64,
}

impl Default for XapiConfig {
    fn default() -> Self {
        Self {
            enabled: false,
            endpoint: String::new(),
            file: None,
            username: String::new(),
            password_file: None,
            batch_size: 100,
            interval_secs: 10,
        }
    }
}
