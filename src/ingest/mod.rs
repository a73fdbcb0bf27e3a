//! Ingest stage: the user's inputs → a de-duplicated list of [`Candidate`] pages (and
//! domain-level candidates), each remembering every input, line and vendor claim that listed it.
//!
//! Synchronous, free of network access, and streaming: an input is never read whole (except a
//! JSON report). For each input (or each CSV inside a zip):
//!
//! 1. [`decode`] looks at the first 64 KiB: zip / gzip / Excel / PDF, then the text encoding
//!    (BOMs, UTF-16 without BOM, UTF-8, else a guessed legacy charset), and streams the rest
//!    as UTF-8.
//! 2. [`detect`] finds the header among the first lines and the format it belongs to (Search
//!    Console in eight languages, Ahrefs, Semrush, Moz, Majestic, Screaming Frog, our own
//!    reports), or falls back to a URL list, a JSON report, `--columns`, or an error showing the
//!    header found.
//! 3. Rows are read with the `csv` crate and turned into candidates by [`schema::extract`];
//!    invalid rows are skipped and counted with their line numbers (see [`InputReport`]).
//!
//! Problems that make the result untrustworthy are [`IngestError`]s (exit 2).

mod ahrefs;
pub mod columns;
mod commoncrawl;
pub mod decode;
pub mod detect;
mod gsc;
mod majestic;
mod moz;
mod own_report;
mod rows;
pub mod schema;
mod screaming_frog;
mod semrush;
pub mod stats;
mod url_list;
pub mod values;

pub use columns::ColumnMap;
pub use gsc::LANGUAGES as GSC_LANGUAGES;
pub use stats::{InputReport, ReasonCount};
pub use url_list::parse_page_url;

use crate::model::{Candidate, Claims, DomainCandidate, InputFormat, Provenance, normalize_url};
use decode::{Container, SNIFF_BYTES, container, read_head, sniff_encoding, utf8_stream};
use detect::Detected;
use schema::{Binding, Row, Skip};
use stats::{Distinct, PageKey, Tally};
use std::collections::HashMap;
use std::io::{BufReader, Cursor, Read, Seek};
use std::path::{Path, PathBuf};
use url::Url;

/// Rows longer than this are skipped (a 10 MB line is no export row).
pub const MAX_ROW_BYTES: usize = 1024 * 1024;

/// Largest JSON report read as an input or a baseline, after decompression: it is parsed
/// whole, unlike the streamed CSV.
pub const MAX_JSON_BYTES: u64 = 256 * 1024 * 1024;

/// Largest zip read from standard input, which must be held in memory to be read (a zip
/// needs seeking); a larger one can be given as a file.
pub const MAX_STDIN_ZIP_BYTES: u64 = 256 * 1024 * 1024;

/// A run-ending input problem. Every variant names the input and, where there is one, the line.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The file could not be read.
    #[error("cannot read `{path}`: {source}")]
    Read {
        /// The input as named by the user.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A line is not what the format requires.
    #[error("{path}:{line}: {reason}")]
    InvalidLine {
        /// The input as named by the user.
        path: String,
        /// 1-based line number.
        line: u64,
        /// What is wrong, quoting the offending text.
        reason: String,
    },
    /// The input is not text this tool can read.
    #[error("`{path}` {reason}")]
    Unreadable {
        /// The input as named by the user.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// A delimited file whose header matches no known export.
    #[error(
        "{path}:{line}: not a backlink export this tool recognises\n  header found: {header}\n  \
         supported: {supported}\n  for another tool's CSV, name its columns: \
         --columns url=COLUMN[,anchor=COLUMN,target=COLUMN,rel=COLUMN,first_seen=COLUMN,...]"
    )]
    Unrecognised {
        /// The input as named by the user.
        path: String,
        /// 1-based line of the header shown.
        line: u64,
        /// The header as found (shortened).
        header: String,
        /// The supported formats, in words.
        supported: String,
    },
    /// All inputs together listed no page.
    #[error("no candidate pages found in {inputs}{detail}")]
    Empty {
        /// The inputs, comma-separated.
        inputs: String,
        /// Why, when rows were read but none was a candidate.
        detail: String,
    },
    /// `-` was given more than once.
    #[error("standard input (`-`) can be given only once")]
    StdinTwice,
    /// `--include`/`--exclude` left no page to audit.
    #[error("--include/--exclude left out every candidate page: nothing to audit")]
    AllExcluded,
}

/// What the ingest stage produced.
#[derive(Debug, Default)]
pub struct Ingested {
    /// One per normalised URL, in first-seen order.
    pub candidates: Vec<Candidate>,
    /// Referring domains known only at domain level (Search Console top linking sites),
    /// sorted by domain.
    pub domains: Vec<DomainCandidate>,
    /// Problems that did not stop the run (skipped rows, notes), for stderr.
    pub warnings: Vec<String>,
}

