//! Operations: the counters behind `/metrics`, the platform connections' and background loops' health
//! and backoff, and the local HTTP server for `/healthz` and `/metrics`.

mod connection;
pub mod health;
mod healthz;
pub mod metrics;
pub mod server;

pub use connection::Connection;
pub use health::{Backoff, LoopHealth, Retry};
pub use metrics::{Gauges, Metrics};
pub use server::{OpsLimits, OpsState, serve};
