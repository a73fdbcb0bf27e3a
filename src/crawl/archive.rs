//! WARC archives as a page source (`--archive FILE.warc[.gz]`): the format Common Crawl and
//! web archives use. Response records are looked up by their `WARC-Target-URI` instead of
//! fetching from the network; redirects recorded in the archive are followed inside it.
//! The HTTP message inside a record is parsed with `httparse`.
//!
//! An archive is a third-party file like a page: every read is bounded. Records are read by
//! [`RecordReader`] rather than the `warc` crate, whose reader grows its buffers to whatever
//! a record's header lines and `Content-Length` say: a header line is at most
//! [`MAX_HEADER_LINE`] bytes, a header block [`MAX_HEADER_BYTES`]; a response body is kept up
//! to `--max-body` after undoing its transfer and content encodings (a larger one is the
//! page's `body-too-large`, as over the network), and the records not wanted are skipped
//! without being held.
//!
//! Bodies are not held in memory either: a pass over the file notes where each wanted
//! response is (its byte offset in a plain WARC; in a `.warc.gz`, the offset of the gzip
//! member holding it, as WARC writers put one record in each member), and a page is read
//! again from there when it is fetched. What stays in memory is a small index entry per
//! response (status, redirect target, location), so a million-page archive costs about as
//! much as its URLs. A gzip file whose members do not follow records (one member for the
//! whole file) is read as one stream, its bodies held in memory as before.

use super::http::RawResponse;
use super::{Hop, RedirectChain, classify_response};
use crate::model::{FetchError, FetchOutcome, FetchedPage, SkipReason, normalize_url};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use std::collections::{HashMap, HashSet};
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;
use url::Url;

/// Longest header line of a WARC record.
pub const MAX_HEADER_LINE: usize = 64 * 1024;
/// Largest header block of a WARC record.
pub const MAX_HEADER_BYTES: usize = 256 * 1024;
/// What a response record may hold beyond `--max-body`: its HTTP head and chunk framing.
const RECORD_OVERHEAD: u64 = 1024 * 1024;

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

/// One HTTP response as recorded, decoded.
#[derive(Debug, Clone)]
struct Response {
    status: u16,
    headers: HeaderMap,
    /// The decoded body; empty when it was over the cap.
    body: Vec<u8>,
    /// The body was larger than `--max-body` (after decoding): the page is `body-too-large`.
    too_large: bool,
}

/// What the archive keeps of one response.
#[derive(Debug, Clone)]
struct Stored {
    status: u16,
    /// The `Location` header, for following recorded redirects while loading.
    location: Option<String>,
    content: Content,
}

/// Where a stored response's headers and body are.
#[derive(Debug, Clone)]
enum Content {
    /// The body was larger than `--max-body`: the page is `body-too-large`.
    TooLarge,
    /// In memory (a gzip file whose members do not follow records).
    Held(HeaderMap, Vec<u8>),
    /// In the file, read again when the page is fetched.
    At(Location),
}

/// Where a record's content is in the archive file.
#[derive(Debug, Clone, Copy)]
struct Location {
    /// The file offset of the gzip member holding the record (None: a plain WARC).
    member: Option<u64>,
    /// The offset of the record's content: in the file, or in the member once inflated.
    offset: u64,
    /// The content's length.
    length: u64,
}

/// Inflated bytes of a member skipped at most to reach a record: further records of a member
/// (a file compressed as one stream) are held in memory instead of being inflated again from
/// the member's start at every fetch.
const MAX_MEMBER_SKIP: u64 = 1024 * 1024;

/// A reader that counts the bytes taken from it: the offset of what it reads next.
struct Counting<R> {
    inner: R,
    pos: u64,
}

impl<R> Counting<R> {
    fn new(inner: R) -> Self {
        Counting { inner, pos: 0 }
    }
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Counting<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }
    fn consume(&mut self, amt: usize) {
        self.inner.consume(amt);
        self.pos += amt as u64;
    }
}

/// The responses of a WARC archive, keyed by normalised target URI.
#[derive(Debug)]
pub struct Archive {
    /// The file, read again for each page fetched.
    path: std::path::PathBuf,
    responses: HashMap<Url, Stored>,
    order: Vec<Url>,
    /// Largest body kept, after decoding (`--max-body`).
    max_body: usize,
}

impl Archive {
    /// Reads the archive with the default body cap (`--max-body`'s default). With `wanted`,
    /// only those URLs (and the redirects and redirect targets reachable from them) are kept
    /// in memory; without, every response is.
    pub fn open(path: &Path, wanted: Option<&HashSet<Url>>) -> Result<Archive, ArchiveError> {
        Self::open_with(path, wanted, super::CrawlSettings::default().max_body)
    }