/// Totals over every input (`backlinks sources`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Totals {
    /// Inputs read (zip entries count one each).
    pub inputs: usize,
    /// Rows read.
    pub rows: u64,
    /// Distinct referring pages over all inputs.
    pub pages: u64,
    /// Distinct registrable domains of those pages.
    pub domains: u64,
    /// Distinct domain-level candidates.
    pub domain_candidates: u64,
    /// Listings merged into a page or domain already listed (within or across inputs).
    pub duplicates: u64,
    /// Invalid rows skipped.
    pub skipped: u64,
    /// Valid rows that are not candidates.
    pub filtered: u64,
}

/// What `backlinks sources` reports.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Survey {
    /// One entry per input (and per CSV inside a zip), in the order read.
    pub inputs: Vec<InputReport>,
    /// Totals.
    pub total: Totals,
}

/// Options of the ingest stage.
#[derive(Debug, Clone, Default)]
pub struct IngestOptions {
    /// Turn invalid lines of URL lists into warnings instead of errors (invalid rows of
    /// exports are always skipped with a counted warning).
    pub skip_invalid: bool,
    /// `--columns`: how to read a CSV no format recognises.
    pub columns: Option<ColumnMap>,
    /// The audited registrable domain, when known: internal links and (for crawl exports)
    /// links to other sites are filtered out.
    pub target: Option<String>,
    /// `--include`/`--exclude`: which candidate page URLs are audited.
    pub urls: UrlFilter,
}

/// `--include REGEX` and `--exclude REGEX` (as lychee's): a candidate page is audited when
/// its URL matches one of the include patterns (or there are none) and none of the exclude
/// patterns. Patterns are regular expressions searched anywhere in the normalised URL.
#[derive(Debug, Clone, Default)]
pub struct UrlFilter {
    /// `--include` patterns.
    pub include: Vec<regex::Regex>,
    /// `--exclude` patterns.
    pub exclude: Vec<regex::Regex>,
}

impl UrlFilter {
    /// Whether any pattern was given.
    pub fn is_active(&self) -> bool {
        !self.include.is_empty() || !self.exclude.is_empty()
    }

    /// Whether the page at `url` is audited.
    pub fn keeps(&self, url: &str) -> bool {
        (self.include.is_empty() || self.include.iter().any(|r| r.is_match(url)))
            && !self.exclude.iter().any(|r| r.is_match(url))
    }

    /// Drops the candidates the patterns leave out; says how many, when any.
    fn apply(&self, candidates: &mut Vec<Candidate>) -> Option<String> {
        if !self.is_active() {
            return None;
        }
        let before = candidates.len();
        candidates.retain(|c| self.keeps(c.url.as_str()));
        let dropped = before - candidates.len();
        (dropped > 0).then(|| {
            format!("{dropped} of {before} candidate pages left out by --include/--exclude")
        })
    }
}

/// Where listings go: the [`Merger`] for an audit, a counter for `sources`.
trait Sink {
    fn page(&mut self, url: Url, key: PageKey, provenance: Provenance);
    fn site(&mut self, site: SiteListing, provenance: Provenance);
}

/// A domain-level listing.
struct SiteListing {
    domain: String,
    linking_pages: Option<u64>,
    target_pages: Option<u64>,
}

/// Reads every input (`-` is standard input) and merges the candidates.
pub fn read_candidates(paths: &[PathBuf], opts: &IngestOptions) -> Result<Ingested, IngestError> {
    let mut merger = Merger::default();
    let inputs = read_all(paths, opts, &mut merger)?;
    let (mut candidates, domains) = merger.finish_all();
    if candidates.is_empty() && domains.is_empty() {
        return Err(empty_error(paths, &inputs));
    }
    let filtered = opts.urls.apply(&mut candidates);
    if candidates.is_empty() && domains.is_empty() {
        return Err(IngestError::AllExcluded);
    }
    let mut warnings: Vec<String> = inputs.iter().flat_map(InputReport::warnings).collect();
    warnings.extend(filtered);
    Ok(Ingested {
        candidates,
        domains,
        warnings,
    })
}

/// Reads every input for `backlinks sources`: what each is, and the counts, keeping no
/// candidate (memory stays flat however many rows).
pub fn survey(paths: &[PathBuf], opts: &IngestOptions) -> Result<Survey, IngestError> {
    #[derive(Default)]
    struct Count {
        distinct: Distinct,
        listed: u64,
    }
    impl Sink for Count {
        fn page(&mut self, _: Url, key: PageKey, _: Provenance) {
            self.listed += 1;
            self.distinct.page(&key);
        }
        fn site(&mut self, site: SiteListing, _: Provenance) {
            self.listed += 1;
            self.distinct.site(&site.domain);
        }
    }
    let mut count = Count::default();
    let inputs = read_all(paths, opts, &mut count)?;
    let (pages, domains, domain_candidates) = count.distinct.counts();
    let total = Totals {
        inputs: inputs.len(),
        rows: inputs.iter().map(|i| i.rows).sum(),
        pages,
        domains,
        domain_candidates,
        duplicates: count.listed - pages - domain_candidates,
        skipped: inputs.iter().map(|i| i.skipped).sum(),
        filtered: inputs.iter().map(|i| i.filtered).sum(),
    };
    Ok(Survey { inputs, total })
}

