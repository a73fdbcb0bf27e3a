//! One HTTP exchange: send, read the body under a size cap and a deadline, and classify
//! failures into [`FetchError`] codes by walking the error's source chain (as lychee does).

use super::guard::{DnsError, PrivateAddressError};
use crate::model::FetchError;
use reqwest::header::{CONTENT_TYPE, HeaderMap, LOCATION, RETRY_AFTER};
use std::error::Error as StdError;
use std::time::Duration;

/// What one request returned.
#[derive(Debug)]
pub struct RawResponse {
    /// HTTP status.
    pub status: u16,
    /// Response headers.
    pub headers: HeaderMap,
    /// The decompressed body, read only for 2xx answers (empty otherwise).
    pub body: Vec<u8>,
    /// The body was cut at the cap ([`BodyCap::Cut`]).
    pub truncated: bool,
}

/// What to do with a body longer than its cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyCap {
    /// Fail with `body-too-large` (pages: half a page would be misread).
    Fail(usize),
    /// Keep the first bytes and stop reading (robots.txt: Google reads the first 500 KiB).
    Cut(usize),
}

impl BodyCap {
    fn limit(self) -> usize {
        match self {
            BodyCap::Fail(n) | BodyCap::Cut(n) => n,
        }
    }
}

impl RawResponse {
    /// A header as text, if present and valid.
    pub fn header(&self, name: impl reqwest::header::AsHeaderName) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// `Content-Type`.
    pub fn content_type(&self) -> Option<&str> {
        self.header(CONTENT_TYPE)
    }

    /// `Location`.
    pub fn location(&self) -> Option<&str> {
        self.header(LOCATION)
    }

    /// `Retry-After` in seconds (the HTTP-date form is treated as absent: servers that rate
    /// limit crawlers send seconds). A number too large for a `u64` saturates: it means
    /// "longer than we wait", never a panic or an absent header.
    pub fn retry_after(&self) -> Option<Duration> {
        let text = self.header(RETRY_AFTER)?.trim();
        if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some(Duration::from_secs(text.parse::<u64>().unwrap_or(u64::MAX)))
    }
}

/// Why one request failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestFailure {
    /// A fetch error code.
    Fetch(FetchError, Option<u16>),
    /// The SSRF guard refused the host's addresses.
    PrivateAddress,
    /// An established connection broke before the answer was complete (reset, closed early):
    /// reported as `connection-failed`, but worth another attempt, unlike a refused connect.
    Broken,
}

impl RequestFailure {
    /// Whether another attempt may succeed (lychee's classifier: timeouts and broken
    /// connections yes; DNS, TLS, protocol errors and caps no).
    pub fn is_retryable(self) -> bool {
        matches!(
            self,
            RequestFailure::Fetch(FetchError::Timeout | FetchError::BodyError, _)
                | RequestFailure::Broken
        )
    }
}

/// Sends a GET and reads the body of a 2xx answer, at most `cap` bytes after decompression,
/// all within `deadline`.
pub async fn get(
    client: &reqwest::Client,
    url: &url::Url,
    cap: BodyCap,
    deadline: Duration,
) -> Result<RawResponse, RequestFailure> {
    // Credentials in a URL (`user:pass@`) are never sent: reqwest would turn them into an
    // Authorization header for a stranger's server.
    let mut target = url.clone();
    if !target.username().is_empty() || target.password().is_some() {
        let _ = target.set_username("");
        let _ = target.set_password(None);
    }
    let exchange = async {
        let mut resp = client.get(target.as_str()).send().await.map_err(classify)?;
        let status = resp.status().as_u16();
        let headers = std::mem::take(resp.headers_mut());
        let mut body = Vec::new();
        let mut truncated = false;
        if (200..300).contains(&status) {
            // Reading chunk by chunk lets the cap stop a decompression bomb after the cap
            // instead of after it has filled memory. (`Content-Length` is not trusted for
            // this: it may lie, and it counts compressed bytes.)
            let max = cap.limit();
            while let Some(chunk) = resp.chunk().await.map_err(classify)? {
                if body.len().saturating_add(chunk.len()) > max {
                    if let BodyCap::Fail(_) = cap {
                        return Err(RequestFailure::Fetch(
                            FetchError::BodyTooLarge,
                            Some(status),
                        ));
                    }
                    body.extend_from_slice(&chunk[..max - body.len()]);
                    truncated = true;
                    break;
                }
                body.extend_from_slice(&chunk);
            }
        }
        Ok(RawResponse {
            status,
            headers,
            body,
            truncated,
        })
    };
    match tokio::time::timeout(deadline, exchange).await {
        Ok(r) => r,
        Err(_) => Err(RequestFailure::Fetch(FetchError::Timeout, None)),
    }
}

/// Maps a reqwest error to a failure code by looking through its whole source chain.
pub fn classify(err: reqwest::Error) -> RequestFailure {
    let mut tls = false;
    let mut parse = false;
    let mut incomplete = false;
    let mut reset = false;
    let mut dns = false;
    let mut cur: Option<&(dyn StdError + 'static)> = Some(&err);
    while let Some(e) = cur {
        if e.is::<PrivateAddressError>() {
            return RequestFailure::PrivateAddress;
        }
        dns |= e.is::<DnsError>();
        tls |= e.is::<rustls::Error>();
        if let Some(h) = e.downcast_ref::<hyper::Error>() {
            parse |= h.is_parse() || h.is_parse_status();
            incomplete |= h.is_incomplete_message();
        }
        // `io::Error::source` skips the wrapped error itself, so look inside explicitly, through
        // every layer: a certificate error arrives as an io::Error in an io::Error.
        let mut io = e.downcast_ref::<std::io::Error>();
        reset |= io.is_some_and(|e| {
            matches!(
                e.kind(),
                std::io::ErrorKind::ConnectionReset
                    | std::io::ErrorKind::ConnectionAborted
                    | std::io::ErrorKind::BrokenPipe
                    | std::io::ErrorKind::UnexpectedEof
            )
        });
        while let Some(inner) = io.and_then(std::io::Error::get_ref) {
            tls |= inner.is::<rustls::Error>();
            if inner.is::<PrivateAddressError>() {
                return RequestFailure::PrivateAddress;
            }
            dns |= inner.is::<DnsError>();
            io = inner.downcast_ref::<std::io::Error>();
        }
        cur = e.source();
    }
    let code = if err.is_timeout() {
        FetchError::Timeout
    } else if dns {
        FetchError::DnsFailure
    } else if tls {
        FetchError::TlsError
    } else if parse {
        FetchError::ProtocolError
    } else if err.is_body() || err.is_decode() {
        FetchError::BodyError
    } else if (incomplete || reset) && !err.is_connect() {
        return RequestFailure::Broken;
    } else if incomplete || err.is_connect() || err.is_request() {
        FetchError::ConnectionFailed
    } else {
        FetchError::ProtocolError
    };
    RequestFailure::Fetch(code, err.status().map(|s| s.as_u16()))
}