    /// [`Archive::open`] keeping bodies of at most `max_body` bytes after decoding.
    pub fn open_with(
        path: &Path,
        wanted: Option<&HashSet<Url>>,
        max_body: usize,
    ) -> Result<Archive, ArchiveError> {
        let mut archive = Archive {
            path: path.to_path_buf(),
            responses: HashMap::new(),
            order: Vec::new(),
            max_body,
        };
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
                        .location
                        .as_deref()
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
            let failed = |error| FetchOutcome::Failed {
                error,
                status: Some(stored.status),
            };
            let (headers, body) = match &stored.content {
                Content::TooLarge => return chain.finish(start, failed(FetchError::BodyTooLarge)),
                Content::Held(headers, body) => (headers.clone(), body.clone()),
                // The file changed or went away since it was read: this page's failure.
                Content::At(at) => match self.reread(*at) {
                    Some(r) if !r.too_large => (r.headers, r.body),
                    _ => return chain.finish(start, failed(FetchError::BodyError)),
                },
            };
            let resp = RawResponse {
                status: stored.status,
                headers,
                body,
                truncated: false,
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

    /// The response at `at`, read again from the file.
    fn reread(&self, at: Location) -> Option<Response> {
        use std::io::{Seek, SeekFrom};
        let mut file = std::fs::File::open(&self.path).ok()?;
        let mut bytes = Vec::new();
        match at.member {
            None => {
                file.seek(SeekFrom::Start(at.offset)).ok()?;
                file.take(at.length).read_to_end(&mut bytes).ok()?;
            }
            Some(member) => {
                file.seek(SeekFrom::Start(member)).ok()?;
                let mut inflated = flate2::bufread::GzDecoder::new(BufReader::new(file));
                io::copy(&mut (&mut inflated).take(at.offset), &mut io::sink()).ok()?;
                inflated.take(at.length).read_to_end(&mut bytes).ok()?;
            }
        }
        if (bytes.len() as u64) < at.length {
            return None;
        }
        parse_http_response(&bytes, self.max_body).ok()
    }

    /// One pass over the file; returns the URLs added.
    fn scan(&mut self, path: &Path, want: Option<&HashSet<Url>>) -> Result<Vec<Url>, ArchiveError> {
        let name = path.to_string_lossy().into_owned();
        let err = |record, reason: String| ArchiveError {
            path: name.clone(),
            record,
            reason,
        };
        let open = || {
            let file = std::fs::File::open(path).map_err(|e| err(None, e.to_string()))?;
            Ok::<_, ArchiveError>(Counting::new(BufReader::with_capacity(1 << 20, file)))
        };
        let mut reader = open()?;
        let gzip = reader
            .fill_buf()
            .map_err(|e| err(None, e.to_string()))?
            .starts_with(&[0x1f, 0x8b]);
        let mut pass = Pass {
            archive: self,
            want,
            name: &name,
            records: 0,
            added: Vec::new(),
            seen: HashSet::new(),
        };
        if !gzip {
            pass.records_of(&mut RecordReader::new(reader), None, true)?;
        } else if pass.members(reader).is_err() {
            // Members that do not follow records (or a broken member): read the file as one
            // stream, holding the bodies, and report its problems as such.
            pass = Pass {
                archive: pass.archive,
                want,
                name: &name,
                records: 0,
                added: Vec::new(),
                seen: HashSet::new(),
            };
            let stream = BufReader::new(flate2::bufread::MultiGzDecoder::new(open()?));
            pass.records_of(&mut RecordReader::new(Counting::new(stream)), None, false)?;
        }
        let Pass { records, added, .. } = pass;
        if records == 0 {
            return Err(err(
                None,
                "no WARC records found (is it a WARC file?)".into(),
            ));
        }
        let mut urls = Vec::with_capacity(added.len());
        for (url, stored) in added {
            self.order.push(url.clone());
            urls.push(url.clone());
            self.responses.insert(url, stored);
        }
        Ok(urls)
    }
}

/// One pass over an archive file: the responses it adds, kept apart until the pass succeeds.
struct Pass<'a> {
    archive: &'a Archive,
    want: Option<&'a HashSet<Url>>,
    name: &'a str,
    records: usize,
    added: Vec<(Url, Stored)>,
    /// The URLs of `added`.
    seen: HashSet<Url>,
}

impl Pass<'_> {
    fn err(&self, record: Option<usize>, reason: String) -> ArchiveError {
        ArchiveError {
            path: self.name.to_string(),
            record,
            reason,
        }
    }