fn empty_error(paths: &[PathBuf], inputs: &[InputReport]) -> IngestError {
    let names: Vec<String> = paths.iter().map(|p| display_name(p)).collect();
    let why: Vec<String> = inputs
        .iter()
        .filter(|i| i.rows > 0)
        .map(|i| {
            let n = |c: u64| if c == 1 { "1 row" } else { "rows" };
            let reasons: Vec<String> =
                i.filtered_reasons
                    .iter()
                    .map(|r| format!("{} filtered: {}", with_count(r.count, n(r.count)), r.reason))
                    .chain(i.skipped_reasons.iter().map(|r| {
                        format!("{} skipped: {}", with_count(r.count, n(r.count)), r.reason)
                    }))
                    .collect();
            let format = i.format.map_or("unrecognised", InputFormat::as_str);
            format!("{}, {format}: {}", i.input, reasons.join(", "))
        })
        .collect();
    IngestError::Empty {
        inputs: names.join(", "),
        detail: if why.is_empty() {
            String::new()
        } else {
            format!(" ({})", why.join("; "))
        },
    }
}

fn with_count(count: u64, noun: &str) -> String {
    if count == 1 {
        noun.to_string()
    } else {
        format!("{count} {noun}")
    }
}

fn read_all(
    paths: &[PathBuf],
    opts: &IngestOptions,
    sink: &mut dyn Sink,
) -> Result<Vec<InputReport>, IngestError> {
    let mut reports = Vec::new();
    let mut stdin_used = false;
    for path in paths {
        let name = display_name(path);
        let read_err = |source| IngestError::Read {
            path: name.clone(),
            source,
        };
        if path.as_os_str() == "-" {
            if stdin_used {
                return Err(IngestError::StdinTwice);
            }
            stdin_used = true;
            let mut stdin = std::io::stdin().lock();
            let (mut head, eof) = read_head(&mut stdin, SNIFF_BYTES).map_err(read_err)?;
            if container(&head) == Container::Zip {
                // A zip needs seeking: standard input is read into memory first.
                if !decode::read_to_cap(&mut stdin, &mut head, MAX_STDIN_ZIP_BYTES)
                    .map_err(read_err)?
                {
                    return Err(IngestError::Unreadable {
                        path: name,
                        reason: format!(
                            "is a zip larger than {} on standard input; give it as a file",
                            decode::size(MAX_STDIN_ZIP_BYTES)
                        ),
                    });
                }
                read_zip(&name, Cursor::new(head), opts, sink, &mut reports)?;
            } else {
                let r = read_stream(&name, head, eof, Box::new(stdin), opts, sink, 0)?;
                reports.push(r);
            }
            continue;
        }
        if path.is_dir() {
            return Err(IngestError::Unreadable {
                path: name,
                reason: "is a directory, not a file".into(),
            });
        }
        let mut file = std::fs::File::open(path).map_err(read_err)?;
        let (head, eof) = read_head(&mut file, SNIFF_BYTES).map_err(read_err)?;
        if container(&head) == Container::Zip {
            file.rewind().map_err(read_err)?;
            read_zip(&name, file, opts, sink, &mut reports)?;
        } else {
            let r = read_stream(&name, head, eof, Box::new(file), opts, sink, 0)?;
            reports.push(r);
        }
    }
    Ok(reports)
}

const XLSX: &str = "is an Excel or OpenDocument workbook; export the sheet as CSV (File → Save \
                    as → CSV UTF-8, or the tool's own CSV export) and give that file";

