//! A platform connection's state as its listener last saw it, read by `/healthz`.

use std::sync::atomic::{AtomicU8, Ordering};

#[derive(Debug, Default)]
pub struct Connection(AtomicU8);

const CONNECTING: u8 = 0;
const CONNECTED: u8 = 1;
const DISCONNECTED: u8 = 2;

impl Connection {
    pub fn set_connected(&self, connected: bool) {
        let v = if connected { CONNECTED } else { DISCONNECTED };
        self.0.store(v, Ordering::Relaxed);
    }

    /// "connecting" (not up yet), "connected" or "disconnected".
    pub fn state(&self) -> &'static str {
        match self.0.load(Ordering::Relaxed) {
            CONNECTING => "connecting",
            CONNECTED => "connected",
            _ => "disconnected",
        }
    }
}
