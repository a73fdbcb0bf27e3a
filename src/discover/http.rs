//! WAT files over HTTP(S), read as a blocking stream by the scanning threads: the body is
//! pulled chunk by chunk through the async runtime, so a 1 GB file never sits in memory. A
//! failed request or a connection lost mid-body is retried with exponential backoff, the body
//! resumed where it stopped with a `Range` request (from the start, skipping what was read,
//! when the server ignores ranges).

use std::io::{self, Read};
use std::time::Duration;
use url::Url;

/// How WAT files are downloaded.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    /// Extra attempts after a failed request or a lost connection.
    pub retries: u32,
    /// Wait before the first retry; doubles with each further one.
    pub retry_wait: Duration,
    /// Deadline for connecting, and for each read of the body.
    pub timeout: Duration,
}

impl Default for HttpSettings {
    fn default() -> Self {
        HttpSettings {
            retries: 3,
            retry_wait: Duration::from_secs(1),
            timeout: Duration::from_secs(60),
        }
    }
}

/// The client shared by every download of a run.
pub fn client(settings: &HttpSettings) -> anyhow::Result<reqwest::Client> {
    reqwest::Client::builder()
        .user_agent(crate::crawl::USER_AGENT)
        .connect_timeout(settings.timeout)
        .read_timeout(settings.timeout)
        // The file is gzip as stored: a transparently decoded body could not be resumed by
        // byte offset.
        .no_gzip()
        .no_brotli()
        .no_deflate()
        .no_proxy()
        .build()
        .map_err(|e| anyhow::anyhow!("cannot start the HTTP client: {e}"))
}

/// A download read as a [`Read`]. Must not be used from inside the runtime's own threads.
pub struct HttpReader {
    handle: tokio::runtime::Handle,
    client: reqwest::Client,
    url: Url,
    settings: HttpSettings,
    response: Option<reqwest::Response>,
    /// The last chunk received, and how much of it was handed out.
    chunk: Vec<u8>,
    at: usize,
    /// Bytes of the body handed out so far.
    pos: u64,
    /// The body's full length, when the server said.
    length: Option<u64>,
    /// Retries used so far (for the whole download).
    attempts: u32,
}

impl HttpReader {
    /// Starts the download (the first request, with retries): an error names the URL.
    pub fn open(
        handle: tokio::runtime::Handle,
        client: reqwest::Client,
        url: Url,
        settings: HttpSettings,
    ) -> io::Result<HttpReader> {
        HttpReader::open_at(handle, client, url, settings, 0)
    }

    /// Starts the download at byte `from` of the body (resuming a file kept in part): the
    /// reader yields the body from there on. A server that answers the range for another
    /// offset is an error of kind [`io::ErrorKind::InvalidData`], never silently mixed in.
    pub fn open_at(
        handle: tokio::runtime::Handle,
        client: reqwest::Client,
        url: Url,
        settings: HttpSettings,
        from: u64,
    ) -> io::Result<HttpReader> {
        let mut r = HttpReader {
            handle,
            client,
            url,
            settings,
            response: None,
            chunk: Vec::new(),
            at: 0,
            pos: from,
            length: None,
            attempts: 0,
        };
        r.request()?;
        Ok(r)
    }

    /// The body's length, when the server gave it.
    pub fn length(&self) -> Option<u64> {
        self.length
    }

    /// Requests the body from `self.pos` on, retrying retryable failures.
    fn request(&mut self) -> io::Result<()> {
        loop {
            match self.try_request() {
                Ok(()) => return Ok(()),
                Err((e, retryable)) => {
                    if !retryable || self.attempts >= self.settings.retries {
                        return Err(e);
                    }
                    self.backoff();
                }
            }
        }
    }

    fn backoff(&mut self) {
        let wait = self
            .settings
            .retry_wait
            .saturating_mul(1u32 << self.attempts.min(16));
        self.attempts += 1;
        std::thread::sleep(wait);
    }