/// Reads every CSV of a zip (Search Console's "Download CSV"). Entries no format recognises
/// are listed as ignored; a zip with no CSV, or with none recognised, is an error.
fn read_zip<R: Read + Seek>(
    name: &str,
    reader: R,
    opts: &IngestOptions,
    sink: &mut dyn Sink,
    reports: &mut Vec<InputReport>,
) -> Result<(), IngestError> {
    let unreadable = |reason: String| IngestError::Unreadable {
        path: name.to_string(),
        reason,
    };
    let mut zip = zip::ZipArchive::new(reader)
        .map_err(|e| unreadable(format!("is not a readable zip archive ({e})")))?;
    let mut names: Vec<String> = zip
        .file_names()
        .map(|n| n.map(std::borrow::Cow::into_owned))
        .collect::<Result<_, _>>()
        .map_err(|e| unreadable(format!("is not a readable zip archive ({e})")))?;
    names.sort();
    let has = |n: &str| names.iter().any(|x| x == n);
    if (has("[Content_Types].xml") && names.iter().any(|n| n.starts_with("xl/")))
        || (has("mimetype") && has("content.xml"))
    {
        // .xlsx and .ods are zips too.
        return Err(unreadable(XLSX.into()));
    }
    let is_text = |n: &String| {
        let lower = n.to_ascii_lowercase();
        !lower.starts_with("__macosx/")
            && !lower.ends_with('/')
            && [".csv", ".tsv", ".txt"].iter().any(|e| lower.ends_with(e))
    };
    let csvs: Vec<&String> = names.iter().filter(|n| is_text(n)).collect();
    if csvs.is_empty() {
        let shown: Vec<&str> = names.iter().take(10).map(String::as_str).collect();
        return Err(unreadable(format!(
            "holds no CSV file (entries: {})",
            if shown.is_empty() {
                "none".to_string()
            } else {
                shown.join(", ")
            }
        )));
    }
    let mut recognised = 0;
    let mut unknown = Vec::new();
    for entry_name in csvs {
        let shown = format!("{name}!{entry_name}");
        let mut entry = zip.by_name(entry_name).map_err(|e| {
            unreadable(format!(
                "cannot read `{entry_name}` in the archive ({e}); only stored and deflated \
                 entries without a password are supported"
            ))
        })?;
        if entry.size() == 0 {
            // Search Console writes an empty file for a report without data.
            let mut r = InputReport::new(&shown);
            r.notes.push("ignored: empty".into());
            reports.push(r);
            continue;
        }
        let (head, eof) =
            read_head(&mut entry, SNIFF_BYTES).map_err(|source| IngestError::Read {
                path: shown.clone(),
                source,
            })?;
        match read_stream(&shown, head, eof, Box::new(entry), opts, sink, 1) {
            Ok(r) => {
                recognised += 1;
                reports.push(r);
            }
            Err(IngestError::Unrecognised { header, .. }) => {
                let mut r = InputReport::new(&shown);
                r.notes.push(format!(
                    "ignored: not a recognised export (header: {header})"
                ));
                unknown.push(format!("{entry_name} (header: {header})"));
                reports.push(r);
            }
            Err(e) => return Err(e),
        }
    }
    if recognised == 0 {
        return Err(IngestError::Unrecognised {
            path: name.to_string(),
            line: 1,
            header: unknown.join("; "),
            supported: detect::supported_formats(),
        });
    }
    Ok(())
}

