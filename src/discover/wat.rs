//! Reading one WAT file: a sequence of WARC records (each in its own gzip member when the file
//! is compressed, as Common Crawl writes them), whose `metadata` records carry a JSON envelope
//! with the links of one captured page (`Envelope.Payload-Metadata.HTTP-Response-Metadata.
//! HTML-Metadata.Links[]`). Every hyperlink (`A@/href`, `AREA@/href`) that resolves to a host
//! of the target is handed on as a [`WatLink`].
//!
//! Damage is counted, never fatal: a record whose JSON does not parse, a record of another
//! type, a record larger than [`MAX_RECORD_BYTES`], a truncated or corrupt gzip member. Only a
//! failure of the input itself (the file or the download) is an error, so that a result is
//! never silently built from part of an input that could not be read.

use crate::model::{Target, host, normalize_url};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::io::{self, BufRead, BufReader, Read};
use url::Url;

/// Largest WARC record read (after decompression). Common Crawl's WAT records are a few KB to
/// a few hundred KB; a larger one is skipped and counted rather than held in memory.
pub const MAX_RECORD_BYTES: u64 = 32 * 1024 * 1024;

/// Largest WARC header block: a record whose headers do not end within it is damaged.
const MAX_HEADER_BYTES: usize = 64 * 1024;

/// One link to the target found in a WAT file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct WatLink {
    /// The referring page (the capture's `WARC-Target-URI`), normalised.
    pub source_url: String,
    /// The linked URL on the target, resolved against the page (or its `<base href>`),
    /// without a fragment.
    pub target_url: String,
    /// The anchor text as Common Crawl extracted it, whitespace collapsed.
    pub anchor_text: String,
    /// The link's `rel` tokens, lower case, in order, without repeats (empty: no `rel`).
    pub rel: Vec<String>,
    /// When the page was captured (the record's `WARC-Date`, RFC 3339).
    pub captured_at: String,
    /// The crawl (`CC-MAIN-2025-08`), or empty when neither the input's name nor its
    /// `warcinfo` record names one.
    pub crawl: String,
    /// The WAT file, as named on the command line.
    pub wat_file: String,
    /// Byte offset in that file of the gzip member (or, uncompressed, the record) the link
    /// was read from.
    pub wat_record_offset: u64,
}

impl WatLink {
    /// The order in which duplicate rows of one (page, target URL) are chosen: the earliest
    /// capture, then crawl, file and offset, so every run and the Spark driver keep the same.
    pub fn precedence(&self) -> (&str, &str, &str, u64) {
        (
            &self.captured_at,
            &self.crawl,
            &self.wat_file,
            self.wat_record_offset,
        )
    }
}

/// What reading WAT files found, counted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ScanStats {
    /// Inputs read.
    pub inputs: u64,
    /// Compressed bytes read (as stored).
    pub bytes: u64,
    /// WARC records read.
    pub records: u64,
    /// `metadata` records parsed.
    pub metadata_records: u64,
    /// Records of another type (`warcinfo`, `request`...), skipped.
    pub other_records: u64,
    /// Metadata records whose JSON does not parse, skipped.
    pub malformed_json: u64,
    /// Records without a usable page URL, skipped.
    pub no_page_url: u64,
    /// Records larger than [`MAX_RECORD_BYTES`], skipped.
    pub oversized_records: u64,
    /// Records with damaged WARC headers, skipped.
    pub damaged_records: u64,
    /// Gzip members cut short (a truncated file): the rest of that input is lost.
    pub truncated_members: u64,
    /// Gzip members that are not valid gzip data: the rest of that input is skipped.
    pub corrupt_members: u64,
    /// Captures of the target's own pages, whose links are internal.
    pub own_pages: u64,
    /// Captured pages with at least one link to the target.
    pub linking_pages: u64,
    /// Links to the target found (before duplicates across captures are merged).
    pub links: u64,
}

impl ScanStats {
    /// Adds another input's counts.
    pub fn add(&mut self, o: &ScanStats) {
        self.inputs += o.inputs;
        self.bytes += o.bytes;
        self.records += o.records;
        self.metadata_records += o.metadata_records;
        self.other_records += o.other_records;
        self.malformed_json += o.malformed_json;
        self.no_page_url += o.no_page_url;
        self.oversized_records += o.oversized_records;
        self.damaged_records += o.damaged_records;
        self.truncated_members += o.truncated_members;
        self.corrupt_members += o.corrupt_members;
        self.own_pages += o.own_pages;
        self.linking_pages += o.linking_pages;
        self.links += o.links;
    }

