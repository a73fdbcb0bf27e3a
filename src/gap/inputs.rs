//! Which site each row of the inputs is about. Exports with a target column (Ahrefs, Semrush,
//! Moz, Majestic) say which site a row's link points to: a competitor (the page is a candidate
//! for that competitor), the target itself (a link the target already has), or neither (left
//! out, counted). Rows without one (URL lists) are candidates for every competitor. Rows whose
//! page is on the target or a competitor are internal links, left out too.
//!
//! Pure: candidates in, candidates with their claims and the per-input counts out.

use crate::model::{Candidate, GapInput, Target};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// Lines of rows pointing elsewhere kept per input, for the report.
const ELSEWHERE_LINES: usize = 10;

/// What the inputs claim a candidate page links to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Claim {
    /// Competitors named by export rows, sorted.
    pub competitors: BTreeSet<String>,
    /// Listed by an input without a target column: a candidate for every competitor.
    pub any: bool,
}

impl Claim {
    /// The competitors the page is said to link to (every one for `any`).
    pub fn claimed<'a>(&'a self, target: &'a Target) -> BTreeSet<&'a str> {
        if self.any {
            target.competitors.iter().map(String::as_str).collect()
        } else {
            self.competitors.iter().map(String::as_str).collect()
        }
    }
}

/// The inputs, sorted out.
#[derive(Debug, Clone, Default)]
pub struct Assigned {
    /// The pages to fetch, each with its claim (only rows about competitors or without a
    /// target column are left in its provenance).
    pub candidates: Vec<(Candidate, Claim)>,
    /// Per referring domain, the export rows that say it links to the target
    /// (`INPUT:LINE`).
    pub target_rows: BTreeMap<String, BTreeSet<String>>,
    /// What each input held.
    pub inputs: Vec<GapInput>,
}

/// Sorts the rows of `candidates` by the site they point to. `from` is the inputs in the
/// order given (the report lists them in that order).
pub fn assign(candidates: Vec<Candidate>, target: &Target, from: &[PathBuf]) -> Assigned {
    let mut counts: BTreeMap<(String, String), GapInput> = BTreeMap::new();
    let mut out = Assigned::default();
    for mut c in candidates {
        let internal = target.site_of(&c.url).is_some();
        let mut claim = Claim::default();
        let provenance = std::mem::take(&mut c.provenance);
        for p in provenance {
            let entry = counts
                .entry((p.input.clone(), p.format.as_str().to_string()))
                .or_insert_with(|| GapInput {
                    input: p.input.clone(),
                    format: p.format.as_str().to_string(),
                    rows: 0,
                    competitors: BTreeMap::new(),
                    target: 0,
                    any_competitor: 0,
                    elsewhere: 0,
                    internal: 0,
                    elsewhere_lines: Vec::new(),
                });
            entry.rows += 1;
            if internal {
                entry.internal += 1;
                continue;
            }
            match p
                .claims
                .target_url
                .as_deref()
                .map(|t| site_of_claim(t, target))
            {
                None => {
                    entry.any_competitor += 1;
                    claim.any = true;
                    c.provenance.push(p);
                }
                Some(Some(site)) if site == target.domain => {
                    entry.target += 1;
                    out.target_rows
                        .entry(c.domain.clone())
                        .or_default()
                        .insert(format!("{}:{}", p.input, p.line));
                }
                Some(Some(site)) => {
                    *entry.competitors.entry(site.clone()).or_default() += 1;
                    claim.competitors.insert(site);
                    c.provenance.push(p);
                }
                Some(None) => {
                    entry.elsewhere += 1;
                    if entry.elsewhere_lines.len() < ELSEWHERE_LINES {
                        entry.elsewhere_lines.push(p.line);
                    }
                }
            }
        }
        if !c.provenance.is_empty() {
            out.candidates.push((c, claim));
        }
    }
    let position = |name: &str| {
        from.iter()
            .position(|p| p.display().to_string() == name)
            .unwrap_or(usize::MAX)
    };
    let mut inputs: Vec<GapInput> = counts.into_values().collect();
    inputs.sort_by(|a, b| {
        position(&a.input)
            .cmp(&position(&b.input))
            .then_with(|| a.input.cmp(&b.input))
            .then_with(|| a.format.cmp(&b.format))
    });
    out.inputs = inputs;
    out
}

