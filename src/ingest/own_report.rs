//! This tool's own reports as input, so an old audit can seed a new one: the CSV report (a
//! header spec like any export) and the JSON report (read here). What the old audit saw is
//! kept as claims: anchor, target, rel and whether the link was lost.

use super::schema::{Role, Spec};
use super::values::DateOrder;
use crate::model::{Claims, InputFormat};
use serde::Deserialize;

/// The CSV report (`source_url, source_domain, status, ..., target_url, anchor_text, rel...`).
pub fn specs() -> Vec<Spec> {
    vec![Spec::new(
        InputFormat::BacklinksCsv,
        DateOrder::DayFirst,
        &[
            (Role::Page, &["source_url"]),
            (Role::Target, &["target_url"]),
            (Role::Anchor, &["anchor_text"]),
            (Role::RelTokens, &["rel"]),
            (Role::LinkStatus, &["status"]),
        ],
        &[
            &["source_url"],
            &["source_domain"],
            &["status"],
            &["sources"],
        ],
    )]
}

#[derive(Deserialize)]
struct Report {
    schema_version: u32,
    #[serde(default)]
    generated_at: Option<String>,
    pages: Vec<Page>,
    #[serde(default)]
    domain_candidates: Vec<DomainEntry>,
}

#[derive(Deserialize)]
struct Page {
    source_url: String,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    links: Vec<Link>,
}

#[derive(Deserialize)]
struct Link {
    #[serde(default)]
    target_url: Option<String>,
    #[serde(default)]
    anchor_text: Option<String>,
    #[serde(default)]
    rel: Vec<String>,
}

#[derive(Deserialize)]
struct DomainEntry {
    domain: String,
}

/// One entry of an old JSON report.
#[derive(Debug, Clone, PartialEq)]
#[expect(
    clippy::large_enum_variant,
    reason = "almost every entry is a page; boxing would only add an allocation"
)]
pub enum Entry {
    /// A page, with the line of its `source_url` (0 when it cannot be told) and claims.
    Page {
        /// 1-based line of the page's `source_url`.
        line: u64,
        /// The URL as written.
        url: String,
        /// What the old audit saw.
        claims: Claims,
    },
    /// A domain-level candidate of the old report.
    Site {
        /// Registrable domain.
        domain: String,
    },
}

/// Whether a JSON text looks like one of our reports (checked before parsing it whole).
pub fn looks_like_report(head: &str) -> bool {
    head.trim_start().starts_with('{') && head.contains("\"schema_version\"")
}

/// Reads a JSON report. Errors carry the line of the problem.
pub fn read_json(text: &str) -> Result<Vec<Entry>, (u64, String)> {
    let report: Report = serde_json::from_str(text)
        .map_err(|e| (e.line() as u64, format!("not a backlinks JSON report: {e}")))?;
    if report.schema_version == 0 {
        return Err((1, "not a backlinks JSON report: schema_version 0".into()));
    }
    // Our JSON is pretty-printed with one `"source_url"` per page line, in page order; use that
    // to give each page its line. Any other layout falls back to line 0 ("unknown").
    let lines: Vec<u64> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.trim_start().starts_with("\"source_url\""))
        .map(|(i, _)| i as u64 + 1)
        .collect();
    let use_lines = lines.len() == report.pages.len();
    let seen = report
        .generated_at
        .as_deref()
        .and_then(|g| g.get(..10))
        .map(str::to_string);
    let mut out = Vec::with_capacity(report.pages.len());
    for (i, p) in report.pages.into_iter().enumerate() {
        let mut claims = Claims::default();
        let fetched = matches!(p.status.as_deref(), Some("live" | "lost"));
        if fetched {
            claims.lost = Some(p.status.as_deref() == Some("lost"));
            claims.last_seen.clone_from(&seen);
        }
        if let Some(l) = p.links.into_iter().next() {
            let has = |t: &str| l.rel.iter().any(|r| r == t);
            claims.nofollow = Some(has("nofollow"));
            claims.ugc = Some(has("ugc"));
            claims.sponsored = Some(has("sponsored"));
            claims.target_url = l.target_url;
            claims.anchor = l.anchor_text.filter(|a| !a.is_empty());
        }
        out.push(Entry::Page {
            line: if use_lines { lines[i] } else { 0 },
            url: p.source_url,
            claims,
        });
    }
    out.extend(
        report
            .domain_candidates
            .into_iter()
            .map(|d| Entry::Site { domain: d.domain }),
    );
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_pages_with_lines_and_claims() {
        let text = r#"{
  "schema_version": 1,
  "generated_at": "2026-09-01T10:00:00Z",
  "pages": [
    {
      "source_url": "https://a.test/x",
      "status": "live",
      "links": [{"target_url": "https://example.com/", "anchor_text": "Example", "rel": ["nofollow"]}]
    },
    {
      "source_url": "https://b.test/y",
      "status": "lost",
      "links": []
    }
  ]
}"#;
        assert!(looks_like_report(text));
        let e = read_json(text).unwrap();
        let Entry::Page { line, url, claims } = &e[0] else {
            panic!()
        };
        assert_eq!((*line, url.as_str()), (6, "https://a.test/x"));
        assert_eq!(claims.nofollow, Some(true));
        assert_eq!(claims.lost, Some(false));
        assert_eq!(claims.last_seen.as_deref(), Some("2026-09-01"));
        let Entry::Page { line, claims, .. } = &e[1] else {
            panic!()
        };
        assert_eq!((*line, claims.lost), (11, Some(true)));
        assert!(
            read_json("{\"pages\": 3}")
                .unwrap_err()
                .1
                .contains("not a backlinks JSON")
        );
    }
}