    /// Records skipped as damaged, of every kind (not counting other record types).
    pub fn damaged(&self) -> u64 {
        self.malformed_json
            + self.no_page_url
            + self.oversized_records
            + self.damaged_records
            + self.truncated_members
            + self.corrupt_members
    }
}

/// Progress reported while a file is read: compressed bytes and records since the last call.
pub trait Progress {
    /// Called after each record.
    fn advance(&self, bytes: u64, records: u64);
}

/// No progress reporting.
impl Progress for () {
    fn advance(&self, _: u64, _: u64) {}
}

/// Reads WAT files for one target.
#[derive(Debug, Clone)]
pub struct Scanner<'t> {
    target: &'t Target,
}

impl<'t> Scanner<'t> {
    /// A scanner keeping the links to `target`'s hosts.
    pub fn new(target: &'t Target) -> Scanner<'t> {
        Scanner { target }
    }

    /// Reads one WAT file (plain or gzip, detected from its first bytes) named `name`,
    /// calling `emit` for every link to the target. `crawl` is the crawl named by the input's
    /// path, if any (else the `warcinfo` record's `isPartOf` is used).
    ///
    /// Errors are failures of `input` itself; damaged data is counted in the returned stats.
    pub fn scan<R: Read>(
        &self,
        name: &str,
        crawl: Option<&str>,
        input: R,
        progress: &dyn Progress,
        emit: &mut dyn FnMut(WatLink),
    ) -> io::Result<ScanStats> {
        let mut src = Source {
            inner: BufReader::with_capacity(256 * 1024, input),
            pos: 0,
            failed: None,
        };
        let mut file = FileState {
            name,
            crawl: crawl.map(str::to_string),
            stats: ScanStats {
                inputs: 1,
                ..ScanStats::default()
            },
            reported: 0,
        };
        let first = src.fill_buf()?;
        let gzip = first.starts_with(&[0x1f, 0x8b]);
        let mut payload = Vec::new();
        if gzip {
            loop {
                if src.fill_buf()?.is_empty() {
                    break;
                }
                let offset = src.pos;
                let member = flate2::bufread::GzDecoder::new(&mut src);
                let mut member = BufReader::with_capacity(64 * 1024, member);
                let end = loop {
                    match read_record(&mut member, &mut payload) {
                        Ok(Some(rec)) => self.record(&mut file, offset, &rec, &payload, emit),
                        Ok(None) => break Ok(()),
                        Err(RecordError::Oversized) => file.stats.oversized_records += 1,
                        Err(RecordError::Damaged) => {
                            // The rest of this member is skipped; the next one is read.
                            file.stats.damaged_records += 1;
                            break io::copy(&mut member, &mut io::sink()).map(drop);
                        }
                        Err(RecordError::Io(e)) => break Err(e),
                    }
                    file.report(progress, member.get_ref().get_ref().pos);
                };
                drop(member);
                if let Some(e) = src.failed.take() {
                    return Err(e);
                }
                match end {
                    Ok(()) => {}
                    Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
                        file.stats.truncated_members += 1;
                        break;
                    }
                    Err(_) => {
                        // Not gzip data: there is no telling where the next member starts.
                        file.stats.corrupt_members += 1;
                        break;
                    }
                }
            }
        } else {
            loop {
                let offset = src.pos;
                match read_record(&mut src, &mut payload) {
                    Ok(Some(rec)) => self.record(&mut file, offset, &rec, &payload, emit),
                    Ok(None) => break,
                    Err(e) => {
                        if let Some(e) = src.failed.take() {
                            return Err(e);
                        }
                        match e {
                            RecordError::Oversized => {
                                file.stats.oversized_records += 1;
                                continue;
                            }
                            RecordError::Io(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
                                file.stats.truncated_members += 1;
                            }
                            // Without a valid header there is no next record to find.
                            _ => file.stats.damaged_records += 1,
                        }
                        break;
                    }
                }
                file.report(progress, src.pos);
            }
        }
        if let Some(e) = src.failed.take() {
            return Err(e);
        }
        file.report(progress, src.pos);
        file.stats.bytes = src.pos;
        Ok(file.stats)
    }

