//! Starting the xAPI export beside the daemon when `[xapi]` enables it.

use super::{Daemon, DaemonError};
use crate::config::Config;
use std::collections::HashMap;

impl Daemon {
    /// Starts the xAPI export when `[xapi]` enables it (the LRS password from the environment or
    /// `password_file`).
    pub fn start_xapi(
        &mut self,
        config: &Config,
        env: &HashMap<String, String>,
    ) -> Result<(), DaemonError> {
        let x = &config.xapi;
        if !x.enabled {
            return Ok(());
        }
        let sink = match &x.file {
            Some(path) => crate::xapi::Sink::File(path.clone()),
            None => {
                let password = match (env.get("NIBBLE_XAPI_PASSWORD"), &x.password_file) {
                    (Some(p), _) => p.trim().to_string(),
                    (None, Some(path)) => std::fs::read_to_string(path)
                        .map_err(|e| {
                            DaemonError::Xapi(format!("cannot read `{}`: {e}", path.display()))
                        })?
                        .trim()
                        .to_string(),
                    (None, None) => String::new(),
                };
                let password = secrecy::SecretString::new(password);
                crate::xapi::Sink::http(&x.endpoint, &x.username, &password)
                    .map_err(|e| DaemonError::Xapi(e.to_string()))?
            }
        };
        self.xapi = Some(tokio::spawn(crate::xapi::run(
            self.store.clone(),
            self.engine.catalog().clone(),
            sink,
            x.batch_size,
            std::time::Duration::from_secs(x.interval_secs.max(1)),
            crate::ops::Retry::new("xAPI export", self.health.clone(), self.clock.clone()),
            self.shutdown.subscribe(),
        )));
        tracing::info!(endpoint = %x.endpoint, file = ?x.file, "xAPI export started");
        Ok(())
    }
}
