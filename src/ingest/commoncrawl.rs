//! The output of `backlinks discover wat` as input: the CSV (a header spec like any export)
//! and the JSON Lines form (one object per link, read here by mapping each object onto the
//! CSV's columns, so both are interpreted by the same [`super::schema::extract`]). The claims
//! are what Common Crawl captured: target URL, anchor, the exact `rel` tokens, the capture
//! date as first seen, and the crawl as the claim's origin (`commoncrawl:CC-MAIN-2025-08`).

use super::schema::{Binding, Oddities, Role, Row, Skip, Spec, header_key};
use super::values::DateOrder;
use crate::discover::CSV_HEADER;
use crate::model::InputFormat;
use serde::Deserialize;
use std::io::{BufRead, Read};

/// The CSVs written by `discover wat` (its [`CSV_HEADER`]) and `discover graph`
/// ([`crate::discover::graph::CSV_HEADER`]: one referring domain per row, no page).
pub fn specs() -> Vec<Spec> {
    vec![
        spec(),
        Spec::new(
            InputFormat::CommoncrawlGraph,
            DateOrder::DayFirst,
            &[(Role::Site, &["referring_domain"])],
            &[
                &["referring_domain"],
                &["harmonic_centrality_rank"],
                &["release"],
            ],
        ),
    ]
}

fn spec() -> Spec {
    Spec::new(
        InputFormat::CommoncrawlWat,
        DateOrder::DayFirst,
        &[
            (Role::Page, &["source_url"]),
            (Role::Target, &["target_url"]),
            (Role::Anchor, &["anchor_text"]),
            (Role::RelTokens, &["rel"]),
            (Role::FirstSeen, &["captured_at"]),
            (Role::Crawl, &["crawl"]),
        ],
        &[&["source_url"], &["target_url"], &["crawl"], &["wat_file"]],
    )
}

/// Whether the first line of a JSON input is a `discover wat --format jsonl` row or summary.
pub fn is_jsonl(head: &[u8]) -> bool {
    let first = head.split(|&b| b == b'\n').next().unwrap_or_default();
    let first = String::from_utf8_lossy(first);
    let first = first.trim_start_matches('\u{feff}').trim();
    first.starts_with('{')
        && ((first.contains("\"source_url\"") && first.contains("\"wat_file\""))
            || first.starts_with("{\"summary\""))
}

#[derive(Deserialize)]
struct JsonRow {
    source_url: String,
    target_url: String,
    #[serde(default)]
    anchor_text: String,
    #[serde(default)]
    rel: Vec<String>,
    #[serde(default)]
    captured_at: String,
    #[serde(default)]
    crawl: String,
}

/// Reads the JSON Lines form: `row(line, row)` for each link line (the summary line is not a
/// row). A line that is not such an object is a skipped row, like a damaged CSV row.
pub fn read_jsonl(
    reader: &mut dyn BufRead,
    target: Option<&str>,
    max_line: usize,
    odd: &mut Oddities,
    mut row: impl FnMut(u64, Row),
) -> std::io::Result<()> {
    let keys: Vec<String> = CSV_HEADER.iter().map(|h| header_key(h)).collect();
    let binding: Binding = spec().bind(&keys).expect("the spec matches its own header");
    let mut buf = Vec::new();
    let mut line = 0u64;
    loop {
        buf.clear();
        let n = Read::take(&mut *reader, max_line as u64 + 1).read_until(b'\n', &mut buf)?;
        if n == 0 {
            return Ok(());
        }
        line += 1;
        if buf.len() > max_line && !buf.ends_with(b"\n") {
            // Drop the rest of the line without keeping it.
            loop {
                let chunk = reader.fill_buf()?;
                if chunk.is_empty() {
                    break;
                }
                let (used, end) = match chunk.iter().position(|&b| b == b'\n') {
                    Some(i) => (i + 1, true),
                    None => (chunk.len(), false),
                };
                reader.consume(used);
                if end {
                    break;
                }
            }
            row(line, Row::Skipped(Skip::new("row longer than 1 MiB", "")));
            continue;
        }
        let text = String::from_utf8_lossy(&buf);
        let text = text.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
        if text.is_empty() || text.starts_with("{\"summary\"") {
            continue;
        }
        let parsed: JsonRow = match serde_json::from_str(text) {
            Ok(r) => r,
            Err(e) => {
                row(
                    line,
                    Row::Skipped(Skip::new("not a discover row", e.to_string())),
                );
                continue;
            }
        };
        let rel = parsed.rel.join(" ");
        // The object's fields in the CSV's column order.
        let fields = [
            parsed.source_url.trim(),
            parsed.target_url.trim(),
            parsed.anchor_text.trim(),
            rel.as_str(),
            parsed.captured_at.trim(),
            parsed.crawl.trim(),
            "",
            "",
        ];
        let r = super::schema::extract(
            &binding,
            |i| Ok(fields.get(i).copied().unwrap_or_default()),
            target,
            odd,
        );
        row(line, r);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_lines_become_the_same_claims_as_csv_rows() {
        let text = concat!(
            r#"{"source_url":"https://a.test/p","target_url":"https://example.com/x","anchor_text":"Ex","rel":["nofollow"],"captured_at":"2025-02-07T15:43:21Z","crawl":"CC-MAIN-2025-08","wat_file":"f.wat.gz","wat_record_offset":0}"#,
            "\n",
            r#"{"source_url":"https://www.example.com/own","target_url":"https://example.com/","anchor_text":"","rel":[],"captured_at":"","crawl":"","wat_file":"f","wat_record_offset":9}"#,
            "\nnot json\n",
            r#"{"summary":{"records":3}}"#,
            "\n"
        );
        assert!(is_jsonl(text.as_bytes()));
        assert!(!is_jsonl(b"{\"schema_version\": 1}"));
        let mut rows = Vec::new();
        let mut odd = Oddities::default();
        read_jsonl(
            &mut text.as_bytes(),
            Some("example.com"),
            1 << 20,
            &mut odd,
            |l, r| rows.push((l, r)),
        )
        .unwrap();
        assert_eq!(rows.len(), 3);
        let Row::Page(url, c) = &rows[0].1 else {
            panic!("{:?}", rows[0])
        };
        assert_eq!(url.as_str(), "https://a.test/p");
        assert_eq!(c.target_url.as_deref(), Some("https://example.com/x"));
        assert_eq!(
            (c.nofollow, c.ugc, c.sponsored),
            (Some(true), Some(false), Some(false))
        );
        assert_eq!(c.first_seen.as_deref(), Some("2025-02-07"));
        assert_eq!(c.origin.as_deref(), Some("commoncrawl:CC-MAIN-2025-08"));
        assert_eq!(
            rows[1].1,
            Row::Filtered(super::super::schema::FILTER_INTERNAL)
        );
        assert!(matches!(rows[2], (3, Row::Skipped(_))));
    }
}