/// Reads one text input whose first bytes are `head`.
fn read_stream<'a>(
    name: &str,
    head: Vec<u8>,
    eof: bool,
    rest: Box<dyn Read + 'a>,
    opts: &IngestOptions,
    sink: &mut dyn Sink,
    depth: u8,
) -> Result<InputReport, IngestError> {
    let unreadable = |reason: &str| IngestError::Unreadable {
        path: name.to_string(),
        reason: reason.to_string(),
    };
    let read_err = |source| IngestError::Read {
        path: name.to_string(),
        source,
    };
    if head.is_empty() {
        return Err(unreadable("is empty"));
    }
    match container(&head) {
        Container::Text => {}
        Container::Zip => return Err(unreadable("is a zip inside a zip; extract it first")),
        Container::Xls => return Err(unreadable(XLSX)),
        Container::Pdf => return Err(unreadable("is a PDF, not a CSV export or URL list")),
        Container::Gzip if depth > 1 => return Err(unreadable("is compressed twice")),
        Container::Gzip => {
            let mut gz = flate2::read::MultiGzDecoder::new(Cursor::new(head).chain(rest));
            let (head, eof) = read_head(&mut gz, SNIFF_BYTES).map_err(read_err)?;
            return read_stream(name, head, eof, Box::new(gz), opts, sink, depth + 2);
        }
    }
    let enc = sniff_encoding(&head, eof);
    let mut text = utf8_stream(head, rest, enc);
    let (dhead, deof) = read_head(&mut text, SNIFF_BYTES).map_err(read_err)?;
    let blank = |c: char| c.is_whitespace() || c == '\u{feff}';
    if deof
        && String::from_utf8_lossy(&dhead)
            .trim_matches(blank)
            .is_empty()
    {
        return Err(unreadable("is empty"));
    }
    let mut report = InputReport::new(name);
    report.encoding = Some(enc.label());
    let mut tally = Tally::default();
    match detect::detect(&dhead, deof, opts.columns.as_ref()) {
        Detected::Csv {
            binding,
            delimiter,
            header_line,
            offset,
        } => {
            report.format = Some(binding.format);
            report.language = binding.language;
            report.header_line = Some(header_line);
            report.delimiter = Some(match delimiter {
                b'\t' => "tab",
                b';' => "semicolon",
                _ => "comma",
            });
            let mut head = Cursor::new(dhead);
            head.set_position(offset as u64);
            let layout = Layout {
                name,
                binding: &binding,
                delimiter,
                header_line,
            };
            read_rows(&layout, head.chain(text), opts, sink, &mut tally)?;
            notes(binding.format, &tally, &mut report);
        }
        Detected::UrlList => {
            report.format = Some(InputFormat::UrlList);
            let mut r = BufReader::with_capacity(64 * 1024, Cursor::new(dhead).chain(text));
            url_list::read_url_list(
                name,
                &mut r,
                opts.skip_invalid,
                &mut tally,
                |t, line, url| {
                    let url = normalize_url(url);
                    let key = PageKey::of(&url);
                    t.page(&key);
                    let p = provenance(name, line, InputFormat::UrlList, Claims::default());
                    sink.page(url, key, p);
                },
            )?;
            notes(InputFormat::UrlList, &tally, &mut report);
        }
        Detected::Json if commoncrawl::is_jsonl(&dhead) => {
            let format = InputFormat::CommoncrawlWat;
            report.format = Some(format);
            let mut r = BufReader::with_capacity(64 * 1024, Cursor::new(dhead).chain(text));
            let mut odd = schema::Oddities::default();
            let target = opts.target.as_deref();
            commoncrawl::read_jsonl(&mut r, target, MAX_ROW_BYTES, &mut odd, |line, row| {
                tally.rows += 1;
                match row {
                    Row::Page(url, claims) => {
                        let url = normalize_url(url);
                        let key = PageKey::of(&url);
                        tally.page(&key);
                        sink.page(url, key, provenance(name, line, format, claims));
                    }
                    Row::Filtered(reason) => tally.filter(line, reason),
                    Row::Skipped(skip) => tally.skip(line, skip),
                    // The rows name pages, never sites.
                    Row::Site { .. } => tally.filter(line, schema::FILTER_OWN_PAGES),
                }
            })
            .map_err(read_err)?;
            tally.odd = odd;
            notes(format, &tally, &mut report);
        }
        Detected::Json => {
            report.format = Some(InputFormat::BacklinksJson);
            let mut all = dhead;
            if !decode::read_to_cap(&mut text, &mut all, MAX_JSON_BYTES).map_err(read_err)? {
                return Err(unreadable(&format!(
                    "is a JSON report larger than {} (after decompression); give the CSV \
                     report of that audit (`--format csv`) instead",
                    decode::size(MAX_JSON_BYTES)
                )));
            }
            read_json(name, &all, sink, &mut tally)?;
        }
        Detected::Unknown { line, header } => {
            return Err(IngestError::Unrecognised {
                path: name.to_string(),
                line,
                header: shorten(&header),
                supported: detect::supported_formats(),
            });
        }
        Detected::ColumnsMismatch {
            line,
            header,
            reason,
        } => {
            return Err(IngestError::InvalidLine {
                path: name.to_string(),
                line,
                reason: format!("{reason}; the header is: {}", shorten(&header)),
            });
        }
        Detected::LineTooLong => {
            return Err(IngestError::InvalidLine {
                path: name.to_string(),
                line: 1,
                reason: format!(
                    "the first line is longer than {} KiB: not a CSV export or URL list",
                    SNIFF_BYTES / 1024
                ),
            });
        }
        Detected::Binary { line } => {
            return Err(IngestError::InvalidLine {
                path: name.to_string(),
                line,
                reason: "contains NUL bytes: binary data, not a CSV export or URL list \
                         (a UTF-16 file cut in the middle of a character?)"
                    .into(),
            });
        }
    }
    let skipped = tally.skipped();
    if tally.rows > 0 && skipped == tally.rows {
        let (line, skip) = tally.first_skip.clone().unwrap_or((0, Skip::new("", "")));
        let reason = format!(
            "no usable row: all {} rows were skipped; the first: {} {}",
            tally.rows, skip.kind, skip.detail
        );
        // Rows of a JSON report have no line of their own (line 0): name the file only.
        return Err(if line == 0 {
            IngestError::Unreadable {
                path: name.to_string(),
                reason: format!("has {reason}"),
            }
        } else {
            IngestError::InvalidLine {
                path: name.to_string(),
                line,
                reason,
            }
        });
    }
    tally.finish(&mut report);
    Ok(report)
}

fn provenance(name: &str, line: u64, format: InputFormat, claims: Claims) -> Provenance {
    Provenance {
        input: name.to_string(),
        line,
        format,
        claims,
    }
}

/// Where the rows of a delimited export are.
struct Layout<'a> {
    name: &'a str,
    binding: &'a Binding,
    delimiter: u8,
    header_line: u64,
}

