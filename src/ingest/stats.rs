//! What reading one input found: rows, distinct pages and domains, duplicates, rows skipped
//! (invalid: warnings with line numbers) and rows filtered (valid but not candidates). This is
//! what `backlinks sources` prints and where `audit`'s input warnings come from.

use super::schema::{Oddities, Skip};
use crate::model::InputFormat;
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};
use std::hash::{Hash, Hasher};
use url::Url;

/// Line numbers kept per reason (the count is always exact).
const LINES_KEPT: usize = 10;

/// Rows that share a reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReasonCount {
    /// Why.
    pub reason: String,
    /// How many rows.
    pub count: u64,
    /// The first line numbers (at most 10).
    pub lines: Vec<u64>,
    /// The first offending value or detail, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub example: Option<String>,
}

/// The report on one input (or one CSV inside a zip).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InputReport {
    /// The input as named by the user (`export.zip!Latest links.csv` inside a zip).
    pub input: String,
    /// What it was read as; null for a zip entry that is not a recognised export (ignored).
    pub format: Option<InputFormat>,
    /// Interface language of a localised export (Search Console).
    pub language: Option<&'static str>,
    /// Text encoding as found (`utf-16le (BOM)`, `utf-8`, `windows-1252 (guessed)`).
    pub encoding: Option<String>,
    /// `tab`, `semicolon` or `comma` for delimited files.
    pub delimiter: Option<&'static str>,
    /// 1-based line of the header, for delimited files.
    pub header_line: Option<u64>,
    /// Data rows (or URL lines) read, blank ones excepted.
    pub rows: u64,
    /// Distinct referring pages (normalised URLs).
    pub pages: u64,
    /// Distinct registrable domains of those pages.
    pub domains: u64,
    /// Distinct domains known only at domain level (Search Console top linking sites).
    pub domain_candidates: u64,
    /// Rows that repeated a page or domain already listed by this input (merged).
    pub duplicates: u64,
    /// Invalid rows skipped.
    pub skipped: u64,
    /// Why, grouped.
    pub skipped_reasons: Vec<ReasonCount>,
    /// Valid rows that are not candidates (internal links, non-hyperlinks...).
    pub filtered: u64,
    /// Why, grouped.
    pub filtered_reasons: Vec<ReasonCount>,
    /// Things worth knowing about the file (a row limit reached, values not understood...).
    pub notes: Vec<String>,
}

impl InputReport {
    /// An empty report for `input`.
    pub fn new(input: &str) -> InputReport {
        InputReport {
            input: input.to_string(),
            format: None,
            language: None,
            encoding: None,
            delimiter: None,
            header_line: None,
            rows: 0,
            pages: 0,
            domains: 0,
            domain_candidates: 0,
            duplicates: 0,
            skipped: 0,
            skipped_reasons: Vec::new(),
            filtered: 0,
            filtered_reasons: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// The warnings `audit` prints for this input: skipped rows and notes.
    pub fn warnings(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .skipped_reasons
            .iter()
            .map(|r| {
                let example = r
                    .example
                    .as_deref()
                    .filter(|e| !e.is_empty())
                    .map(|e| format!(" ({e})"))
                    .unwrap_or_default();
                let lines: Vec<String> = r.lines.iter().map(u64::to_string).collect();
                let more = if r.count as usize > r.lines.len() {
                    format!(", … ({} in all)", r.count)
                } else {
                    String::new()
                };
                format!(
                    "skipped {} {} of {}: {}{example}; at {}:{}{more}",
                    r.count,
                    if r.count == 1 { "row" } else { "rows" },
                    self.input,
                    r.reason,
                    self.input,
                    lines.join(", "),
                )
            })
            .collect();
        out.extend(self.notes.iter().map(|n| format!("{}: {n}", self.input)));
        out
    }
}

/// `line 4` / `lines 4, 9, 12` / `lines 4, 9, … (250 in all)`.
pub fn lines_text(lines: &[u64], count: u64) -> String {
    let list: Vec<String> = lines.iter().map(u64::to_string).collect();
    match (lines.len(), count) {
        (0, _) => String::new(),
        (1, 1) => format!("line {}", list[0]),
        (n, c) if c as usize > n => format!("lines {}, … ({c} in all)", list.join(", ")),
        _ => format!("lines {}", list.join(", ")),
    }
}

/// A 128-bit fingerprint of a normalised URL: distinct-page counting of millions of rows
/// without keeping the URLs (a collision is as likely as winning the lottery twice).
pub fn url_fingerprint(url: &Url) -> u128 {
    let mut a = std::hash::DefaultHasher::new();
    url.as_str().hash(&mut a);
    let mut b = std::hash::DefaultHasher::new();
    (0x9e37_79b9_u32, url.as_str()).hash(&mut b);
    (u128::from(a.finish()) << 64) | u128::from(b.finish())
}

/// What identifies a listed page for counting: its fingerprint and registrable domain,
/// computed once per row and shared by every counter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageKey {
    /// [`url_fingerprint`] of the normalised URL.
    pub fingerprint: u128,
    /// Registrable domain of its host.
    pub domain: String,
}

impl PageKey {
    /// The key of a normalised URL.
    pub fn of(url: &Url) -> PageKey {
        PageKey {
            fingerprint: url_fingerprint(url),
            domain: crate::model::host::domain_of(url),
        }
    }
}

/// Distinct pages, their domains and domain-level sites.
#[derive(Debug, Default)]
pub struct Distinct {
    pages: HashSet<u128>,
    domains: HashSet<String>,
    sites: HashSet<String>,
}

impl Distinct {
    /// Counts a page; true when it is new.
    pub fn page(&mut self, key: &PageKey) -> bool {
        let new = self.pages.insert(key.fingerprint);
        if new && !self.domains.contains(&key.domain) {
            self.domains.insert(key.domain.clone());
        }
        new
    }

