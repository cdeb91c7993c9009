//! The fake's REST API over TLS as `discord.com`, so serenity runs with its rate limiter on (which
//! always calls `https://discord.com`, ignoring any proxy) exactly as in production: the client
//! resolves discord.com to this listener and trusts the test CA in `tls/ca.pem` (its key was
//! discarded after signing `tls/discord.com.pem`: the CA can sign nothing else).

use axum::serve::Listener;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::server::TlsStream;

fn tls_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/support/fake_discord/tls")
}

/// The CA the client must trust for the fake's discord.com certificate.
pub fn ca_file() -> PathBuf {
    tls_dir().join("ca.pem")
}

fn acceptor() -> TlsAcceptor {
    let certs: Vec<CertificateDer<'static>> =
        CertificateDer::pem_file_iter(tls_dir().join("discord.com.pem"))
            .expect("fake discord certificate")
            .collect::<Result<_, _>>()
            .expect("certificate PEM");
    let key = PrivateKeyDer::from_pem_file(tls_dir().join("discord.com.key")).expect("fake key");
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .expect("certificate and key match");
    TlsAcceptor::from(Arc::new(config))
}

/// Accepts TCP connections and hands over those whose TLS handshake succeeded; handshakes run
/// concurrently, so one stalled client never blocks the others.
pub struct TlsListener {
    addr: SocketAddr,
    ready: mpsc::UnboundedReceiver<(TlsStream<TcpStream>, SocketAddr)>,
    _accepting: tokio::task::JoinHandle<()>,
}

impl TlsListener {
    pub async fn bind() -> Self {
        let tcp = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind fake discord TLS");
        let addr = tcp.local_addr().expect("address");
        let acceptor = acceptor();
        let (tx, ready) = mpsc::unbounded_channel();
        let accepting = tokio::spawn(async move {
            while let Ok((stream, peer)) = tcp.accept().await {
                let (acceptor, tx) = (acceptor.clone(), tx.clone());
                tokio::spawn(async move {
                    if let Ok(tls) = acceptor.accept(stream).await {
                        let _ = tx.send((tls, peer));
                    }
                });
            }
        });
        Self {
            addr,
            ready,
            _accepting: accepting,
        }
    }
}

impl Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.ready.recv().await {
            Some(conn) => conn,
            // The accept loop only ends with the runtime: wait for the server to be dropped.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        Ok(self.addr)
    }
}
