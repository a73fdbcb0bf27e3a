//! Format detection from the content, never from the file name: the first lines of the decoded
//! text are tried as a header against every known format with TAB, `;` and `,` as delimiter
//! (metadata lines before the header, as in older Moz files, are looked past). What no format
//! claims is a JSON report, a URL list, a CSV mapped with `--columns`, or an error showing the
//! header found.

use super::columns::ColumnMap;
use super::schema::{Binding, Spec, header_key};
use super::url_list::parse_page_url;
use super::{ahrefs, commoncrawl, gsc, majestic, moz, own_report, screaming_frog, semrush};
use std::sync::OnceLock;

/// How many lines are searched for a header.
pub const HEADER_SEARCH_LINES: usize = 30;

/// Delimiters, in the order they are tried. TAB first: a TAB-separated header may contain
/// commas inside names, never the other way round.
pub const DELIMITERS: [u8; 3] = [b'\t', b';', b','];

/// Every known export format, in detection order (more specific first).
pub fn all_specs() -> &'static [Spec] {
    static SPECS: OnceLock<Vec<Spec>> = OnceLock::new();
    SPECS.get_or_init(|| {
        let mut v = commoncrawl::specs();
        v.extend(gsc::specs());
        v.extend(ahrefs::specs());
        v.extend(semrush::specs());
        v.extend(majestic::specs());
        v.extend(own_report::specs());
        v.extend(moz::specs());
        v.extend(screaming_frog::specs());
        v
    })
}

/// What the beginning of an input is.
#[derive(Debug, Clone, PartialEq)]
pub enum Detected {
    /// A delimited export with a recognised (or `--columns`-mapped) header.
    Csv {
        /// The header bound to the format's roles.
        binding: Binding,
        /// The delimiter byte.
        delimiter: u8,
        /// 1-based line of the header.
        header_line: u64,
        /// Byte offset of the header line in the decoded text.
        offset: usize,
    },
    /// One URL per line.
    UrlList,
    /// JSON (our own report, checked when read).
    Json,
    /// Nothing recognised: the first non-blank line, shown to the user.
    Unknown {
        /// Its 1-based line.
        line: u64,
        /// The line as found.
        header: String,
    },
    /// `--columns` was given but names columns this header does not have.
    ColumnsMismatch {
        /// 1-based line of the header.
        line: u64,
        /// The header as found.
        header: String,
        /// What is missing.
        reason: String,
    },
    /// The first line is longer than everything sniffed: not a header or URL.
    LineTooLong,
    /// A NUL byte: binary data.
    Binary {
        /// 1-based line of the first NUL.
        line: u64,
    },
}

/// Detects the format from the decoded head of an input (`eof`: the head is the whole input).
///
/// A NUL byte before a recognised header means binary data; after one, it is in a row, which
/// the row reader skips and counts like any invalid row (an export with one damaged row is
/// still an export).
pub fn detect(head: &[u8], eof: bool, columns: Option<&ColumnMap>) -> Detected {
    let Some(pos) = memchr(0, head) else {
        return detect_text(head, eof, columns);
    };
    let line_start = head[..pos]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    match detect_text(&head[..line_start], false, columns) {
        found @ Detected::Csv { .. } => found,
        _ => Detected::Binary {
            line: head[..pos].iter().filter(|&&b| b == b'\n').count() as u64 + 1,
        },
    }
}

fn detect_text(head: &[u8], eof: bool, columns: Option<&ColumnMap>) -> Detected {
    let mut first: Option<(u64, usize, String)> = None;
    let mut offset = 0;
    for (i, raw) in head
        .split_inclusive(|&b| b == b'\n')
        .take(HEADER_SEARCH_LINES)
        .enumerate()
    {
        let start = offset;
        offset += raw.len();
        if !raw.ends_with(b"\n") && !eof {
            if i == 0 {
                return Detected::LineTooLong;
            }
            break;
        }
        let text = String::from_utf8_lossy(raw);
        let text = text
            .trim_start_matches('\u{feff}')
            .trim_end_matches(['\r', '\n']);
        if text.trim().is_empty() {
            continue;
        }
        let line = i as u64 + 1;
        for d in DELIMITERS {
            let keys = split_header(text, d);
            if keys.len() < 2 {
                continue;
            }
            if let Some(binding) = all_specs().iter().find_map(|s| s.bind(&keys)) {
                return Detected::Csv {
                    binding,
                    delimiter: d,
                    header_line: line,
                    offset: start,
                };
            }
        }
        if first.is_none() && !text.trim_start().starts_with('#') {
            first = Some((line, start, text.to_string()));
        }
    }
    let Some((line, start, text)) = first else {
        return Detected::UrlList;
    };
    let trimmed = text.trim();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        return Detected::Json;
    }
    let delimited = trimmed.contains([',', ';', '\t']);
    if !delimited {
        return Detected::UrlList;
    }
    if let Some(map) = columns {
        let mut reason = String::new();
        for d in DELIMITERS {
            let keys = split_header(&text, d);
            match map.bind(&keys) {
                Ok(binding) => {
                    return Detected::Csv {
                        binding,
                        delimiter: d,
                        header_line: line,
                        offset: start,
                    };
                }
                Err(e) if reason.is_empty() || keys.len() > 1 => reason = e,
                Err(_) => {}
            }
        }
        return Detected::ColumnsMismatch {
            line,
            header: text,
            reason,
        };
    }
    if parse_page_url(trimmed).is_ok() {
        return Detected::UrlList;
    }
    Detected::Unknown { line, header: text }
}

