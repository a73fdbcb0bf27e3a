//! WARC archives as a page source (`--archive FILE.warc[.gz]`): the format Common Crawl and
//! web archives use. Response records are looked up by their `WARC-Target-URI` instead of
//! fetching from the network; redirects recorded in the archive are followed inside it.
//! Records are parsed with the `warc` crate; the HTTP message inside with `httparse`.

use super::http::RawResponse;
use super::{Hop, RedirectChain, classify_response};
use crate::model::{FetchOutcome, FetchedPage, SkipReason, normalize_url};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use url::Url;
use warc::{RecordType, WarcHeader, WarcReader};

/// A run-ending archive problem, naming the file and the record.
#[derive(Debug, thiserror::Error)]
#[error("cannot read archive `{path}`{}: {reason}", record.map(|r| format!(" (record {r})")).unwrap_or_default())]
pub struct ArchiveError {
    /// The archive as named by the user.
    pub path: String,
    /// 1-based record number, when the problem is in one record.
    pub record: Option<usize>,
    /// What is wrong.
    pub reason: String,
}

/// One stored HTTP response.
#[derive(Debug, Clone)]
struct Stored {
    status: u16,
    headers: HeaderMap,
    body: Vec<u8>,
}

/// The responses of a WARC archive, keyed by normalised target URI.
#[derive(Debug, Default)]
pub struct Archive {
    responses: HashMap<Url, Stored>,
    order: Vec<Url>,
}

impl Archive {
    /// Reads the archive. With `wanted`, only those URLs (and the redirects and redirect
    /// targets reachable from them) are kept in memory; without, every response is.
    pub fn open(path: &Path, wanted: Option<&HashSet<Url>>) -> Result<Archive, ArchiveError> {
        let mut archive = Archive::default();
        archive.load(path, wanted)?;
        Ok(archive)
    }

    /// Reads more of the archive: the `wanted` URLs (and their recorded redirects) not held
    /// yet, or every response without `wanted`.
    pub fn load(&mut self, path: &Path, wanted: Option<&HashSet<Url>>) -> Result<(), ArchiveError> {
        let archive = self;
        let mut want: Option<HashSet<Url>> = wanted.cloned();
        // Redirect targets that are not candidates are only known after a pass; follow them
        // with further passes (bounded, as redirect chains are).
        for _ in 0..=10 {
            let added = archive.scan(path, want.as_ref())?;
            let Some(w) = want.as_mut() else { break };
            let mut more = HashSet::new();
            for url in &added {
                let stored = &archive.responses[url];
                if (300..400).contains(&stored.status)
                    && let Some(next) = stored
                        .headers
                        .get("location")
                        .and_then(|v| v.to_str().ok())
                        .and_then(|l| url.join(l.trim()).ok())
                {
                    let next = normalize_url(next);
                    if !archive.responses.contains_key(&next) && w.insert(next.clone()) {
                        more.insert(next);
                    }
                }
            }
            if more.is_empty() {
                break;
            }
            *w = more;
        }
        Ok(())
    }

    /// Whether a response for `url` (normalised) is held.
    pub fn holds(&self, url: &Url) -> bool {
        self.responses.contains_key(url)
    }

    /// Every URL with a stored non-redirect response, in archive order (used when the audit has
    /// no `--from`).
    pub fn page_urls(&self) -> Vec<Url> {
        self.order
            .iter()
            .filter(|u| !(300..400).contains(&self.responses[*u].status))
            .cloned()
            .collect()
    }

    /// The page as the archive recorded it, following recorded redirects.
    pub fn fetch(&self, start: &Url, max_redirects: usize) -> FetchedPage {
        let mut chain = RedirectChain::new(start, max_redirects);
        loop {
            let Some(stored) = self.responses.get(&normalize_url(chain.url().clone())) else {
                return chain.finish(start, FetchOutcome::Skipped(SkipReason::NotInArchive));
            };
            let resp = RawResponse {
                status: stored.status,
                headers: stored.headers.clone(),
                body: stored.body.clone(),
            };
            match classify_response(chain.url(), resp) {
                Hop::Done(outcome) => return chain.finish(start, outcome),
                Hop::Redirect { status, location } => {
                    if let Some(stop) = chain.follow(status, location.as_deref()) {
                        return chain.finish(start, stop);
                    }
                }
            }
        }
    }

