//! Score stage: verdicts of every candidate page → the finished [`Audit`].
//!
//! Pure and deterministic: the same pages give the same audit (only `generated_at` is passed
//! in). Every number is a documented weighted sum of named components (`components` in the
//! JSON), and every flag comes from a named rule in [`rules`] with its evidence. The weights
//! below are explained in `docs/scoring.md`; changing any of them bumps [`SCORING_VERSION`].

pub mod anchors;
pub mod rules;

use crate::model::{
    AnchorMix, AnchorType, Audit, Candidate, DomainReport, Flag, LinkObservation, LinkReport,
    PageAnalysis, PageReport, PageSignals, PageStatus, PageVerdict, Placement, PlacementMix,
    SCHEMA_VERSION, ScoreComponent, Severity, Summary, Target, ToolInfo, VerdictOutcome,
};
use rules::Rule;
use std::collections::{BTreeMap, HashSet};
use std::sync::OnceLock;

/// Version of the scoring rules and weights.
pub const SCORING_VERSION: u32 = 1;

/// A link with toxicity at or above this is counted as toxic.
pub const TOXIC_THRESHOLD: u8 = 50;

/// `link-farm`: more external links than this...
pub const LINK_FARM_MIN_LINKS: usize = 100;
/// ...to more distinct domains than this.
pub const LINK_FARM_MIN_DOMAINS: usize = 50;

/// Quality weights (points at value 1.0); they sum to 100.
const W_PLACEMENT: f64 = 45.0;
const W_REL: f64 = 30.0;
const W_ANCHOR: f64 = 15.0;
const W_INDEXABLE: f64 = 10.0;

fn spam_tlds() -> &'static HashSet<&'static str> {
    static LIST: OnceLock<HashSet<&'static str>> = OnceLock::new();
    LIST.get_or_init(|| anchors::data_lines(include_str!("data/spam-tlds.txt")).collect())
}

/// Value (0-1) of a placement for link quality: the "reasonable surfer" ordering.
pub fn placement_value(p: Placement) -> f64 {
    match p {
        Placement::Content => 1.0,
        Placement::Unknown => 0.5,
        Placement::AuthorBio => 0.4,
        Placement::Sidebar | Placement::Navigation | Placement::Header => 0.3,
        Placement::Footer => 0.2,
        Placement::Comments => 0.1,
    }
}

/// Value (0-1) of an anchor type for link quality: natural anchors (brand, URL) highest,
/// exact-match money anchors lowest among text anchors.
pub fn anchor_value(a: AnchorType) -> f64 {
    match a {
        AnchorType::Branded => 1.0,
        AnchorType::NakedUrl => 0.9,
        AnchorType::PartialMatch | AnchorType::Image | AnchorType::Other => 0.8,
        AnchorType::Generic => 0.7,
        AnchorType::ExactMatch => 0.5,
        AnchorType::Empty => 0.3,
    }
}

/// Builds the audit from every candidate and its verdict.
pub fn build_audit(
    target: &Target,
    pages: Vec<(Candidate, PageVerdict)>,
    generated_at: String,
) -> Audit {
    let mut reports: Vec<PageReport> = pages
        .into_iter()
        .map(|(c, v)| page_report(target, c, v))
        .collect();
    reports.sort_by(|a, b| a.source_url.cmp(&b.source_url));

    let mut summary = Summary {
        referring_pages: reports.len(),
        ..Summary::default()
    };
    let mut anchor_mix = AnchorMix::default();
    let mut placement_mix = PlacementMix::default();
    let mut live_domains = HashSet::new();
    // Two candidates that end on the same page (a redirect) list the same links; count them once.
    let mut counted_pages = HashSet::new();
    for p in &reports {
        match p.status {
            PageStatus::Live => {
                summary.live += 1;
                live_domains.insert(p.source_domain.as_str());
            }
            PageStatus::Lost => summary.lost += 1,
            PageStatus::Unreachable => summary.unreachable += 1,
            PageStatus::Skipped => summary.skipped += 1,
        }
        if !counted_pages.insert(p.final_url.as_deref().unwrap_or(&p.source_url)) {
            continue;
        }
        for l in &p.links {
            summary.backlinks += 1;
            let nofollow_page = p.flags.iter().any(|f| f.code == rules::PAGE_NOFOLLOW.code);
            if l.dofollow {
                summary.dofollow += 1;
            }
            if l.rel.iter().any(|r| r == "nofollow") || nofollow_page {
                summary.nofollow += 1;
            }
            summary.sponsored += usize::from(l.rel.iter().any(|r| r == "sponsored"));
            summary.ugc += usize::from(l.rel.iter().any(|r| r == "ugc"));
            summary.toxic += usize::from(l.toxicity >= TOXIC_THRESHOLD);
            anchor_mix.add(l.anchor_type);
            placement_mix.add(l.placement);
        }
    }
    summary.live_domains = live_domains.len();
    summary.health_score = if summary.backlinks == 0 {
        100
    } else {
        (100.0 * (1.0 - summary.toxic as f64 / summary.backlinks as f64)).round() as u8
    };
    let domains = domain_reports(&reports);
    summary.referring_domains = domains.len();
    Audit {
        schema_version: SCHEMA_VERSION,
        tool: ToolInfo {
            name: "backlinks",
            version: env!("CARGO_PKG_VERSION"),
            scoring_version: SCORING_VERSION,
        },
        target: target.domain.clone(),
        generated_at,
        summary,
        anchor_mix,
        placement_mix,
        pages: reports,
        domains,
        // Filled in later by the audit command (compare and gate run after scoring).
        comparison: None,
        gate: None,
    }
}