    /// One request; the error says whether another attempt may succeed.
    fn try_request(&mut self) -> Result<(), (io::Error, bool)> {
        let mut req = self.client.get(self.url.clone());
        if self.pos > 0 {
            req = req.header(reqwest::header::RANGE, format!("bytes={}-", self.pos));
        }
        let resp = self.handle.block_on(req.send()).map_err(|e| {
            let retryable = !e.is_builder() && !e.is_redirect();
            (io::Error::other(describe(&e)), retryable)
        })?;
        let status = resp.status().as_u16();
        let skip = match status {
            200 => {
                if self.length.is_none() {
                    self.length = resp.content_length();
                }
                // A server that ignores the range sends the whole body again.
                self.pos
            }
            206 if self.pos > 0 => {
                let range = resp
                    .headers()
                    .get(reqwest::header::CONTENT_RANGE)
                    .and_then(|v| v.to_str().ok())
                    .and_then(content_range);
                match range {
                    Some((start, total)) if start == self.pos => {
                        if let Some(total) = total {
                            self.length = Some(total);
                        }
                    }
                    _ => {
                        return Err((
                            io::Error::new(
                                io::ErrorKind::InvalidData,
                                format!(
                                    "asked for the bytes from {} on, the server answered {}",
                                    self.pos,
                                    resp.headers()
                                        .get(reqwest::header::CONTENT_RANGE)
                                        .and_then(|v| v.to_str().ok())
                                        .map_or("a range without Content-Range".to_string(), |v| {
                                            format!("`Content-Range: {v}`")
                                        })
                                ),
                            ),
                            false,
                        ));
                    }
                }
                0
            }
            408 | 429 | 500..=599 => {
                return Err((io::Error::other(format!("HTTP {status}")), true));
            }
            _ => return Err((io::Error::other(format!("HTTP {status}")), false)),
        };
        self.response = Some(resp);
        self.chunk.clear();
        self.at = 0;
        let mut left = skip;
        while left > 0 {
            let data = self.next_chunk().map_err(|e| (e, true))?;
            let Some(data) = data else {
                return Err((
                    io::Error::new(io::ErrorKind::UnexpectedEof, "the body ended early"),
                    true,
                ));
            };
            let n = left.min(data.len() as u64);
            left -= n;
            self.chunk = data;
            self.at = n as usize;
        }
        Ok(())
    }

    fn next_chunk(&mut self) -> io::Result<Option<Vec<u8>>> {
        let Some(resp) = self.response.as_mut() else {
            return Ok(None);
        };
        match self.handle.block_on(resp.chunk()) {
            Ok(Some(b)) => Ok(Some(b.to_vec())),
            Ok(None) => Ok(None),
            Err(e) => Err(io::Error::other(describe(&e))),
        }
    }
}

impl Read for HttpReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let rest = &self.chunk[self.at..];
            if !rest.is_empty() {
                let n = rest.len().min(buf.len());
                buf[..n].copy_from_slice(&rest[..n]);
                self.at += n;
                self.pos += n as u64;
                return Ok(n);
            }
            let lost = match self.next_chunk() {
                Ok(Some(data)) => {
                    self.chunk = data;
                    self.at = 0;
                    continue;
                }
                // A body shorter than announced is a connection lost, not the end.
                Ok(None) if self.length.is_none_or(|l| self.pos >= l) => return Ok(0),
                Ok(None) => io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!(
                        "the connection closed after {} of {} bytes",
                        self.pos,
                        self.length.unwrap_or_default()
                    ),
                ),
                Err(e) => e,
            };
            self.response = None;
            if self.attempts >= self.settings.retries {
                return Err(io::Error::other(format!(
                    "{lost} (after {} retries)",
                    self.attempts
                )));
            }
            self.backoff();
            self.request()?;
        }
    }
}

/// `bytes START-END/TOTAL` → (START, TOTAL) (`*` for an unknown total).
fn content_range(v: &str) -> Option<(u64, Option<u64>)> {
    let rest = v.trim().strip_prefix("bytes ")?;
    let (span, total) = rest.split_once('/')?;
    let start = span.split_once('-')?.0.trim().parse().ok()?;
    let total = total.trim().parse().ok();
    Some((start, total))
}

/// A reqwest error with its causes, on one line.
fn describe(e: &reqwest::Error) -> String {
    let mut s = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        s.push_str(": ");
        s.push_str(&cause.to_string());
        source = cause.source();
    }
    s
}
