//! Operations: the counters behind `/metrics` and the local HTTP server for `/healthz` and `/metrics`.

pub mod metrics;
pub mod server;

pub use metrics::{Gauges, Metrics};
pub use server::{OpsState, serve};