    /// Reads a gzip file member by member, noting each record's member. Any problem (a record
    /// that spans members, a bad member) is `Err`: the caller reads the file as one stream.
    fn members<R: BufRead>(&mut self, mut file: Counting<R>) -> Result<(), ArchiveError> {
        loop {
            let more = file.fill_buf().map_err(|e| self.err(None, e.to_string()))?;
            if more.is_empty() {
                return Ok(());
            }
            let member = file.pos;
            let inflated = flate2::bufread::GzDecoder::new(&mut file);
            let mut warc = RecordReader::new(Counting::new(BufReader::new(inflated)));
            self.records_of(&mut warc, Some(member), true)?;
        }
    }

    /// Reads the records of `warc` (a plain file, one member of a gzip file with `member`, or
    /// a whole gzip file as one stream, which is not `seekable`: its bodies are held) to its
    /// end.
    fn records_of<R: BufRead>(
        &mut self,
        warc: &mut RecordReader<Counting<R>>,
        member: Option<u64>,
        seekable: bool,
    ) -> Result<(), ArchiveError> {
        let raw_cap = (self.archive.max_body as u64).saturating_add(RECORD_OVERHEAD);
        loop {
            let i = self.records;
            let head = match warc.next_head() {
                Ok(Some(h)) => h,
                Ok(None) => return Ok(()),
                Err(e) => {
                    return Err(self.err(Some(i + 1), format!("not a valid WARC record: {e}")));
                }
            };
            self.records += 1;
            let offset = warc.reader.pos;
            let wanted_url = head
                .is_response()
                .then(|| head.target_url())
                .flatten()
                .map(normalize_url)
                .filter(|u| {
                    !self.archive.responses.contains_key(u)
                        && self.want.is_none_or(|w| w.contains(u))
                        && !self.seen.contains(u)
                });
            let Some(url) = wanted_url else {
                warc.skip_body(&head)
                    .map_err(|e| self.err(Some(i + 1), format!("not a valid WARC record: {e}")))?;
                continue;
            };
            let body = warc
                .read_body(&head, raw_cap)
                .map_err(|e| self.err(Some(i + 1), format!("not a valid WARC record: {e}")))?;
            let response = match body {
                Some(bytes) => parse_http_response(&bytes, self.archive.max_body),
                None => parse_http_head(warc.kept_head(), true),
            }
            .map_err(|reason| self.err(Some(i + 1), format!("response for {url}: {reason}")))?;
            let location = response
                .headers
                .get("location")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            let content = if response.too_large {
                Content::TooLarge
            } else if seekable && (member.is_none() || offset <= MAX_MEMBER_SKIP) {
                Content::At(Location {
                    member,
                    offset,
                    length: head.length,
                })
            } else {
                Content::Held(response.headers, response.body)
            };
            self.seen.insert(url.clone());
            self.added.push((
                url,
                Stored {
                    status: response.status,
                    location,
                    content,
                },
            ));
        }
    }
}

/// Parses the head of a stored HTTP response (status line and headers): the response and the
/// offset of its body.
fn parse_head(bytes: &[u8]) -> Result<(u16, HeaderMap, usize), String> {
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
    Ok((status, headers, body_start))
}

/// A response whose record was too long to keep: its status and headers (from the first bytes
/// of the record), marked `too_large`.
fn parse_http_head(first: &[u8], too_large: bool) -> Result<Response, String> {
    let (status, headers, _) = parse_head(first)?;
    Ok(Response {
        status,
        headers,
        body: Vec::new(),
        too_large,
    })
}

/// Parses a stored HTTP response: status line, headers, and a body with transfer and content
/// encodings undone (chunked; gzip, deflate), kept if it is at most `max_body` bytes.
fn parse_http_response(bytes: &[u8], max_body: usize) -> Result<Response, String> {
    let (status, headers, body_start) = parse_head(bytes)?;
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
    // Inflation stops one byte past the cap: a bomb costs `max_body` bytes, not its size.
    let limit = (max_body as u64).saturating_add(1);
    if has("content-encoding", "gzip") {
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(&body[..])
            .take(limit)
            .read_to_end(&mut out)
            .map_err(|e| format!("invalid gzip body: {e}"))?;
        body = out;
    } else if has("content-encoding", "deflate") {
        let mut out = Vec::new();
        flate2::read::ZlibDecoder::new(&body[..])
            .take(limit)
            .read_to_end(&mut out)
            .map_err(|e| format!("invalid deflate body: {e}"))?;
        body = out;
    }
    let too_large = body.len() > max_body;
    if too_large {
        body = Vec::new();
    }
    Ok(Response {
        status,
        headers,
        body,
        too_large,
    })
}

