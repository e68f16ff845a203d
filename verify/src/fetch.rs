//! `GET` over HTTP/1.1, plain or TLS, one connection per request: the verifier fetches a few
//! dozen files once, so connection reuse is not worth a pool. Redirects are not followed:
//! a served release answers every path itself.

use std::sync::Arc;
use std::time::Duration;

use http_body_util::{BodyExt, Empty, Limited};
use hyper::body::Bytes;
use hyper::header::{HeaderMap, HeaderName, HeaderValue, HOST};
use hyper::{Request, StatusCode, Uri};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio_rustls::rustls::pki_types::ServerName;
use tokio_rustls::rustls::{ClientConfig, RootCertStore};
use tokio_rustls::TlsConnector;

/// The largest file accepted (the app's wasm is about 4 MiB).
const MAX_BODY: usize = 64 * 1024 * 1024;
/// How long one request may take, connection included.
const TIMEOUT: Duration = Duration::from_secs(30);

/// A server's answer.
pub struct Fetched {
    /// Its status.
    pub status: StatusCode,
    /// Its headers.
    pub headers: HeaderMap,
    /// Its body.
    pub body: Bytes,
}

/// Why a request got no answer. Not an error type of its own: the crate's one error enum,
/// `VerifyError`, carries it with the URL it is about.
#[derive(Debug)]
#[non_exhaustive]
pub enum FetchError {
    /// The base URL is not `http://` or `https://` with a host.
    BadUrl(String),
    /// No connection, TLS refused, or the answer was not HTTP/1.1.
    Transport(String),
    /// No answer within [`TIMEOUT`].
    TimedOut,
    /// The body is larger than [`MAX_BODY`].
    TooLarge,
}

impl std::fmt::Display for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::BadUrl(url) => write!(f, "{url} is not an http:// or https:// URL with a host"),
            Self::Transport(detail) => write!(f, "{detail}"),
            Self::TimedOut => write!(f, "no answer within {} s", TIMEOUT.as_secs()),
            Self::TooLarge => {
                write!(
                    f,
                    "the answer is larger than {} MiB",
                    MAX_BODY / 1024 / 1024
                )
            }
        }
    }
}

impl std::error::Error for FetchError {}

/// Where the server is: scheme, host and port, from the base URL.
#[derive(Clone)]
pub struct Origin {
    tls: bool,
    host: String,
    port: u16,
    /// The path prefix of the deployment (`/` when served at the root).
    prefix: String,
}

impl Origin {
    /// Reads `http[s]://host[:port][/prefix]`.
    pub fn parse(url: &str) -> Result<Self, FetchError> {
        let uri: Uri = url
            .parse()
            .map_err(|_| FetchError::BadUrl(url.to_owned()))?;
        let tls = match uri.scheme_str() {
            Some("https") => true,
            Some("http") => false,
            _ => return Err(FetchError::BadUrl(url.to_owned())),
        };
        let host = uri
            .host()
            .filter(|host| !host.is_empty())
            .ok_or_else(|| FetchError::BadUrl(url.to_owned()))?
            .to_owned();
        let port = uri.port_u16().unwrap_or(if tls { 443 } else { 80 });
        let prefix = uri.path().trim_end_matches('/').to_owned();
        Ok(Self {
            tls,
            host,
            port,
            prefix,
        })
    }

    /// The URL of `path` (which starts with `/`) on this server.
    pub fn url(&self, path: &str) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!(
            "{scheme}://{}:{}{}{path}",
            self.host, self.port, self.prefix
        )
    }

    /// `GET path`, answered whatever its status.
    pub async fn get(&self, path: &str) -> Result<Fetched, FetchError> {
        self.get_with_headers(path, &[]).await
    }

    /// `GET path` with the request headers `headers` besides `Host` (as a browser sends
    /// `Service-Worker: script` when it fetches a worker's script), answered whatever its
    /// status.
    pub async fn get_with_headers(
        &self,
        path: &str,
        headers: &[(HeaderName, HeaderValue)],
    ) -> Result<Fetched, FetchError> {
        tokio::time::timeout(TIMEOUT, self.get_now(path, headers))
            .await
            .map_err(|_| FetchError::TimedOut)?
    }

    async fn get_now(
        &self,
        path: &str,
        headers: &[(HeaderName, HeaderValue)],
    ) -> Result<Fetched, FetchError> {
        let transport = |error: &dyn std::fmt::Display| FetchError::Transport(error.to_string());
        let tcp = TcpStream::connect((self.host.as_str(), self.port))
            .await
            .map_err(|e| transport(&e))?;
        let mut request = Request::get(format!("{}{path}", self.prefix))
            .header(HOST, self.authority())
            .body(Empty::<Bytes>::new())
            .map_err(|e| transport(&e))?;
        for (name, value) in headers {
            request.headers_mut().append(name.clone(), value.clone());
        }
        let response = if self.tls {
            let name = ServerName::try_from(self.host.clone()).map_err(|e| transport(&e))?;
            let tls = TlsConnector::from(tls_config()?)
                .connect(name, tcp)
                .await
                .map_err(|e| transport(&e))?;
            send(TokioIo::new(tls), request).await?
        } else {
            send(TokioIo::new(tcp), request).await?
        };
        let (parts, body) = response.into_parts();
        let body = Limited::new(body, MAX_BODY)
            .collect()
            .await
            .map_err(|_| FetchError::TooLarge)?
            .to_bytes();
        Ok(Fetched {
            status: parts.status,
            headers: parts.headers,
            body,
        })
    }

    fn authority(&self) -> String {
        let default_port = if self.tls { 443 } else { 80 };
        if self.port == default_port {
            self.host.clone()
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

async fn send<T>(
    io: TokioIo<T>,
    request: Request<Empty<Bytes>>,
) -> Result<hyper::Response<hyper::body::Incoming>, FetchError>
where
    T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let transport = |error: hyper::Error| FetchError::Transport(error.to_string());
    let (mut sender, connection) = hyper::client::conn::http1::handshake(io)
        .await
        .map_err(transport)?;
    // The connection runs beside the request; it ends when the response has been read.
    tokio::spawn(connection);
    sender.send_request(request).await.map_err(transport)
}

fn tls_config() -> Result<Arc<ClientConfig>, FetchError> {
    let roots = RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|error| FetchError::Transport(error.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(config))
}
