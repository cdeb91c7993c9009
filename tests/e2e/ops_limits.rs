//! The ops listener under abuse (issue 19, item 9): partial and idle connections are closed after the
//! header timeout, a connection cap holds and `/healthz` is still answered while the cap is full of
//! idle connections; routes, methods and the metrics content type.

use nibble::ops::{LoopHealth, Metrics, OpsLimits, OpsState, serve};
use nibble::store::{Durability, Store};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Long enough for any honest client on loopback, short enough for a quick test.
const HEADER_TIMEOUT: Duration = Duration::from_millis(400);
/// The longest a test waits for what must happen.
const DEADLINE: Duration = Duration::from_secs(10);

async fn ops_server(
    dir: &std::path::Path,
    max_connections: usize,
) -> (SocketAddr, tokio::sync::watch::Sender<bool>) {
    let store = Store::open(
        &dir.join("ops.db").display().to_string(),
        Durability::Normal,
    )
    .await
    .expect("store");
    let state = OpsState {
        store,
        metrics: Arc::new(Metrics::default()),
        connections: Vec::new(),
        health: Arc::new(LoopHealth::default()),
    };
    let limits = OpsLimits {
        header_timeout: HEADER_TIMEOUT,
        connection_lifetime: Duration::from_secs(30),
        max_connections,
    };
    let (stop, rx) = tokio::sync::watch::channel(false);
    let (addr, _task) = serve("127.0.0.1:0", state, limits, rx)
        .await
        .expect("serve");
    (addr, stop)
}

/// Reads until the server closes the connection (or the deadline, which fails the test); returns
/// what was read.
async fn read_until_closed(stream: &mut TcpStream, what: &str) -> String {
    let mut raw = Vec::new();
    match tokio::time::timeout(DEADLINE, stream.read_to_end(&mut raw)).await {
        Ok(_) => String::from_utf8_lossy(&raw).to_string(),
        Err(_) => panic!("the server kept {what} open for {DEADLINE:?}"),
    }
}

async fn healthz(addr: SocketAddr) -> String {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .expect("write");
    read_until_closed(&mut stream, "a health check").await
}

#[tokio::test]
async fn a_slowloris_request_and_an_idle_connection_are_closed_after_the_header_timeout() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (addr, _stop) = ops_server(dir.path(), 8).await;

    // Headers started and never finished.
    let started = Instant::now();
    let mut partial = TcpStream::connect(addr).await.expect("connect");
    partial
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        .await
        .expect("write");
    read_until_closed(&mut partial, "a partial request").await;
    assert!(
        started.elapsed() >= HEADER_TIMEOUT / 2,
        "closed by the timeout, not at once"
    );

    // Nothing sent at all.
    let mut silent = TcpStream::connect(addr).await.expect("connect");
    read_until_closed(&mut silent, "a silent connection").await;

    // A kept-alive connection after its answer: idle, then closed the same way.
    let mut kept = TcpStream::connect(addr).await.expect("connect");
    kept.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .expect("write");
    let answer = read_until_closed(&mut kept, "an idle kept-alive connection").await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

#[tokio::test]
async fn the_connection_cap_holds_and_healthz_is_answered_while_idle_connections_fill_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (addr, _stop) = ops_server(dir.path(), 3).await;
    let started = Instant::now();
    let mut idle = Vec::new();
    for _ in 0..3 {
        idle.push(TcpStream::connect(addr).await.expect("connect"));
    }
    // The cap is full: this one waits in the backlog until the idle ones are closed, then is answered.
    let answer = healthz(addr).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("\"status\":\"ok\""), "{answer}");
    assert!(
        started.elapsed() >= HEADER_TIMEOUT / 2,
        "answered before any idle connection ended: the cap of 3 was not enforced"
    );
    for mut stream in idle {
        read_until_closed(&mut stream, "an idle connection").await;
    }
    // And with room again, answered as usual.
    assert!(healthz(addr).await.starts_with("HTTP/1.1 200"));
}

/// Sends one raw request on a fresh connection and returns the whole answer.
async fn request(addr: SocketAddr, head: &str) -> String {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    let raw = format!("{head}\r\nHost: x\r\nConnection: close\r\n\r\n");
    stream.write_all(raw.as_bytes()).await.expect("write");
    read_until_closed(&mut stream, "a request").await
}

#[tokio::test]
async fn routes_methods_and_the_metrics_content_type() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (addr, _stop) = ops_server(dir.path(), 8).await;
    let metrics = request(addr, "GET /metrics HTTP/1.1").await;
    assert!(metrics.starts_with("HTTP/1.1 200"), "{metrics}");
    assert!(
        metrics
            .to_lowercase()
            .contains("content-type: application/openmetrics-text; version=1.0.0"),
        "{metrics}"
    );
    assert!(metrics.contains("nibble_outbox_pending 0\n"), "{metrics}");
    assert!(metrics.ends_with("# EOF\n"), "{metrics}");
    for head in [
        "POST /healthz HTTP/1.1",
        "DELETE /metrics HTTP/1.1",
        "PUT /nope HTTP/1.1",
    ] {
        let answer = request(addr, head).await;
        assert!(answer.starts_with("HTTP/1.1 405"), "{head}: {answer}");
        assert!(answer.ends_with("GET only\n"), "{head}: {answer}");
    }
    let unknown = request(addr, "GET /nope HTTP/1.1").await;
    assert!(unknown.starts_with("HTTP/1.1 404"), "{unknown}");
    assert!(unknown.ends_with("try /healthz or /metrics\n"), "{unknown}");
    let head = request(addr, "HEAD /healthz HTTP/1.1").await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(
        head.ends_with("\r\n\r\n"),
        "HEAD answers without a body: {head}"
    );
}