/// Reads the rows of a delimited export, from its header line on.
fn read_rows(
    layout: &Layout,
    src: impl Read,
    opts: &IngestOptions,
    sink: &mut dyn Sink,
    tally: &mut Tally,
) -> Result<(), IngestError> {
    let &Layout {
        name,
        binding: b,
        delimiter,
        header_line,
    } = layout;
    let mut rows = rows::Rows::new(src, delimiter);
    let mut rec = csv::ByteRecord::new();
    let target = opts.target.as_deref();
    let mut header_done = false;
    loop {
        let read = match rows.next(&mut rec) {
            Ok(Some(r)) => r,
            Ok(None) => break,
            Err(source) => {
                return Err(IngestError::Read {
                    path: name.to_string(),
                    source,
                });
            }
        };
        let line = read.line + header_line - 1;
        if !header_done {
            header_done = true;
            continue;
        }
        if read.too_long.is_none() && rec.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            continue;
        }
        tally.rows += 1;
        let extra_empty = rec.len() > b.width && rec.iter().skip(b.width).all(<[u8]>::is_empty);
        let row = if let Some(too_long) = read.too_long {
            Row::Skipped(match too_long {
                rows::TooLong::Bytes(n) => Skip::new("row longer than 1 MiB", format!("{n} bytes")),
                rows::TooLong::Fields => Skip::new(
                    "row of more than 65536 fields",
                    "not an export row".to_string(),
                ),
            })
        } else if let Some(i) = rec.iter().position(|f| f.contains(&0)) {
            // Checked on the whole row, not only the cells a format reads.
            Row::Skipped(Skip::new("contains NUL bytes", format!("column {}", i + 1)))
        } else if rec.len() != b.width && !extra_empty {
            Row::Skipped(Skip::new(
                "wrong number of fields (truncated row, or an unquoted delimiter or quote)",
                format!("{} fields, the header has {}", rec.len(), b.width),
            ))
        } else {
            let rec = &rec;
            schema::extract(b, |i| cell(rec, i), target, &mut tally.odd)
        };
        match row {
            Row::Page(url, claims) => {
                let url = normalize_url(url);
                let key = PageKey::of(&url);
                tally.page(&key);
                sink.page(url, key, provenance(name, line, b.format, claims));
            }
            Row::Site {
                domain,
                linking_pages,
                target_pages,
            } => {
                tally.site(&domain);
                let site = SiteListing {
                    domain,
                    linking_pages,
                    target_pages,
                };
                sink.site(site, provenance(name, line, b.format, Claims::default()));
            }
            Row::Filtered(reason) => tally.filter(line, reason),
            Row::Skipped(skip) => tally.skip(line, skip),
        }
    }
    Ok(())
}

/// One cell as trimmed text, or why the row cannot be used.
fn cell(rec: &csv::ByteRecord, i: usize) -> Result<&str, Skip> {
    let bytes = rec.get(i).unwrap_or_default();
    let text = std::str::from_utf8(bytes).map_err(|_| {
        Skip::new(
            "not valid UTF-8 text (mixed encodings?)",
            format!("column {}", i + 1),
        )
    })?;
    if text.contains('\0') {
        return Err(Skip::new("contains NUL bytes", format!("column {}", i + 1)));
    }
    Ok(text.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}'))
}

fn notes(format: InputFormat, tally: &Tally, report: &mut InputReport) {
    let odd = &tally.odd;
    let rows = tally.rows;
    if matches!(
        format,
        InputFormat::SemrushBacklinks | InputFormat::SemrushBacklinkAudit
    ) && (rows == semrush::ROW_LIMIT || rows + 1 == semrush::ROW_LIMIT)
    {
        report.notes.push(format!(
            "has exactly {rows} rows, the most a Semrush export holds: it is probably cut off; \
             export in parts (filter by referring domain or date) to get every backlink"
        ));
    }
    if odd.dates > 0 {
        report.notes.push(format!(
            "{} dates not understood (e.g. {:?}) were left empty",
            odd.dates,
            odd.date_example.as_deref().unwrap_or_default()
        ));
    }
    if odd.numbers > 0 {
        report.notes.push(format!(
            "{} metric values are not numbers (e.g. {:?}) and were left empty",
            odd.numbers,
            odd.number_example.as_deref().unwrap_or_default()
        ));
    }
    if odd.schemeless > 0 {
        report.notes.push(format!(
            "{} page URLs without http(s):// were read as http://",
            odd.schemeless
        ));
    }
}

/// Reads one of our own JSON reports.
fn read_json(
    name: &str,
    bytes: &[u8],
    sink: &mut dyn Sink,
    tally: &mut Tally,
) -> Result<(), IngestError> {
    let invalid = |line: u64, reason: String| IngestError::InvalidLine {
        path: name.to_string(),
        line,
        reason,
    };
    let text = std::str::from_utf8(bytes).map_err(|e| {
        invalid(
            decode::utf8_error_line(bytes, &e) as u64,
            "is not UTF-8 text".into(),
        )
    })?;
    if !own_report::looks_like_report(&text[..text.len().min(SNIFF_BYTES)]) {
        return Err(invalid(
            1,
            "JSON that is not a backlinks report (no \"schema_version\"); give the JSON \
             written by `backlinks audit --format json`, or a CSV export"
                .into(),
        ));
    }
    let entries = own_report::read_json(text).map_err(|(line, reason)| invalid(line, reason))?;
    for e in entries {
        tally.rows += 1;
        match e {
            own_report::Entry::Page { line, url, claims } => match parse_page_url(&url) {
                Ok(url) => {
                    let url = normalize_url(url);
                    let key = PageKey::of(&url);
                    tally.page(&key);
                    let p = provenance(name, line, InputFormat::BacklinksJson, claims);
                    sink.page(url, key, p);
                }
                Err(reason) => tally.skip(line, Skip::new("not an http(s) URL", reason)),
            },
            own_report::Entry::Site { domain } => {
                tally.site(&domain);
                let site = SiteListing {
                    domain,
                    linking_pages: None,
                    target_pages: None,
                };
                let p = provenance(name, 0, InputFormat::BacklinksJson, Claims::default());
                sink.site(site, p);
            }
        }
    }
    Ok(())
}