/// The header block of one WARC record: what the archive reader needs of it.
#[derive(Debug)]
struct RecordHead {
    warc_type: Option<String>,
    target_uri: Option<Vec<u8>>,
    length: u64,
}

impl RecordHead {
    fn is_response(&self) -> bool {
        self.warc_type
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case("response"))
    }

    /// The target URI as a URL. A URI that is not UTF-8 (a hostile or corrupt archive) is no
    /// URL; some writers wrap the URI in angle brackets (WARC 1.1 grammar).
    fn target_url(&self) -> Option<Url> {
        let uri = std::str::from_utf8(self.target_uri.as_deref()?).ok()?;
        Url::parse(uri.trim().trim_start_matches('<').trim_end_matches('>')).ok()
    }
}

/// Reads WARC records one at a time with bounded buffers: the version line, `Name: value`
/// header lines up to a blank line, then `Content-Length` bytes of content and the blank
/// lines that end the record. Line ends may be CRLF or LF.
struct RecordReader<R> {
    reader: R,
    /// The first bytes of the last body read with [`RecordReader::read_body`] when it was too
    /// long to keep whole (enough for its HTTP head).
    head_of_long: Vec<u8>,
}

impl<R: BufRead> RecordReader<R> {
    fn new(reader: R) -> Self {
        RecordReader {
            reader,
            head_of_long: Vec::new(),
        }
    }

    /// One line, without its line end, at most [`MAX_HEADER_LINE`] bytes; None at the end of
    /// the input.
    fn line(&mut self) -> io::Result<Option<Vec<u8>>> {
        let mut line = Vec::new();
        let n = (&mut self.reader)
            .take(MAX_HEADER_LINE as u64 + 1)
            .read_until(b'\n', &mut line)?;
        if n == 0 {
            return Ok(None);
        }
        // A line without its end is the last line of the file, unless it passed the limit.
        if !line.ends_with(b"\n") && line.len() > MAX_HEADER_LINE {
            return Err(invalid(format!(
                "a header line is longer than {} KiB",
                MAX_HEADER_LINE / 1024
            )));
        }
        while line.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
            line.pop();
        }
        Ok(Some(line))
    }

    /// The header block of the next record; None at the end of the input.
    fn next_head(&mut self) -> io::Result<Option<RecordHead>> {
        // Blank lines between records (the CRLF CRLF that ends each one) are skipped.
        let version = loop {
            match self.line()? {
                None => return Ok(None),
                Some(l) if l.is_empty() => continue,
                Some(l) => break l,
            }
        };
        if !version.starts_with(b"WARC/") {
            return Err(invalid(format!(
                "expected a `WARC/` version line, found `{}`",
                shown(&version)
            )));
        }
        let mut head = RecordHead {
            warc_type: None,
            target_uri: None,
            length: 0,
        };
        let mut length = None;
        let mut total = version.len();
        loop {
            let Some(line) = self.line()? else {
                return Err(invalid("the input ends inside a record header".into()));
            };
            if line.is_empty() {
                break;
            }
            total += line.len();
            if total > MAX_HEADER_BYTES {
                return Err(invalid(format!(
                    "a record header is longer than {} KiB",
                    MAX_HEADER_BYTES / 1024
                )));
            }
            let Some(colon) = line.iter().position(|b| *b == b':') else {
                return Err(invalid(format!("`{}` is not a header line", shown(&line))));
            };
            let name = String::from_utf8_lossy(&line[..colon])
                .trim()
                .to_ascii_lowercase();
            let value = line[colon + 1..].trim_ascii();
            match name.as_str() {
                "warc-type" => head.warc_type = Some(String::from_utf8_lossy(value).into_owned()),
                "warc-target-uri" => head.target_uri = Some(value.to_vec()),
                "content-length" => {
                    let text = std::str::from_utf8(value).unwrap_or_default();
                    let n = text.parse::<u64>().map_err(|_| {
                        invalid(format!("invalid Content-Length `{}`", shown(value)))
                    })?;
                    length = Some(n);
                }
                _ => {}
            }
        }
        head.length = length.ok_or_else(|| invalid("a record without Content-Length".into()))?;
        Ok(Some(head))
    }

    /// Skips the content of a record.
    fn skip_body(&mut self, head: &RecordHead) -> io::Result<()> {
        let skipped = io::copy(&mut (&mut self.reader).take(head.length), &mut io::sink())?;
        if skipped < head.length {
            return Err(truncated());
        }
        Ok(())
    }

    /// Reads the content of a record if it is at most `cap` bytes; a longer one is skipped
    /// (None), keeping its first bytes for [`RecordReader::kept_head`].
    fn read_body(&mut self, head: &RecordHead, cap: u64) -> io::Result<Option<Vec<u8>>> {
        let mut body = Vec::new();
        let keep = head.length.min(cap);
        (&mut self.reader).take(keep).read_to_end(&mut body)?;
        if (body.len() as u64) < keep {
            return Err(truncated());
        }
        if head.length <= cap {
            return Ok(Some(body));
        }
        body.truncate(MAX_HEADER_BYTES);
        self.head_of_long = body;
        let rest = head.length - keep;
        let skipped = io::copy(&mut (&mut self.reader).take(rest), &mut io::sink())?;
        if skipped < rest {
            return Err(truncated());
        }
        Ok(None)
    }

    /// The first bytes of the last record too long to keep.
    fn kept_head(&self) -> &[u8] {
        &self.head_of_long
    }
}