fn flag(rule: &Rule, evidence: impl Into<String>) -> Flag {
    Flag {
        code: rule.code,
        severity: rule.severity,
        evidence: evidence.into(),
    }
}

fn page_report(target: &Target, c: Candidate, v: PageVerdict) -> PageReport {
    let sources = c.sources();
    let mut report = PageReport {
        source_url: c.url.to_string(),
        source_domain: c.domain.clone(),
        sources,
        provenance: c.provenance,
        status: PageStatus::Unreachable,
        http_status: v.http_status,
        final_url: v.final_url.map(|u| u.to_string()),
        error: None,
        redirects: v.redirects,
        title: None,
        flags: Vec::new(),
        links: Vec::new(),
    };
    match v.outcome {
        VerdictOutcome::Analyzed(analysis) => {
            report.title = analysis.signals.title.clone();
            let domain_flags = domain_flags(&c.domain, &c.url);
            report.flags = page_flags(&analysis.signals);
            let PageAnalysis { signals, links } = analysis;
            if links.is_empty() {
                report.status = PageStatus::Lost;
                let status = report.http_status.unwrap_or(200);
                report.flags.push(flag(
                    &rules::LINK_LOST,
                    format!(
                        "page answered {status} but has no link to {}",
                        target.domain
                    ),
                ));
            } else {
                report.status = PageStatus::Live;
                let inherited: Vec<Flag> = domain_flags
                    .into_iter()
                    .chain(report.flags.iter().cloned())
                    .collect();
                report.links = links
                    .into_iter()
                    .map(|l| link_report(target, l, &signals, &inherited))
                    .collect();
            }
            report.flags.sort();
        }
        VerdictOutcome::NotHtml { .. } => report.error = Some("not-html".into()),
        VerdictOutcome::HttpError => report.error = Some("http-error".into()),
        VerdictOutcome::Failed(e) => report.error = Some(e.code().into()),
        VerdictOutcome::Skipped(r) => {
            report.status = PageStatus::Skipped;
            report.error = Some(r.code().into());
        }
    }
    report
}

/// Flags that belong to the referring domain itself.
fn domain_flags(domain: &str, url: &url::Url) -> Vec<Flag> {
    let host = url.host_str().unwrap_or(domain);
    let tld = host.trim_end_matches('.').rsplit('.').next().unwrap_or("");
    if spam_tlds().contains(tld) {
        vec![flag(&rules::SPAM_TLD, format!("top-level domain .{tld}"))]
    } else {
        Vec::new()
    }
}

/// Flags that belong to the page (apply to every link on it).
fn page_flags(s: &PageSignals) -> Vec<Flag> {
    let mut flags = Vec::new();
    if s.noindex() {
        let src = if s.meta_robots.iter().any(|d| d == "noindex" || d == "none") {
            "<meta name=robots>"
        } else {
            "X-Robots-Tag header"
        };
        flags.push(flag(&rules::NOINDEX_PAGE, format!("{src} says noindex")));
    }
    if let Some(ev) = s.nofollow_evidence() {
        flags.push(flag(&rules::PAGE_NOFOLLOW, ev));
    }
    if let Some(c) = &s.canonical_elsewhere {
        flags.push(flag(
            &rules::CANONICAL_ELSEWHERE,
            format!("canonical URL is {c}"),
        ));
    }
    if s.external_links > LINK_FARM_MIN_LINKS && s.external_domains > LINK_FARM_MIN_DOMAINS {
        flags.push(flag(
            &rules::LINK_FARM,
            format!(
                "{} external links to {} domains on the page",
                s.external_links, s.external_domains
            ),
        ));
    }
    flags
}