    /// One WARC record.
    fn record(
        &self,
        file: &mut FileState,
        offset: u64,
        rec: &RecordHead,
        payload: &[u8],
        emit: &mut dyn FnMut(WatLink),
    ) {
        let stats = &mut file.stats;
        stats.records += 1;
        match rec.warc_type.as_deref() {
            Some(t) if t.eq_ignore_ascii_case("metadata") => {}
            Some(t) if t.eq_ignore_ascii_case("warcinfo") => {
                stats.other_records += 1;
                if file.crawl.is_none() {
                    file.crawl = is_part_of(payload);
                }
                return;
            }
            _ => {
                stats.other_records += 1;
                return;
            }
        }
        stats.metadata_records += 1;
        let Ok(wat) = serde_json::from_slice::<Wat>(payload) else {
            stats.malformed_json += 1;
            return;
        };
        let envelope = wat.envelope;
        let html = envelope
            .payload
            .and_then(|p| p.response)
            .and_then(|r| r.html);
        let Some(html) = html else {
            // Request and metadata captures, and responses that are not HTML: no links.
            return;
        };
        let header = envelope.header.unwrap_or_default();
        let page = rec
            .target_uri
            .as_deref()
            .or(header.target_uri.as_deref())
            .and_then(|u| Url::parse(u.trim()).ok())
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some());
        let Some(page) = page else {
            stats.no_page_url += 1;
            return;
        };
        let page = normalize_url(page);
        if page
            .host_str()
            .is_some_and(|h| host::is_within(h, &self.target.domain))
        {
            stats.own_pages += 1;
            return;
        }
        let base = html
            .head
            .and_then(|h| h.base)
            .and_then(|b| page.join(b.trim()).ok())
            .unwrap_or_else(|| page.clone());
        let captured_at = rec
            .date
            .clone()
            .or(header.date)
            .unwrap_or_default()
            .trim()
            .to_string();
        let mut seen: Vec<String> = Vec::new();
        for link in html.links {
            let Some(target_url) = self.resolve(&base, &link) else {
                continue;
            };
            // One row per (page, target URL): the first link in document order speaks.
            if seen.contains(&target_url) {
                continue;
            }
            seen.push(target_url.clone());
            emit(WatLink {
                source_url: page.to_string(),
                target_url,
                anchor_text: collapse(link.text.as_deref().unwrap_or_default()),
                rel: rel_tokens(link.rel.as_deref().unwrap_or_default()),
                captured_at: captured_at.clone(),
                crawl: file.crawl.clone().unwrap_or_default(),
                wat_file: file.name.to_string(),
                wat_record_offset: offset,
            });
        }
        if !seen.is_empty() {
            stats.linking_pages += 1;
            stats.links += seen.len() as u64;
        }
    }

    /// The absolute URL of a hyperlink to the target, or `None` for other links.
    fn resolve(&self, base: &Url, link: &WatLinkJson) -> Option<String> {
        let path = link.path.as_deref()?;
        // `A@/href` and `AREA@/href` are hyperlinks; `IMG@/src`, `LINK@/href`, `FORM@/action`
        // and the rest are not backlinks.
        let element = path.split('@').next()?;
        if !(element.eq_ignore_ascii_case("a") || element.eq_ignore_ascii_case("area")) {
            return None;
        }
        let raw = link.url.as_deref()?.trim();
        if raw.is_empty() || raw.starts_with('#') {
            return None;
        }
        let mut url = base.join(raw).ok()?;
        if !matches!(url.scheme(), "http" | "https") {
            return None;
        }
        if !host::is_within(url.host_str()?, &self.target.domain) {
            return None;
        }
        url.set_fragment(None);
        Some(normalize_url(url).to_string())
    }
}

/// Per-input state while reading.
struct FileState<'n> {
    name: &'n str,
    crawl: Option<String>,
    stats: ScanStats,
    /// Compressed bytes already reported as progress.
    reported: u64,
}

impl FileState<'_> {
    fn report(&mut self, progress: &dyn Progress, pos: u64) {
        let bytes = pos.saturating_sub(self.reported);
        self.reported = self.reported.max(pos);
        progress.advance(bytes, 1);
    }
}

/// The input, counting the bytes consumed (the offsets of members and records) and keeping
/// the input's own read error apart from the decoder's complaints about the data.
struct Source<R> {
    inner: BufReader<R>,
    pos: u64,
    failed: Option<io::Error>,
}