    /// One pass over the file; returns the URLs added.
    fn scan(&mut self, path: &Path, want: Option<&HashSet<Url>>) -> Result<Vec<Url>, ArchiveError> {
        let name = path.to_string_lossy().into_owned();
        let err = |record, reason: String| ArchiveError {
            path: name.clone(),
            record,
            reason,
        };
        let file = std::fs::File::open(path).map_err(|e| err(None, e.to_string()))?;
        let mut reader = BufReader::with_capacity(1 << 20, file);
        let gzip = reader
            .fill_buf()
            .map_err(|e| err(None, e.to_string()))?
            .starts_with(&[0x1f, 0x8b]);
        let reader: Box<dyn BufRead> = if gzip {
            Box::new(BufReader::new(flate2::bufread::MultiGzDecoder::new(reader)))
        } else {
            Box::new(reader)
        };
        let mut added = Vec::new();
        let mut records = 0;
        for (i, record) in WarcReader::new(reader).iter_records().enumerate() {
            records += 1;
            let record =
                record.map_err(|e| err(Some(i + 1), format!("not a valid WARC record: {e}")))?;
            if *record.warc_type() != RecordType::Response {
                continue;
            }
            // The raw header bytes: `Record::header` panics on a value that is not UTF-8 (a
            // hostile or corrupt archive, found by fuzzing), and such a URI is no URL anyway.
            let (raw, body) = record.into_raw_parts();
            let Some(uri) = raw
                .headers
                .get(&WarcHeader::TargetURI)
                .and_then(|v| std::str::from_utf8(v).ok())
            else {
                continue;
            };
            // Some writers wrap the URI in angle brackets (WARC 1.1 grammar).
            let Ok(url) = Url::parse(uri.trim().trim_start_matches('<').trim_end_matches('>'))
            else {
                continue;
            };
            let url = normalize_url(url);
            if self.responses.contains_key(&url) || want.is_some_and(|w| !w.contains(&url)) {
                continue;
            }
            let stored = parse_http_response(&body)
                .map_err(|reason| err(Some(i + 1), format!("response for {url}: {reason}")))?;
            self.responses.insert(url.clone(), stored);
            self.order.push(url.clone());
            added.push(url);
        }
        if records == 0 {
            return Err(err(
                None,
                "no WARC records found (is it a WARC file?)".into(),
            ));
        }
        Ok(added)
    }
}

/// Parses a stored HTTP response: status line, headers, and a body with transfer and content
/// encodings undone (chunked; gzip, deflate).
fn parse_http_response(bytes: &[u8]) -> Result<Stored, String> {
    let mut header_buf = [httparse::EMPTY_HEADER; 128];
    let mut resp = httparse::Response::new(&mut header_buf);
    let body_start = match resp.parse(bytes) {
        Ok(httparse::Status::Complete(n)) => n,
        Ok(httparse::Status::Partial) => return Err("truncated HTTP headers".into()),
        Err(e) => return Err(format!("invalid HTTP response: {e}")),
    };
    let status = resp.code.ok_or("no HTTP status")?;
    let mut headers = HeaderMap::new();
    for h in resp.headers.iter() {
        if let (Ok(n), Ok(v)) = (
            HeaderName::from_bytes(h.name.as_bytes()),
            HeaderValue::from_bytes(h.value),
        ) {
            headers.append(n, v);
        }
    }
    let mut body = bytes[body_start..].to_vec();
    let has = |name: &str, token: &str| {
        headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(|v| v.to_ascii_lowercase().contains(token))
    };
    if has("transfer-encoding", "chunked") {
        body = dechunk(&body).ok_or("invalid chunked body")?;
    }
    if has("content-encoding", "gzip") {
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(&body[..])
            .read_to_end(&mut out)
            .map_err(|e| format!("invalid gzip body: {e}"))?;
        body = out;
    } else if has("content-encoding", "deflate") {
        let mut out = Vec::new();
        flate2::read::ZlibDecoder::new(&body[..])
            .read_to_end(&mut out)
            .map_err(|e| format!("invalid deflate body: {e}"))?;
        body = out;
    }
    Ok(Stored {
        status,
        headers,
        body,
    })
}

fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(data.len());
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&data[..line_end]).ok()?;
        let size_text = size_text.split(';').next()?.trim();
        let size = usize::from_str_radix(size_text, 16).ok()?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(data.get(..size)?);
        data = data
            .get(size..)?
            .strip_prefix(b"\r\n")
            .unwrap_or(&data[size..]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_responses_are_decoded() {
        let raw = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
        let s = parse_http_response(raw).unwrap();
        assert_eq!(s.status, 200);
        assert_eq!(s.body, b"hello world");
        assert!(parse_http_response(b"garbage").is_err());
    }
}
