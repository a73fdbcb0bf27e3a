//! What the crawler saw for one candidate page. Per-page failures are values here, never `Err`:
//! a page that cannot be fetched is data in the report.

use serde::Serialize;
use std::fmt;
use url::Url;

/// One redirect followed on the way to the final page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RedirectHop {
    /// The URL that answered with a redirect.
    pub url: String,
    /// Its HTTP status (301, 302, 303, 307, 308).
    pub status: u16,
}

/// The fetch result of one candidate page.
#[derive(Debug, Clone)]
pub struct FetchedPage {
    /// The candidate URL that was requested (normalised).
    pub url: Url,
    /// The URL of the last response (equal to `url` without redirects).
    pub final_url: Url,
    /// Redirects followed, in order.
    pub redirects: Vec<RedirectHop>,
    /// What came back.
    pub outcome: FetchOutcome,
}

/// Where the character encoding of a page was taken from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EncodingSource {
    /// A byte-order mark.
    Bom,
    /// The `charset` parameter of `Content-Type`.
    Header,
    /// `<meta charset>` or `<meta http-equiv=content-type>`.
    Meta,
    /// Guessed from the bytes (chardetng).
    Detected,
}

/// A decoded HTML document.
#[derive(Debug, Clone)]
pub struct HtmlBody {
    /// HTTP status of the final response (2xx).
    pub status: u16,
    /// The document, decoded to UTF-8 (invalid sequences replaced).
    pub text: String,
    /// Name of the encoding used to decode it (WHATWG label, e.g. `windows-1252`).
    pub encoding: &'static str,
    /// Where that encoding came from.
    pub encoding_source: EncodingSource,
    /// Values of every `X-Robots-Tag` response header.
    pub x_robots_tag: Vec<String>,
}

/// The closed set of fetch outcomes; reports handle every case.
#[derive(Debug, Clone)]
pub enum FetchOutcome {
    /// A 2xx HTML (or XHTML) page.
    Html(HtmlBody),
    /// A 2xx response that is not HTML (PDF, image...): links cannot be verified.
    NotHtml {
        /// HTTP status.
        status: u16,
        /// The `Content-Type` header as sent.
        content_type: String,
    },
    /// A 4xx/5xx answer (after retries for 429 and 5xx).
    HttpError {
        /// HTTP status.
        status: u16,
    },
    /// No usable answer: network failure, timeout, cap exceeded.
    Failed {
        /// What went wrong.
        error: FetchError,
        /// The status line, when one was received before the failure (e.g. a body too large).
        status: Option<u16>,
    },
    /// Not fetched on purpose.
    Skipped(SkipReason),
}

/// Why a fetch failed. Each variant is a stable kebab-case code in the report's `error` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FetchError {
    /// The whole request (including the body) took longer than `--timeout`.
    Timeout,
    /// The host name does not resolve.
    DnsFailure,
    /// The TCP connection was refused, reset or could not be opened.
    ConnectionFailed,
    /// TLS handshake or certificate failure.
    TlsError,
    /// The server's answer is not valid HTTP.
    ProtocolError,
    /// The connection broke or the content encoding was corrupt while reading the body.
    BodyError,
    /// The decompressed body is larger than `--max-body`.
    BodyTooLarge,
    /// A 2xx answer with an empty body: nothing to verify.
    EmptyBody,
    /// More than 10 redirects.
    TooManyRedirects,
    /// A redirect led back to a URL already visited.
    RedirectLoop,
    /// A redirect without a usable `Location` (missing, unparsable, or not http(s)).
    InvalidRedirect,
    /// The page was fetched, but reading its HTML failed (a panic in the parser, contained to
    /// this page).
    ParseFailed,
}

impl FetchError {
    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            FetchError::Timeout => "timeout",
            FetchError::DnsFailure => "dns-failure",
            FetchError::ConnectionFailed => "connection-failed",
            FetchError::TlsError => "tls-error",
            FetchError::ProtocolError => "protocol-error",
            FetchError::BodyError => "body-error",
            FetchError::BodyTooLarge => "body-too-large",
            FetchError::EmptyBody => "empty-body",
            FetchError::TooManyRedirects => "too-many-redirects",
            FetchError::RedirectLoop => "redirect-loop",
            FetchError::InvalidRedirect => "invalid-redirect",
            FetchError::ParseFailed => "parse-failed",
        }
    }
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Why a page was deliberately not fetched. Each variant is a stable kebab-case code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SkipReason {
    /// robots.txt disallows the page for our User-Agent.
    RobotsDisallowed,
    /// robots.txt answered 5xx or could not be fetched: treated as "disallow all" for this run,
    /// as Google does.
    RobotsUnavailable,
    /// The page (or a redirect hop) resolves to a loopback/private/link-local/... address and
    /// `--allow-private` was not given.
    PrivateAddress,
    /// `--archive` was given and the archive holds no response for this URL.
    NotInArchive,
}

impl SkipReason {
    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            SkipReason::RobotsDisallowed => "robots-disallowed",
            SkipReason::RobotsUnavailable => "robots-unavailable",
            SkipReason::PrivateAddress => "private-address",
            SkipReason::NotInArchive => "not-in-archive",
        }
    }
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}