/// The site a vendor's target URL names (`https://www.rival.test/x`, or without a scheme as
/// some exports write it), if it is one of interest.
pub(crate) fn site_of_claim(target_url: &str, target: &Target) -> Option<String> {
    let t = target_url.trim();
    let url = url::Url::parse(t)
        .ok()
        .filter(|u| u.host_str().is_some())
        .or_else(|| url::Url::parse(&format!("http://{t}")).ok())?;
    target.site_of(&url).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Claims, InputFormat, Provenance};

    fn row(input: &str, line: u64, format: InputFormat, target_url: Option<&str>) -> Provenance {
        Provenance {
            input: input.into(),
            line,
            format,
            claims: Claims {
                target_url: target_url.map(str::to_string),
                ..Claims::default()
            },
        }
    }

    fn candidate(url: &str, provenance: Vec<Provenance>) -> Candidate {
        let url = url::Url::parse(url).unwrap();
        Candidate {
            domain: crate::model::host::domain_of(&url),
            url,
            provenance,
        }
    }

    #[test]
    fn rows_go_to_the_site_they_point_to() {
        let target = Target::parse("trailpeak.test")
            .unwrap()
            .with_competitors(&["rival.test".into(), "summit.test".into()]);
        let ahrefs = InputFormat::Ahrefs;
        let cands = vec![
            candidate(
                "https://blog.a.test/1",
                vec![
                    row("a.csv", 2, ahrefs, Some("https://www.rival.test/")),
                    row(
                        "s.csv",
                        3,
                        InputFormat::SemrushBacklinks,
                        Some("summit.test/x"),
                    ),
                ],
            ),
            candidate(
                "https://news.b.test/2",
                vec![row("a.csv", 3, ahrefs, Some("https://trailpeak.test/"))],
            ),
            candidate(
                "https://c.test/3",
                vec![row("a.csv", 4, ahrefs, Some("https://elsewhere.test/"))],
            ),
            candidate(
                "https://www.rival.test/blog",
                vec![row("a.csv", 5, ahrefs, Some("https://rival.test/"))],
            ),
            candidate(
                "https://d.test/4",
                vec![row("urls.txt", 1, InputFormat::UrlList, None)],
            ),
        ];
        let from = vec![PathBuf::from("urls.txt"), PathBuf::from("a.csv")];
        let a = assign(cands, &target, &from);
        let pages: Vec<(&str, Vec<&str>, bool)> = a
            .candidates
            .iter()
            .map(|(c, cl)| {
                (
                    c.url.as_str(),
                    cl.competitors.iter().map(String::as_str).collect(),
                    cl.any,
                )
            })
            .collect();
        assert_eq!(
            pages,
            [
                (
                    "https://blog.a.test/1",
                    vec!["rival.test", "summit.test"],
                    false
                ),
                ("https://d.test/4", vec![], true),
            ]
        );
        assert_eq!(
            a.target_rows,
            BTreeMap::from([(
                "b.test".to_string(),
                BTreeSet::from(["a.csv:3".to_string()])
            )])
        );
        let names: Vec<&str> = a.inputs.iter().map(|i| i.input.as_str()).collect();
        assert_eq!(names, ["urls.txt", "a.csv", "s.csv"]);
        let ah = &a.inputs[1];
        assert_eq!(
            (ah.rows, ah.target, ah.elsewhere, ah.internal),
            (4, 1, 1, 1)
        );
        assert_eq!(ah.elsewhere_lines, [4]);
        assert_eq!(
            ah.competitors,
            BTreeMap::from([("rival.test".to_string(), 1)])
        );
        assert_eq!(a.inputs[0].any_competitor, 1);
        let claim = &a.candidates[1].1;
        assert_eq!(
            claim.claimed(&target).len(),
            2,
            "a URL list names every competitor"
        );
    }
}