fn invalid(reason: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, reason)
}

fn truncated() -> io::Error {
    invalid("the input ends inside a record's content (a truncated archive?)".into())
}

/// Bytes of a header line for an error message: printable, at most 80 characters.
fn shown(bytes: &[u8]) -> String {
    crate::report::sanitize::truncate(
        &crate::report::sanitize::strip_controls(&String::from_utf8_lossy(bytes)),
        80,
    )
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
        let s = parse_http_response(raw, 100).unwrap();
        assert_eq!(s.status, 200);
        assert_eq!(s.body, b"hello world");
        assert!(!s.too_large);
        let s = parse_http_response(raw, 10).unwrap();
        assert!(s.too_large && s.body.is_empty());
        assert!(parse_http_response(b"garbage", 100).is_err());
    }

    fn record(url: &str, body: &str) -> Vec<u8> {
        let http = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        format!(
            "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {url}\r\n\
             Content-Length: {}\r\n\r\n{http}\r\n\r\n",
            http.len()
        )
        .into_bytes()
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        use std::io::Write as _;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(bytes).unwrap();
        e.finish().unwrap()
    }

    /// What the archive holds of each page: (held in memory, read from the file).
    fn kinds(a: &Archive) -> (usize, usize) {
        let held = a
            .responses
            .values()
            .filter(|s| matches!(s.content, Content::Held(..)))
            .count();
        let at = a
            .responses
            .values()
            .filter(|s| matches!(s.content, Content::At(_)))
            .count();
        (held, at)
    }

    #[test]
    fn bodies_are_read_again_from_the_file_not_held() {
        let dir = tempfile::tempdir().unwrap();
        // Bodies past the first mebibyte of a one-member file are held.
        let filler = "x".repeat(600 * 1024);
        let records: Vec<Vec<u8>> = (0..3)
            .map(|i| {
                record(
                    &format!("http://a.test/{i}"),
                    &format!("<p>page {i}</p>{filler}"),
                )
            })
            .collect();
        let plain = records.concat();
        let per_record: Vec<u8> = records.iter().flat_map(|r| gzip(r)).collect();
        let one_member = gzip(&plain);
        for (name, bytes, expect) in [
            ("plain.warc", plain, (0, 3)),
            ("records.warc.gz", per_record, (0, 3)),
            ("stream.warc.gz", one_member, (1, 2)),
        ] {
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).unwrap();
            let a = Archive::open(&path, None).unwrap();
            assert_eq!(kinds(&a), expect, "{name}");
            for i in 0..3 {
                let url = Url::parse(&format!("http://a.test/{i}")).unwrap();
                let page = a.fetch(&url, 5);
                let FetchOutcome::Html(html) = &page.outcome else {
                    panic!("{name}: {:?}", page.outcome);
                };
                assert!(html.text.starts_with(&format!("<p>page {i}</p>")), "{name}");
            }
        }
        // A file that changed under the run fails the page, not the run.
        let path = dir.path().join("plain.warc");
        let a = Archive::open(&path, None).unwrap();
        std::fs::write(&path, b"WARC/1.0\r\n").unwrap();
        let page = a.fetch(&Url::parse("http://a.test/2").unwrap(), 5);
        assert!(
            matches!(
                page.outcome,
                FetchOutcome::Failed {
                    error: FetchError::BodyError,
                    ..
                }
            ),
            "{:?}",
            page.outcome
        );
    }
}
