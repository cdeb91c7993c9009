//! The operations endpoints on a local address: `GET /healthz` (database, background loops and
//! platform connections, 200 or 503 with a JSON body) and `GET /metrics` (OpenMetrics text), routed
//! by axum. The listener protects itself: headers must arrive in time (idle kept-alive connections
//! are closed the same way), a connection lives a bounded time, at most so many are served at once,
//! and accept errors (out of file descriptors) pause the loop instead of spinning it.
//!
//! Why not `axum::serve`: it builds its hyper connections without a timer, so it cannot bound how
//! long headers take (a slowloris holds a connection forever), and it has no connection cap. The
//! accept loop and hyper's HTTP/1 builder stay ours; each connection is served by the axum router.

use super::connection::Connection;
use super::health::LoopHealth;
use super::metrics::{self, Gauges, Metrics};
use crate::store::Store;
use axum::Router;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::{self as layer, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tracing::Instrument;

/// What the endpoints read.
#[derive(Clone)]
pub struct OpsState {
    pub store: Store,
    pub metrics: Arc<Metrics>,
    /// Each enabled platform's connection, by name.
    pub connections: Vec<(&'static str, Arc<Connection>)>,
    /// The background loops failing now.
    pub health: Arc<LoopHealth>,
}

/// The listener's limits.
#[derive(Debug, Clone)]
pub struct OpsLimits {
    /// A request's headers must arrive within this; a kept-alive connection may idle this long.
    pub header_timeout: Duration,
    /// The longest one connection is kept, whatever it does (a slowly dripped body included).
    pub connection_lifetime: Duration,
    /// Connections served at once; further ones wait in the listen backlog until one ends.
    pub max_connections: usize,
}

impl Default for OpsLimits {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(5),
            connection_lifetime: Duration::from_secs(60),
            max_connections: 32,
        }
    }
}

/// The pause after `errors` accept failures in a row: 10 ms doubling to 1 s (out of file descriptors,
/// accepting again at once would only fail again, spinning a core).
pub fn accept_pause(errors: u32) -> Duration {
    let doublings = errors.saturating_sub(1).min(7);
    (Duration::from_millis(10) * (1 << doublings)).min(Duration::from_secs(1))
}

/// Whether the endpoints are reachable from other machines (they are unauthenticated).
pub fn beyond_loopback(addr: &SocketAddr) -> bool {
    !addr.ip().is_loopback()
}

/// Binds the address; the server runs until shutdown. Returns the bound address (port 0 picks one).
pub async fn serve(
    addr: &str,
    state: OpsState,
    limits: OpsLimits,
    shutdown: watch::Receiver<bool>,
) -> std::io::Result<(SocketAddr, tokio::task::JoinHandle<()>)> {
    let listener = TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    tracing::info!(address = %bound, "ops endpoints: /healthz and /metrics");
    if beyond_loopback(&bound) {
        tracing::warn!(address = %bound,
            "the ops endpoints are unauthenticated and listen beyond this machine: prefer a loopback address (127.0.0.1) or a firewall");
    }
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let app = router(state);
    let task = tokio::spawn(async move {
        let listener = &listener;
        let accept = move || async move { listener.accept().await.map(|(stream, _)| stream) };
        let serve_one = |stream, permit| {
            tokio::spawn(serve_connection(
                stream,
                app.clone(),
                limits.clone(),
                permit,
            ));
        };
        accept_loop(accept, permits, serve_one, shutdown).await;
    });
    Ok((bound, task))
}

/// Accepts until shutdown, each connection with a permit (at the cap, the next waits for one to end);
/// after an error it pauses (`accept_pause`), logging the first of a run.
async fn accept_loop<S, Fut>(
    mut accept: impl FnMut() -> Fut,
    permits: Arc<Semaphore>,
    mut serve: impl FnMut(S, OwnedSemaphorePermit),
    mut shutdown: watch::Receiver<bool>,
) where
    Fut: std::future::Future<Output = std::io::Result<S>>,
{
    let mut errors = 0u32;
    loop {
        let permit = match permits.clone().try_acquire_owned() {
            Ok(p) => p,
            Err(_) => {
                tracing::debug!("ops connections at their cap: the next waits for one to end");
                tokio::select! {
                    p = permits.clone().acquire_owned() => match p { Ok(p) => p, Err(_) => return },
                    _ = shutdown.changed() => return,
                }
            }
        };
        let accepted = tokio::select! {
            a = accept() => a,
            _ = shutdown.changed() => return,
        };
        match accepted {
            Ok(stream) => {
                if errors > 0 {
                    tracing::info!(failures = errors, "accepting ops connections again");
                    errors = 0;
                }
                serve(stream, permit);
            }
            Err(e) => {
                errors = errors.saturating_add(1);
                if errors == 1 {
                    tracing::warn!(error = %e, "cannot accept ops connections (out of file descriptors?): pausing between attempts");
                }
                tokio::select! {
                    _ = tokio::time::sleep(accept_pause(errors)) => {}
                    _ = shutdown.changed() => return,
                }
            }
        }
    }
}