fn link_report(
    target: &Target,
    l: LinkObservation,
    signals: &PageSignals,
    inherited: &[Flag],
) -> LinkReport {
    let anchor_type = anchors::classify(&l.anchor_text, l.is_image, target);
    let has = |t: &str| l.rel.iter().any(|r| r == t);
    let page_nofollow = signals.nofollow();
    let dofollow = !(has("nofollow") || has("ugc") || has("sponsored") || page_nofollow);
    let mut components = Vec::new();
    let (pv, preason) = match &l.hidden {
        Some(why) => (0.0, format!("hidden from readers: {why}")),
        None => (
            placement_value(l.placement),
            format!("placement {}", l.placement),
        ),
    };
    components.push(quality("placement", pv, W_PLACEMENT, preason));
    let (rv, rreason) = if dofollow {
        (1.0, "followed link".to_string())
    } else if has("sponsored") {
        (0.1, "rel=sponsored".to_string())
    } else if has("ugc") {
        (0.2, "rel=ugc".to_string())
    } else if has("nofollow") {
        (0.2, "rel=nofollow".to_string())
    } else {
        (0.2, "page-level nofollow".to_string())
    };
    components.push(quality("rel", rv, W_REL, rreason));
    components.push(quality(
        "anchor",
        anchor_value(anchor_type),
        W_ANCHOR,
        format!("anchor type {}", anchor_type.as_str()),
    ));
    let (iv, ireason) = if signals.noindex() {
        (0.0, "page is noindex")
    } else {
        (1.0, "page may be indexed")
    };
    components.push(quality("indexable", iv, W_INDEXABLE, ireason.to_string()));
    let q: f64 = components.iter().map(|c| c.value * c.weight).sum();

    let mut flags: Vec<Flag> = inherited.to_vec();
    if let Some(why) = &l.hidden {
        flags.push(flag(&rules::HIDDEN_LINK, why.clone()));
    }
    flags.sort();
    flags.dedup();
    let mut toxicity: u32 = 0;
    for f in &flags {
        if let Some(rule) = rules::find(f.code)
            && rule.weight > 0
        {
            toxicity += u32::from(rule.weight);
            components.push(ScoreComponent {
                score: "toxicity",
                name: rule.code,
                value: 1.0,
                weight: f64::from(rule.weight),
                reason: f.evidence.clone(),
            });
        }
    }
    LinkReport {
        target_url: l.href,
        anchor_text: l.anchor_text,
        anchor_type,
        rel: l.rel,
        placement: l.placement,
        evidence: l.evidence,
        context: l.context,
        authority: None,
        relevance: None,
        quality: q.round().clamp(0.0, 100.0) as u8,
        toxicity: toxicity.min(100) as u8,
        dofollow,
        components,
        flags,
    }
}

fn quality(name: &'static str, value: f64, weight: f64, reason: String) -> ScoreComponent {
    ScoreComponent {
        score: "quality",
        name,
        value,
        weight,
        reason,
    }
}

fn domain_reports(pages: &[PageReport]) -> Vec<DomainReport> {
    let mut by_domain: BTreeMap<&str, Vec<&PageReport>> = BTreeMap::new();
    for p in pages {
        by_domain.entry(&p.source_domain).or_default().push(p);
    }
    by_domain
        .into_iter()
        .map(|(domain, pages)| {
            let mut by_code: BTreeMap<&'static str, (Severity, String, usize)> = BTreeMap::new();
            let all_flags = pages
                .iter()
                .flat_map(|p| p.flags.iter().chain(p.links.iter().flat_map(|l| &l.flags)));
            for f in all_flags {
                let e = by_code
                    .entry(f.code)
                    .or_insert((f.severity, f.evidence.clone(), 0));
                e.0 = e.0.max(f.severity);
                e.2 += 1;
            }
            let flags = by_code
                .into_iter()
                .map(|(code, (severity, evidence, n))| Flag {
                    code,
                    severity,
                    evidence: if n > 1 {
                        format!("{evidence} (seen {n} times)")
                    } else {
                        evidence
                    },
                })
                .collect();
            let links = pages.iter().flat_map(|p| &p.links);
            DomainReport {
                domain: domain.to_string(),
                pages: pages.len(),
                links: links.clone().count(),
                authority: links.clone().filter_map(|l| l.authority).max(),
                toxicity: links.map(|l| l.toxicity).max().unwrap_or(0),
                flags,
            }
        })
        .collect()
}