/// A header line for an error message: control characters out, at most 200 characters.
fn shorten(text: &str) -> String {
    let mut s: String = text
        .chars()
        .map(|c| if c == '\t' { '→' } else { c })
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    if text.chars().count() > 200 {
        s.push('…');
    }
    format!("\"{s}\"")
}

/// The name of an input as reports show it: the path as given, `-` for standard input.
pub fn display_name(path: &Path) -> String {
    // `-` reads standard input: name it so (a bare `-` also looks like a formula to
    // spreadsheets and is escaped in CSV).
    if path.as_os_str() == "-" {
        return "stdin".to_string();
    }
    path.to_string_lossy().into_owned()
}

/// Merges listings into candidates keyed by normalised URL, keeping first-seen order, and
/// domain-level listings keyed by domain.
#[derive(Default)]
pub struct Merger {
    index: HashMap<Url, usize>,
    candidates: Vec<Candidate>,
    domains: HashMap<String, DomainCandidate>,
}

impl Merger {
    /// Adds one listing.
    pub fn add(&mut self, url: Url, provenance: Provenance) {
        self.insert(normalize_url(url), None, provenance);
    }

    /// Adds a listing of a normalised URL whose registrable domain may be known already.
    fn insert(&mut self, url: Url, domain: Option<String>, provenance: Provenance) {
        match self.index.get(&url) {
            Some(&i) => self.candidates[i].provenance.push(provenance),
            None => {
                let domain = domain.unwrap_or_else(|| crate::model::host::domain_of(&url));
                self.index.insert(url.clone(), self.candidates.len());
                self.candidates.push(Candidate {
                    url,
                    domain,
                    provenance: vec![provenance],
                });
            }
        }
    }

    /// Adds one domain-level listing.
    pub fn add_domain(
        &mut self,
        domain: String,
        linking_pages: Option<u64>,
        target_pages: Option<u64>,
        provenance: Provenance,
    ) {
        let d = self
            .domains
            .entry(domain.clone())
            .or_insert_with(|| DomainCandidate {
                domain,
                linking_pages: None,
                target_pages: None,
                provenance: Vec::new(),
            });
        d.linking_pages = d.linking_pages.max(linking_pages);
        d.target_pages = d.target_pages.max(target_pages);
        d.provenance.push(provenance);
    }

    /// The merged candidates.
    pub fn finish(self) -> Vec<Candidate> {
        self.candidates
    }

    /// The merged candidates and domain-level candidates (sorted by domain).
    pub fn finish_all(self) -> (Vec<Candidate>, Vec<DomainCandidate>) {
        let mut domains: Vec<DomainCandidate> = self.domains.into_values().collect();
        domains.sort_by(|a, b| a.domain.cmp(&b.domain));
        (self.candidates, domains)
    }
}

impl Sink for Merger {
    fn page(&mut self, url: Url, key: PageKey, provenance: Provenance) {
        self.insert(url, Some(key.domain), provenance);
    }

    fn site(&mut self, site: SiteListing, provenance: Provenance) {
        self.add_domain(
            site.domain,
            site.linking_pages,
            site.target_pages,
            provenance,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merger_deduplicates_and_keeps_every_source() {
        let mut m = Merger::default();
        let p = |input: &str, line| Provenance {
            input: input.into(),
            line,
            format: InputFormat::UrlList,
            claims: Claims::default(),
        };
        m.add(Url::parse("https://A.test/x#frag").unwrap(), p("a.txt", 1));
        m.add(Url::parse("https://a.test:443/x").unwrap(), p("b.txt", 7));
        m.add(Url::parse("https://a.test/y").unwrap(), p("a.txt", 2));
        m.add_domain("z.test".into(), Some(3), None, p("gsc.csv", 2));
        m.add_domain("z.test".into(), Some(9), Some(1), p("gsc2.csv", 5));
        let (c, d) = m.finish_all();
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].url.as_str(), "https://a.test/x");
        assert_eq!(c[0].sources(), ["a.txt", "b.txt"]);
        assert_eq!(c[0].provenance[1].line, 7);
        assert_eq!((d[0].linking_pages, d[0].target_pages), (Some(9), Some(1)));
        assert_eq!(d[0].sources(), ["gsc.csv", "gsc2.csv"]);
    }
}

#[cfg(test)]
mod fuzz {
    //! Property tests: detection and reading never panic, whatever the bytes.

    use super::*;
    use proptest::prelude::*;

    /// Reads one input held in memory, as `read_all` reads a file.
    fn read_bytes(
        bytes: &[u8],
        opts: &IngestOptions,
    ) -> Result<(Merger, Vec<InputReport>), IngestError> {
        let mut merger = Merger::default();
        let mut reports = Vec::new();
        let (head, eof) = read_head(&mut &bytes[..], SNIFF_BYTES).unwrap();
        if container(&head) == Container::Zip {
            read_zip(
                "fuzz.zip",
                Cursor::new(bytes.to_vec()),
                opts,
                &mut merger,
                &mut reports,
            )?;
        } else {
            let rest = Box::new(&bytes[head.len()..]);
            reports.push(read_stream("fuzz", head, eof, rest, opts, &mut merger, 0)?);
        }
        Ok((merger, reports))
    }