/// The endpoints: GET (and so HEAD) `/healthz` and `/metrics`; any other method is refused with
/// 405, any other path with 404.
fn router(state: OpsState) -> Router {
    Router::new()
        .route("/healthz", get(super::healthz::health))
        .route("/metrics", get(metrics_text))
        .method_not_allowed_fallback(get_only)
        .fallback(unknown_path)
        .layer(layer::from_fn(request_span))
        .with_state(state)
}

/// Serves one connection within the limits; its permit is returned when it ends.
async fn serve_connection(
    stream: TcpStream,
    app: Router,
    limits: OpsLimits,
    _permit: OwnedSemaphorePermit,
) {
    let connection = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .serve_connection(TokioIo::new(stream), TowerToHyperService::new(app));
    match tokio::time::timeout(limits.connection_lifetime, connection).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => tracing::debug!(error = %e, "ops connection ended"),
        Err(_) => tracing::debug!("ops connection closed: open too long"),
    }
}

async fn request_span(request: Request, next: Next) -> Response {
    let span = tracing::info_span!("ops.request", path = %request.uri().path());
    next.run(request).instrument(span).await
}

async fn metrics_text(State(state): State<OpsState>) -> Response {
    let (outbox_pending, outbox_failed) = state.store.outbox_depth().await.unwrap_or((-1, -1));
    let gauges = Gauges {
        outbox_pending,
        outbox_failed,
    };
    let text = state.metrics.render(&gauges);
    ([(header::CONTENT_TYPE, metrics::CONTENT_TYPE)], text).into_response()
}

async fn get_only() -> Response {
    (
        StatusCode::METHOD_NOT_ALLOWED,
        [(header::CONTENT_TYPE, "text/plain")],
        "GET only\n",
    )
        .into_response()
}

async fn unknown_path(method: Method) -> Response {
    if method != Method::GET {
        return get_only().await;
    }
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/plain")],
        "try /healthz or /metrics\n",
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_errors_pause_longer_each_time_up_to_a_second() {
        let pauses: Vec<u128> = (1..=9).map(|n| accept_pause(n).as_millis()).collect();
        assert_eq!(pauses, [10, 20, 40, 80, 160, 320, 640, 1000, 1000]);
    }

    /// Out of file descriptors, `accept` fails at once every time: over ten seconds (tokio's paused
    /// clock, advanced by the runtime whenever every task waits, so no real waiting) the loop tries a
    /// handful of times; a spinning loop passes 100 tries without the clock moving.
    #[tokio::test(start_paused = true)]
    async fn accept_errors_pause_the_loop_instead_of_spinning() {
        use std::sync::atomic::{AtomicU32, Ordering};
        let calls = Arc::new(AtomicU32::new(0));
        let tried = Arc::new(tokio::sync::Notify::new());
        let (counted, notify) = (calls.clone(), tried.clone());
        let accept = move || {
            counted.fetch_add(1, Ordering::Relaxed);
            notify.notify_one();
            async {
                tokio::task::yield_now().await;
                Err::<(), _>(std::io::Error::from_raw_os_error(24)) // EMFILE
            }
        };
        let (stop, rx) = watch::channel(false);
        let task = tokio::spawn(accept_loop(
            accept,
            Arc::new(Semaphore::new(4)),
            |_, _| {},
            rx,
        ));
        let started = tokio::time::Instant::now();
        let watch_tries = async {
            while calls.load(Ordering::Relaxed) <= 100 {
                tried.notified().await;
            }
        };
        let spun = tokio::time::timeout(Duration::from_secs(10), watch_tries).await;
        let tries = calls.load(Ordering::Relaxed);
        assert!(
            spun.is_err(),
            "{tries} accept attempts in {:?}",
            started.elapsed()
        );
        // 10 ms doubling to 1 s: 8 tries in the first 1.27 s, then about one a second.
        assert!((8..=20).contains(&tries), "{tries} accept attempts in 10 s");
        let _ = stop.send(true);
        task.await.expect("loop ends on shutdown");
    }

    #[test]
    fn only_loopback_addresses_stay_on_this_machine() {
        for (addr, beyond) in [
            ("127.0.0.1:9100", false),
            ("[::1]:9100", false),
            ("0.0.0.0:9100", true),
            ("[::]:9100", true),
            ("192.168.1.5:9100", true),
        ] {
            let addr: SocketAddr = addr.parse().expect("address");
            assert_eq!(beyond_loopback(&addr), beyond, "{addr}");
        }
    }
}