/// The normalised keys of a header line split with `delimiter` (CSV quoting honoured).
pub fn split_header(text: &str, delimiter: u8) -> Vec<String> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rec = csv::StringRecord::new();
    match rdr.read_record(&mut rec) {
        Ok(true) => rec.iter().map(header_key).collect(),
        _ => Vec::new(),
    }
}

fn memchr(needle: u8, hay: &[u8]) -> Option<usize> {
    hay.iter().position(|&b| b == needle)
}

/// The supported formats, in words, for "not recognised" errors.
pub fn supported_formats() -> String {
    let langs: Vec<&str> = gsc::LANGUAGES.iter().map(|l| l.code).collect();
    format!(
        "Google Search Console links exports (latest links, sample links, top linking sites, \
         top linked pages; CSV or the zip; headers in {}), Ahrefs backlinks (current and older \
         exports), Semrush backlinks and Backlink Audit, Moz Link Explorer inbound links, \
         Majestic backlinks, Screaming Frog All Inlinks, backlinks JSON and CSV reports, \
         `backlinks discover wat` CSVs, and plain URL lists (one per line)",
        langs.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::InputFormat;

    fn format_of(text: &str) -> Detected {
        detect(text.as_bytes(), true, None)
    }

    fn csv_format(text: &str) -> (InputFormat, u8, u64) {
        match format_of(text) {
            Detected::Csv {
                binding,
                delimiter,
                header_line,
                ..
            } => (binding.format, delimiter, header_line),
            other => panic!("{other:?} for {text:?}"),
        }
    }

    #[test]
    fn headers_of_every_vendor() {
        use InputFormat::*;
        let cases = [
            ("Linking page,Last crawled\n", GscLinks),
            (
                "\"Site\";\"Linking pages\";\"Target pages\"\n",
                GscTopLinkingSites,
            ),
            (
                "Target page,Incoming links,Linking sites\n",
                GscTopLinkedPages,
            ),
            (
                "Referring page title\tReferring page URL\tDomain rating\tUR\tTarget URL\tAnchor\n",
                Ahrefs,
            ),
            (
                "#\tTotal Backlinks\tDomain Rating\tURL Rating\tReferring Page URL\tLink URL\tLink Anchor\n",
                AhrefsLegacy,
            ),
            (
                "Page ascore,Source title,Source url,Target url,Anchor,Nofollow\n",
                SemrushBacklinks,
            ),
            (
                "Source title,Source url,Target url,Anchor,Toxicity Score,Toxic markers\n",
                SemrushBacklinkAudit,
            ),
            (
                "Target URL,Source URL,Anchor Text,FlagNoFollow,SourceTrustFlow\n",
                Majestic,
            ),
            (
                "URL,Title,Anchor Text,Spam Score,Domain Authority,Page Authority,Target URL\n",
                Moz,
            ),
            (
                "Type,Source,Destination,Size (Bytes),Alt Text,Anchor,Status Code,Status,Follow\n",
                ScreamingFrogInlinks,
            ),
            (
                "source_url,source_domain,status,http_status,error,final_url,sources,target_url\n",
                BacklinksCsv,
            ),
            (
                "source_url,target_url,anchor_text,rel,captured_at,crawl,wat_file,wat_record_offset\n",
                CommoncrawlWat,
            ),
        ];
        for (header, want) in cases {
            assert_eq!(csv_format(header).0, want, "{header}");
        }
    }

    #[test]
    fn reordered_extra_columns_and_metadata_lines() {
        let (f, d, line) = csv_format(
            "Open Site Explorer report\nCreated 2026-09-01\n\nExtra,Target URL,Page Authority,URL,Anchor Text\nhttps://a.test/,x\n",
        );
        assert_eq!((f, d, line), (InputFormat::Moz, b',', 4));
        let (f, d, _) = csv_format("\u{feff}Verweisende Seite;Zuletzt gecrawlt\r\n");
        assert_eq!((f, d), (InputFormat::GscLinks, b';'));
    }

    #[test]
    fn fallbacks() {
        assert_eq!(format_of("# list\nhttps://a.test/\n"), Detected::UrlList);
        assert_eq!(format_of("https://a.test/?a=1,2\n"), Detected::UrlList);
        assert_eq!(format_of("a.test\n"), Detected::UrlList);
        assert_eq!(format_of("  {\"schema_version\": 1}"), Detected::Json);
        assert_eq!(
            format_of("\nfoo,bar\n1,2\n"),
            Detected::Unknown {
                line: 2,
                header: "foo,bar".into()
            }
        );
        assert_eq!(format_of("a,b\n\0\0"), Detected::Binary { line: 2 });
        assert_eq!(
            format_of("\0Linking page,Last crawled\n"),
            Detected::Binary { line: 1 }
        );
        // After a recognised header, a NUL is in a row: the file is an export.
        assert!(matches!(
            format_of("Linking page,Last crawled\nhttps://a.test/\0,x\n"),
            Detected::Csv { .. }
        ));
        let long = "x".repeat(100);
        assert_eq!(detect(long.as_bytes(), false, None), Detected::LineTooLong);
        let map: ColumnMap = "url=Page,anchor=Text".parse().unwrap();
        match detect(b"Page;Text\nhttps://a.test/;x\n", true, Some(&map)) {
            Detected::Csv {
                delimiter, binding, ..
            } => {
                assert_eq!((delimiter, binding.format), (b';', InputFormat::Columns))
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            detect(b"Page,Words\n", true, Some(&map)),
            Detected::ColumnsMismatch { .. }
        ));
        // --columns is for CSVs: a URL list given next to one is still a URL list.
        assert_eq!(
            detect(b"https://a.test/\n", true, Some(&map)),
            Detected::UrlList
        );
    }
}