    /// Counts a domain-level site; true when it is new.
    pub fn site(&mut self, domain: &str) -> bool {
        !self.sites.contains(domain) && self.sites.insert(domain.to_string())
    }

    /// (pages, page domains, sites).
    pub fn counts(&self) -> (u64, u64, u64) {
        (
            self.pages.len() as u64,
            self.domains.len() as u64,
            self.sites.len() as u64,
        )
    }
}

/// Accumulates an [`InputReport`] while an input is read.
#[derive(Debug, Default)]
pub struct Tally {
    /// Rows read.
    pub rows: u64,
    listed: u64,
    distinct: Distinct,
    skipped: BTreeMap<&'static str, ReasonCount>,
    filtered: BTreeMap<&'static str, ReasonCount>,
    /// The first skipped line, for "every row was skipped" errors.
    pub first_skip: Option<(u64, Skip)>,
    /// Values present but not understood.
    pub odd: Oddities,
}

impl Tally {
    /// A page listed at some line.
    pub fn page(&mut self, key: &PageKey) {
        self.listed += 1;
        self.distinct.page(key);
    }

    /// A domain-level site listed.
    pub fn site(&mut self, domain: &str) {
        self.listed += 1;
        self.distinct.site(domain);
    }

    /// An invalid row.
    pub fn skip(&mut self, line: u64, mut skip: Skip) {
        // Details often repeat the kind ("not an http(s) URL: \"x\""): keep what is new.
        if let Some(rest) = skip.detail.strip_prefix(skip.kind) {
            skip.detail = rest.trim_start_matches([':', ' ']).to_string();
        }
        if self.first_skip.is_none() {
            self.first_skip = Some((line, skip.clone()));
        }
        add_reason(&mut self.skipped, line, skip.kind, Some(skip.detail));
    }

    /// A valid row that is not a candidate.
    pub fn filter(&mut self, line: u64, reason: &'static str) {
        add_reason(&mut self.filtered, line, reason, None);
    }

    /// Rows skipped so far.
    pub fn skipped(&self) -> u64 {
        self.skipped.values().map(|r| r.count).sum()
    }

    /// Writes the counts into `report`.
    pub fn finish(self, report: &mut InputReport) {
        let (pages, domains, sites) = self.distinct.counts();
        report.rows = self.rows;
        report.pages = pages;
        report.domains = domains;
        report.domain_candidates = sites;
        report.duplicates = self.listed - pages - sites;
        report.skipped = self.skipped.values().map(|r| r.count).sum();
        // In the order the problems first occur in the file.
        let by_first_line = |map: BTreeMap<&'static str, ReasonCount>| {
            let mut v: Vec<ReasonCount> = map.into_values().collect();
            v.sort_by_key(|r| r.lines.first().copied());
            v
        };
        report.skipped_reasons = by_first_line(self.skipped);
        report.filtered = self.filtered.values().map(|r| r.count).sum();
        report.filtered_reasons = by_first_line(self.filtered);
    }
}

fn add_reason(
    map: &mut BTreeMap<&'static str, ReasonCount>,
    line: u64,
    reason: &'static str,
    example: Option<String>,
) {
    let e = map.entry(reason).or_insert_with(|| ReasonCount {
        reason: reason.to_string(),
        count: 0,
        lines: Vec::new(),
        example,
    });
    e.count += 1;
    if e.lines.len() < LINES_KEPT {
        e.lines.push(line);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tally_counts_duplicates_and_groups_reasons() {
        let mut t = Tally::default();
        let u = |s| PageKey::of(&Url::parse(s).unwrap());
        t.rows = 6;
        t.page(&u("https://a.test/x"));
        t.page(&u("https://a.test/x"));
        t.page(&u("https://b.a.test/y"));
        t.site("c.test");
        for line in [5, 9] {
            t.skip(
                line,
                Skip::new("not an http(s) URL", format!("line {line}")),
            );
        }
        let mut r = InputReport::new("in.csv");
        t.finish(&mut r);
        assert_eq!(
            (r.rows, r.pages, r.domains, r.domain_candidates),
            (6, 2, 1, 1)
        );
        assert_eq!((r.duplicates, r.skipped), (1, 2));
        assert_eq!(r.skipped_reasons[0].lines, [5, 9]);
        assert_eq!(
            r.warnings(),
            ["skipped 2 rows of in.csv: not an http(s) URL (line 5); at in.csv:5, 9"]
        );
        assert_eq!(lines_text(&[1, 2], 40), "lines 1, 2, … (40 in all)");
    }
}
