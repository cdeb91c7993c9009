//! `GET /healthz`: 200 when the database answers a probe in time, no background loop finds the store
//! failing and every platform is connected; 503 otherwise, with the reasons in a JSON body.

use super::server::OpsState;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::time::Duration;

/// How long the database probe may take before the store counts as failing (a locked or hung
/// database must not hang the health check too).
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

pub(super) async fn health(State(state): State<OpsState>) -> Response {
    let probe = match tokio::time::timeout(PROBE_TIMEOUT, state.store.ping()).await {
        Ok(Ok(())) => None,
        Ok(Err(e)) => Some(format!("error: {e}")),
        Err(_) => Some(format!(
            "error: no answer within {} s",
            PROBE_TIMEOUT.as_secs()
        )),
    };
    // The probe cannot see everything (a dropped table, a read-only file): the loops that use the
    // store say whether it fails them.
    let database = match (probe, state.health.store_failure()) {
        (Some(e), _) => e,
        (None, Some(loops)) => format!("error: failing: {loops}"),
        (None, None) => "ok".to_string(),
    };
    let platforms: serde_json::Map<String, serde_json::Value> = state
        .connections
        .iter()
        .map(|(name, c)| (name.to_string(), serde_json::json!(c.state())))
        .collect();
    let loops: serde_json::Map<String, serde_json::Value> = state
        .health
        .failing()
        .into_iter()
        .map(|(name, f)| (name.to_string(), serde_json::json!(f)))
        .collect();
    let healthy = database == "ok"
        && state
            .connections
            .iter()
            .all(|(_, c)| c.state() == "connected");
    let body = serde_json::json!({
        "status": if healthy { "ok" } else { "degraded" },
        "database": database,
        "platforms": platforms,
        "failing": loops,
    });
    let status = if healthy {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        format!("{body}\n"),
    )
        .into_response()
}
