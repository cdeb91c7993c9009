//! The operations endpoints on a local address: `GET /healthz` (database and platform connections,
//! 200 or 503 with a JSON body) and `GET /metrics` (Prometheus text).

use super::metrics::{Gauges, Metrics};
use crate::chat::Connection;
use crate::store::Store;
use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::watch;

/// What the endpoints read.
#[derive(Clone)]
pub struct OpsState {
    pub store: Store,
    pub metrics: Arc<Metrics>,
    /// Each enabled platform's connection, by name.
    pub connections: Vec<(&'static str, Arc<Connection>)>,
}

/// Binds the address; the server runs until shutdown. Returns the bound address (port 0 picks one).
pub async fn serve(
    addr: &str,
    state: OpsState,
    mut shutdown: watch::Receiver<bool>,
) -> std::io::Result<(SocketAddr, tokio::task::JoinHandle<()>)> {
    let listener = TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    tracing::info!(address = %bound, "ops endpoints: /healthz and /metrics");
    let task = tokio::spawn(async move {
        loop {
            let accepted = tokio::select! {
                a = listener.accept() => a,
                _ = shutdown.changed() => return,
            };
            let Ok((stream, _)) = accepted else { continue };
            let state = state.clone();
            tokio::spawn(async move {
                let service = service_fn(move |req| {
                    let state = state.clone();
                    async move { Ok::<_, std::convert::Infallible>(respond(&state, req).await) }
                });
                if let Err(e) = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await
                {
                    tracing::debug!(error = %e, "ops connection ended");
                }
            });
        }
    });
    Ok((bound, task))
}

fn reply(status: StatusCode, content_type: &str, body: String) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::from(body)));
    *r.status_mut() = status;
    if let Ok(v) = content_type.parse() {
        r.headers_mut().insert(hyper::header::CONTENT_TYPE, v);
    }
    r
}

#[tracing::instrument(name = "ops.request", skip_all, fields(path = %req.uri().path()))]
async fn respond(state: &OpsState, req: Request<Incoming>) -> Response<Full<Bytes>> {
    if req.method() != Method::GET {
        return reply(
            StatusCode::METHOD_NOT_ALLOWED,
            "text/plain",
            "GET only\n".into(),
        );
    }
    match req.uri().path() {
        "/healthz" => health(state).await,
        "/metrics" => {
            let (outbox_pending, outbox_failed) =
                state.store.outbox_depth().await.unwrap_or((-1, -1));
            let gauges = Gauges {
                outbox_pending,
                outbox_failed,
            };
            reply(
                StatusCode::OK,
                "text/plain; version=0.0.4",
                state.metrics.render(&gauges),
            )
        }
        _ => reply(
            StatusCode::NOT_FOUND,
            "text/plain",
            "try /healthz or /metrics\n".into(),
        ),
    }
}

async fn health(state: &OpsState) -> Response<Full<Bytes>> {
    let database = match state.store.ping().await {
        Ok(()) => "ok".to_string(),
        Err(e) => format!("error: {e}"),
    };
    let platforms: serde_json::Map<String, serde_json::Value> = state
        .connections
        .iter()
        .map(|(name, c)| (name.to_string(), serde_json::json!(c.state())))
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
    });
    let status = if healthy {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    reply(status, "application/json", format!("{body}\n"))
}
