//! Where statements go: an LRS's `statements` resource (POST, JSON array, Basic auth, the xAPI
//! version header) or a JSON Lines file. An LRS that does not connect within `CONNECT_TIMEOUT`, or
//! does not answer within `REQUEST_TIMEOUT`, fails the send (the exporter then backs off) instead of
//! holding the export forever.

use crate::store::StoreError;
use base64::Engine as _;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use secrecy::{ExposeSecret, SecretString};
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

/// How long connecting to the LRS (TCP and TLS) may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long one send may take from the request to the last byte of the answer.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

type Https = hyper_rustls::HttpsConnector<HttpConnector>;

#[derive(Debug, thiserror::Error)]
pub enum SinkError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the LRS refused the statements: HTTP {status}: {body}")]
    Refused { status: u16, body: String },
    #[error("cannot reach the LRS: {0}")]
    Unreachable(String),
    #[error("the LRS did not answer within {} s", .0.as_secs())]
    Silent(Duration),
    /// The io error is in the message, not kept as a source (`{:#}` would print it twice).
    #[error("cannot write the statements file `{path}`: {reason}")]
    File {
        path: PathBuf,
        reason: std::io::Error,
    },
    #[error("xAPI is misconfigured: {0}")]
    Config(String),
}

pub enum Sink {
    Http {
        url: String,
        /// `Basic …` (it carries the password): exposed only into the request that sends it.
        authorization: Option<SecretString>,
        client: Box<Client<Https, Full<Bytes>>>,
    },
    File(PathBuf),
}

impl std::fmt::Debug for Sink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Sink::Http {
                url, authorization, ..
            } => f
                .debug_struct("Http")
                .field("url", url)
                .field("authorization", authorization)
                .finish_non_exhaustive(),
            Sink::File(path) => f.debug_tuple("File").field(path).finish(),
        }
    }
}

impl Sink {
    /// An LRS at `endpoint` (its xAPI base), with Basic auth when a user is given.
    pub fn http(
        endpoint: &str,
        username: &str,
        password: &SecretString,
    ) -> Result<Self, SinkError> {
        let mut tcp = HttpConnector::new();
        tcp.enforce_http(false);
        tcp.set_connect_timeout(Some(CONNECT_TIMEOUT));
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_native_roots()
            .map_err(|e| SinkError::Config(format!("TLS roots: {e}")))?
            .https_or_http()
            .enable_http1()
            .wrap_connector(tcp);
        let authorization = (!username.is_empty()).then(|| {
            let token = base64::engine::general_purpose::STANDARD
                .encode(format!("{username}:{}", password.expose_secret()));
            SecretString::new(format!("Basic {token}"))
        });
        Ok(Sink::Http {
            url: format!("{}/statements", endpoint.trim_end_matches('/')),
            authorization,
            client: Box::new(Client::builder(TokioExecutor::new()).build(connector)),
        })
    }

    pub async fn send(&self, statements: &[serde_json::Value]) -> Result<(), SinkError> {
        match self {
            Sink::File(path) => {
                let mut text = String::new();
                for s in statements {
                    text.push_str(&s.to_string());
                    text.push('\n');
                }
                let err = |reason| SinkError::File {
                    path: path.clone(),
                    reason,
                };
                let mut f = std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)
                    .map_err(err)?;
                f.write_all(text.as_bytes()).map_err(err)?;
                f.sync_data().map_err(err)
            }
            Sink::Http {
                url,
                authorization,
                client,
            } => {
                let body =
                    serde_json::to_vec(statements).map_err(|e| SinkError::Config(e.to_string()))?;
                let mut request = hyper::Request::post(url.as_str())
                    .header("Content-Type", "application/json")
                    .header("X-Experience-API-Version", "1.0.3");
                if let Some(auth) = authorization {
                    request = request.header("Authorization", auth.expose_secret().as_str());
                }
                let request = request
                    .body(Full::new(Bytes::from(body)))
                    .map_err(|e| SinkError::Config(e.to_string()))?;
                tokio::time::timeout(REQUEST_TIMEOUT, exchange(client, request))
                    .await
                    .unwrap_or(Err(SinkError::Silent(REQUEST_TIMEOUT)))
            }
        }
    }
}

/// One POST and its answer: Ok for a 2xx, the status and the start of the body otherwise.
async fn exchange(
    client: &Client<Https, Full<Bytes>>,
    request: hyper::Request<Full<Bytes>>,
) -> Result<(), SinkError> {
    let response = client
        .request(request)
        .await
        .map_err(|e| SinkError::Unreachable(with_causes(&e)))?;
    let status = response.status();
    if status.is_success() {
        return Ok(());
    }
    let body = response
        .into_body()
        .collect()
        .await
        .map(|b| {
            String::from_utf8_lossy(&b.to_bytes())
                .chars()
                .take(300)
                .collect()
        })
        .unwrap_or_default();
    Err(SinkError::Refused {
        status: status.as_u16(),
        body,
    })
}

/// An error with its causes ("client error (Connect): tcp connect error: connect timeout"): the
/// client's own message alone does not say what went wrong.
fn with_causes(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}