impl<R: Read> Read for Source<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = {
            let avail = self.fill_buf()?;
            let n = avail.len().min(buf.len());
            buf[..n].copy_from_slice(&avail[..n]);
            n
        };
        self.consume(n);
        Ok(n)
    }
}

impl<R: Read> BufRead for Source<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        match self.inner.fill_buf() {
            Ok(b) => Ok(b),
            Err(e) => {
                let kind = e.kind();
                let shown = io::Error::new(kind, e.to_string());
                self.failed = Some(e);
                Err(shown)
            }
        }
    }

    fn consume(&mut self, amt: usize) {
        self.pos += amt as u64;
        self.inner.consume(amt);
    }
}

/// The WARC headers this reader uses.
#[derive(Debug, Default)]
struct RecordHead {
    warc_type: Option<String>,
    target_uri: Option<String>,
    date: Option<String>,
}

#[derive(Debug)]
enum RecordError {
    /// Headers that are not WARC headers, or no usable `Content-Length`.
    Damaged,
    /// A record larger than [`MAX_RECORD_BYTES`] (its payload was skipped).
    Oversized,
    /// The data ended early, or could not be decompressed.
    Io(io::Error),
}

impl From<io::Error> for RecordError {
    fn from(e: io::Error) -> Self {
        RecordError::Io(e)
    }
}

/// Reads the next WARC record: its headers, and its payload into `payload`. `None` at the end
/// of the data.
fn read_record<R: BufRead>(
    r: &mut R,
    payload: &mut Vec<u8>,
) -> Result<Option<RecordHead>, RecordError> {
    let mut line = Vec::new();
    // Records are separated by CRLF CRLF; skip blank lines until a version line.
    loop {
        line.clear();
        if r.read_until(b'\n', &mut line)? == 0 {
            return Ok(None);
        }
        if !line.iter().all(u8::is_ascii_whitespace) {
            break;
        }
    }
    if !line.starts_with(b"WARC/") {
        return Err(RecordError::Damaged);
    }
    let mut head = RecordHead::default();
    let mut length: Option<u64> = None;
    let mut header_bytes = line.len();
    loop {
        line.clear();
        let n = r.read_until(b'\n', &mut line)?;
        if n == 0 {
            return Err(RecordError::Io(io::ErrorKind::UnexpectedEof.into()));
        }
        header_bytes += n;
        if header_bytes > MAX_HEADER_BYTES {
            return Err(RecordError::Damaged);
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            break;
        }
        let Some((name, value)) = text.split_once(':') else {
            continue;
        };
        let value = value.trim().to_string();
        match name.trim().to_ascii_lowercase().as_str() {
            "warc-type" => head.warc_type = Some(value),
            "warc-target-uri" => head.target_uri = Some(value.trim_matches(['<', '>']).into()),
            "warc-date" => head.date = Some(value),
            "content-length" => length = value.parse().ok(),
            _ => {}
        }
    }
    let length = length.ok_or(RecordError::Damaged)?;
    payload.clear();
    if length > MAX_RECORD_BYTES {
        let skipped = io::copy(&mut r.take(length), &mut io::sink())?;
        if skipped < length {
            return Err(RecordError::Io(io::ErrorKind::UnexpectedEof.into()));
        }
        return Err(RecordError::Oversized);
    }
    let read = r.take(length).read_to_end(payload)?;
    if (read as u64) < length {
        return Err(RecordError::Io(io::ErrorKind::UnexpectedEof.into()));
    }
    // The CRLF CRLF after the block belongs to this record: the next one starts after it. (A
    // read error here is the next record's to report.)
    let mut left = 4;
    while left > 0 {
        let Ok(buf) = r.fill_buf() else { break };
        let n = buf
            .iter()
            .take(left)
            .take_while(|b| matches!(b, b'\r' | b'\n'))
            .count();
        if n == 0 {
            break;
        }
        r.consume(n);
        left -= n;
    }
    Ok(Some(head))
}

/// `isPartOf: CC-MAIN-2025-08` in a `warcinfo` payload.
fn is_part_of(payload: &[u8]) -> Option<String> {
    String::from_utf8_lossy(payload).lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        (k.trim().eq_ignore_ascii_case("isPartOf") && !v.trim().is_empty())
            .then(|| v.trim().to_string())
    })
}