    const HEADERS: [&str; 12] = [
        "Linking page,Last crawled",
        "Site;Linking pages;Target pages",
        "Referring page title\tReferring page URL\tDomain rating\tUR\tTarget URL\tAnchor\tNofollow\tFirst seen\tLost",
        "#\tReferring Page URL\tLink URL\tLink Anchor\tType\tBackline Status\tDay Lost",
        "Page ascore,Source title,Source url,Target url,Anchor,Nofollow,First seen,Lost link",
        "Source title,Source url,Target url,Anchor,Toxicity Score",
        "Target URL,Source URL,Anchor Text,FlagNoFollow,SourceTrustFlow,Source Crawl Date",
        "URL,Title,Anchor Text,Spam Score,Domain Authority,Target URL,Link Type",
        "Type,Source,Destination,Anchor,Follow,Rel",
        "source_url,source_domain,status,sources,target_url,anchor_text,rel",
        "Referrer,Anchor phrase",
        "",
    ];

    fn cell() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            Just(b"https://a.test/p".to_vec()),
            Just(b"https://www.example.com/x?y=1".to_vec()),
            Just(b"www.b.test/p".to_vec()),
            Just(b"example.org".to_vec()),
            Just(b"true".to_vec()),
            Just(b"-".to_vec()),
            Just(b"9/15/26".to_vec()),
            Just(b"2026-02-30".to_vec()),
            Just(b"1,234.5".to_vec()),
            Just(b"\"quoted, with \"\" inside\"".to_vec()),
            Just(b"\"unterminated".to_vec()),
            Just(b"\xff\xfe\x00".to_vec()),
            Just("日本語 ünïcödé".as_bytes().to_vec()),
            proptest::collection::vec(any::<u8>(), 0..40),
        ]
    }

    fn export() -> impl Strategy<Value = Vec<u8>> {
        let rows = proptest::collection::vec(proptest::collection::vec(cell(), 0..8), 0..12);
        (
            0..HEADERS.len(),
            prop_oneof![Just(b','), Just(b';'), Just(b'\t')],
            rows,
            0..5u8,
            any::<u16>(),
        )
            .prop_map(|(h, d, rows, encoding, cut)| {
                let mut text = HEADERS[h].as_bytes().to_vec();
                for row in rows {
                    text.push(b'\n');
                    for (i, c) in row.iter().enumerate() {
                        if i > 0 {
                            text.push(d);
                        }
                        text.extend(c);
                    }
                }
                let mut bytes = match encoding {
                    // UTF-16 LE with and without BOM (of the lossy text), UTF-8 with BOM.
                    0 | 1 => {
                        let mut b = if encoding == 0 {
                            vec![0xFF, 0xFE]
                        } else {
                            Vec::new()
                        };
                        b.extend(
                            String::from_utf8_lossy(&text)
                                .encode_utf16()
                                .flat_map(u16::to_le_bytes),
                        );
                        b
                    }
                    2 => [b"\xEF\xBB\xBF".as_slice(), &text].concat(),
                    _ => text,
                };
                if encoding == 4 && !bytes.is_empty() {
                    // Truncated anywhere, even inside a character.
                    let at = usize::from(cut) % bytes.len();
                    bytes.truncate(at);
                }
                bytes
            })
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
            let _ = read_bytes(&bytes, &IngestOptions::default());
        }

        #[test]
        fn mangled_exports_never_panic(bytes in export(), target in any::<bool>(), zipped in any::<bool>()) {
            let opts = IngestOptions {
                skip_invalid: true,
                columns: Some("url=1,anchor=2,first_seen=3".parse().unwrap()),
                target: target.then(|| "example.com".to_string()),
                ..IngestOptions::default()
            };
            let bytes = if zipped {
                let mut buf = Cursor::new(Vec::new());
                let mut z = zip::ZipWriter::new(&mut buf);
                z.start_file("Latest links.csv", zip::write::SimpleFileOptions::default()).unwrap();
                std::io::Write::write_all(&mut z, &bytes).unwrap();
                z.finish().unwrap();
                buf.into_inner()
            } else {
                bytes
            };
            if let Ok((merger, reports)) = read_bytes(&bytes, &opts) {
                // Whatever was read is consistent: every row is listed, skipped or filtered.
                let (candidates, domains) = merger.finish_all();
                for r in &reports {
                    prop_assert!(r.pages + r.domain_candidates + r.duplicates + r.skipped + r.filtered == r.rows
                        || r.format.is_none(), "{r:?}");
                }
                let pages: u64 = reports.iter().map(|r| r.pages).sum();
                prop_assert!(candidates.len() as u64 <= pages);
                prop_assert!(domains.len() as u64 <= reports.iter().map(|r| r.domain_candidates).sum::<u64>());
            }
        }
    }
}