/// The crawl named in a WAT file's path or URL (`crawl-data/CC-MAIN-2025-08/segments/...`):
/// `CC-MAIN-` followed by a four-digit year, `-` and a two-digit week.
pub fn crawl_of(name: &str) -> Option<String> {
    let b = name.as_bytes();
    let digits = |s: &[u8]| s.iter().all(u8::is_ascii_digit);
    (0..b.len()).find_map(|i| {
        let rest = &b[i..];
        (rest.len() >= 15
            && rest[..8].eq_ignore_ascii_case(b"CC-MAIN-")
            && digits(&rest[8..12])
            && rest[12] == b'-'
            && digits(&rest[13..15])
            && rest.get(15).is_none_or(|c| !c.is_ascii_digit()))
        .then(|| String::from_utf8_lossy(&rest[..15]).to_ascii_uppercase())
    })
}

/// Third-party text as one displayable line: controls and invisible characters out
/// (`strip_controls`), whitespace runs as one space, trimmed.
fn collapse(text: &str) -> String {
    crate::report::sanitize::strip_controls(text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// `rel` tokens, lower case, without repeats.
fn rel_tokens(rel: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in rel.split_whitespace() {
        let t = t.to_ascii_lowercase();
        if !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

// The parts of the WAT JSON envelope that are read; everything else is skipped by serde.

#[derive(Deserialize)]
struct Wat<'a> {
    #[serde(rename = "Envelope", borrow)]
    envelope: Envelope<'a>,
}

#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(rename = "WARC-Header-Metadata", default)]
    header: Option<HeaderMeta>,
    #[serde(rename = "Payload-Metadata", default, borrow)]
    payload: Option<PayloadMeta<'a>>,
}

#[derive(Deserialize, Default)]
struct HeaderMeta {
    #[serde(rename = "WARC-Target-URI", default)]
    target_uri: Option<String>,
    #[serde(rename = "WARC-Date", default)]
    date: Option<String>,
}

#[derive(Deserialize)]
struct PayloadMeta<'a> {
    #[serde(rename = "HTTP-Response-Metadata", default, borrow)]
    response: Option<ResponseMeta<'a>>,
}

#[derive(Deserialize)]
struct ResponseMeta<'a> {
    #[serde(rename = "HTML-Metadata", default, borrow)]
    html: Option<HtmlMeta<'a>>,
}

#[derive(Deserialize)]
struct HtmlMeta<'a> {
    #[serde(rename = "Head", default, borrow)]
    head: Option<Head<'a>>,
    #[serde(rename = "Links", default, borrow)]
    links: Vec<WatLinkJson<'a>>,
}

#[derive(Deserialize)]
struct Head<'a> {
    #[serde(rename = "Base", default, borrow)]
    base: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct WatLinkJson<'a> {
    #[serde(default, borrow)]
    path: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    url: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    text: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    rel: Option<Cow<'a, str>>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn record(warc_type: &str, uri: &str, body: &str) -> Vec<u8> {
        format!(
            "WARC/1.0\r\nWARC-Type: {warc_type}\r\nWARC-Target-URI: {uri}\r\n\
             WARC-Date: 2025-02-07T15:43:21Z\r\nContent-Length: {}\r\n\r\n{body}\r\n\r\n",
            body.len()
        )
        .into_bytes()
    }

    fn envelope(uri: &str, base: Option<&str>, links: &str) -> String {
        let head = base.map_or(String::new(), |b| format!(r#""Head":{{"Base":"{b}"}},"#));
        format!(
            r#"{{"Envelope":{{"WARC-Header-Metadata":{{"WARC-Target-URI":"{uri}"}},
            "Payload-Metadata":{{"HTTP-Response-Metadata":{{"HTML-Metadata":{{{head}"Links":[{links}]}}}}}}}}}}"#
        )
    }

    fn gz(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn scan(bytes: &[u8], target: &str) -> (Vec<WatLink>, ScanStats) {
        let target = Target::parse(target).unwrap();
        let mut out = Vec::new();
        let stats = Scanner::new(&target)
            .scan("x.wat.gz", Some("CC-MAIN-2025-08"), bytes, &(), &mut |l| {
                out.push(l)
            })
            .unwrap();
        (out, stats)
    }

    #[test]
    fn links_to_every_host_of_the_target_resolved_and_deduplicated() {
        let links = r##"{"path":"A@/href","url":"/pricing#plans","text":"  Our\n pricing ","rel":"NoFollow ugc nofollow"},
            {"path":"A@/href","url":"https://www.example.com/"},
            {"path":"A@/href","url":"https://www.example.com/","text":"again"},
            {"path":"AREA@/href","url":"http://blog.example.com/x"},
            {"path":"IMG@/src","url":"https://example.com/logo.png"},
            {"path":"A@/href","url":"https://notexample.com/"},
            {"path":"A@/href","url":"mailto:me@example.com"},
            {"path":"A@/href","url":"#top"}"##;
        let body = envelope(
            "https://news.test/story",
            Some("https://example.com/docs/"),
            links,
        );
        let bytes = record("metadata", "https://news.test/story", &body);
        let (out, stats) = scan(&bytes, "example.com");
        let urls: Vec<&str> = out.iter().map(|l| l.target_url.as_str()).collect();
        assert_eq!(
            urls,
            [
                "https://example.com/pricing",
                "https://www.example.com/",
                "http://blog.example.com/x"
            ]
        );
        assert_eq!(out[0].anchor_text, "Our pricing");
        assert_eq!(out[0].rel, ["nofollow", "ugc"]);
        assert_eq!(out[1].anchor_text, "");
        assert!(out[1].rel.is_empty());
        assert_eq!(out[0].captured_at, "2025-02-07T15:43:21Z");
        assert_eq!(out[0].crawl, "CC-MAIN-2025-08");
        assert_eq!(out[0].wat_record_offset, 0);
        assert_eq!((stats.linking_pages, stats.links), (1, 3));
    }

    #[test]
    fn damage_is_counted_and_reading_goes_on() {
        let good = envelope(
            "https://a.test/",
            None,
            r#"{"path":"A@/href","url":"https://example.com/"}"#,
        );
        let mut bytes = gz(&record("warcinfo", "", "isPartOf: CC-MAIN-2024-51\r\n"));
        bytes.extend(gz(&record("metadata", "https://b.test/", "{not json")));
        bytes.extend(gz(&record(
            "metadata",
            "https://example.com/own",
            &envelope(
                "https://example.com/own",
                None,
                r#"{"path":"A@/href","url":"/x"}"#,
            ),
        )));
        let second = bytes.len() as u64;
        bytes.extend(gz(&record("metadata", "https://a.test/", &good)));
        let whole = gz(&record("metadata", "https://c.test/", &good));
        bytes.extend(&whole[..whole.len() / 2]);
        let target = Target::parse("example.com").unwrap();
        let mut out = Vec::new();
        let stats = Scanner::new(&target)
            .scan("f.wat.gz", None, &bytes[..], &(), &mut |l| out.push(l))
            .unwrap();
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].source_url, "https://a.test/");
        assert_eq!(out[0].wat_record_offset, second);
        assert_eq!(out[0].crawl, "CC-MAIN-2024-51");
        assert_eq!(
            (
                stats.records,
                stats.other_records,
                stats.malformed_json,
                stats.own_pages,
                stats.truncated_members
            ),
            (4, 1, 1, 1, 1)
        );
    }

    #[test]
    fn plain_files_and_garbage() {
        let body = envelope(
            "https://a.test/",
            None,
            r#"{"path":"A@/href","url":"https://example.com/"}"#,
        );
        let mut bytes = record("request", "https://a.test/", "GET / HTTP/1.1\r\n");
        let at = bytes.len() as u64;
        bytes.extend(record("metadata", "https://a.test/", &body));
        let (out, stats) = scan(&bytes, "example.com");
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].wat_record_offset, at);
        assert_eq!(stats.other_records, 1);
        let (out, stats) = scan(b"this is not a WAT file\n", "example.com");
        assert!(out.is_empty());
        assert_eq!(stats.damaged_records, 1);
        let (_, stats) = scan(&[0x1f, 0x8b, 0x08, 0, 1, 2, 3, 4, 5, 6, 7], "example.com");
        assert_eq!(stats.records, 0);
        assert_eq!(stats.damaged(), 1);
    }

    #[test]
    fn crawl_names() {
        assert_eq!(
            crawl_of(
                "crawl-data/CC-MAIN-2025-08/segments/1/wat/CC-MAIN-20250207-00000.warc.wat.gz"
            )
            .as_deref(),
            Some("CC-MAIN-2025-08")
        );
        assert_eq!(crawl_of("CC-MAIN-20250207154122-00000.warc.wat.gz"), None);
        assert_eq!(crawl_of("x.wat.gz"), None);
    }
}
