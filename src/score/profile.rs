//! The profile as a whole: sitewide links collapsed and flagged, anchor-mix findings, the
//! health score's components, referring-domain diversity and the bands of the authority and
//! toxicity distributions.
//!
//! "Collapsed" counting runs through all of it: every link counts once, except that a sitewide
//! group (the same link repeated in the boilerplate of many pages of one domain) counts once
//! as a whole, so one blogroll on 500 pages cannot drown the rest of the profile.

use super::link_network::{Dns, ip_block};
use super::rule_settings::ScoringSettings;
use super::rules;
use crate::model::{
    AnchorType, AuthorityBucket, Diversity, DomainReport, Flag, LinkReport, PageReport, PageStatus,
    Placement, ScoreComponent,
};
use std::collections::{BTreeMap, BTreeSet, HashSet};

/// Health weight of the toxic share.
pub const W_TOXIC: f64 = 80.0;
/// Health weight of the anchor profile.
pub const W_ANCHORS: f64 = 20.0;

fn sitewide_key(p: &PageReport, l: &LinkReport) -> (String, String, String) {
    (
        p.source_domain.clone(),
        l.target_url.trim_end_matches('/').to_ascii_lowercase(),
        l.anchor_text.to_lowercase(),
    )
}

/// Whether a placement is page boilerplate that repeats across a site.
fn boilerplate(p: Placement) -> bool {
    !matches!(p, Placement::Content | Placement::Comments)
}

/// Flags sitewide links: the same target and anchor, outside the editorial content, on at
/// least `min-pages` live pages of one referring domain.
pub fn mark_sitewide(reports: &mut [PageReport], settings: &ScoringSettings) {
    if !settings.enabled(&rules::SITEWIDE_LINK) {
        return;
    }
    let min = settings.threshold(&rules::SITEWIDE_LINK, "min-pages") as usize;
    let mut pages: BTreeMap<(String, String, String), BTreeSet<String>> = BTreeMap::new();
    for p in reports.iter().filter(|p| p.status == PageStatus::Live) {
        let page = p.final_url.clone().unwrap_or_else(|| p.source_url.clone());
        for l in p.links.iter().filter(|l| boilerplate(l.placement)) {
            pages
                .entry(sitewide_key(p, l))
                .or_default()
                .insert(page.clone());
        }
    }
    for p in reports.iter_mut().filter(|p| p.status == PageStatus::Live) {
        let host = crate::model::host::of_url(&p.source_url).unwrap_or_default();
        for i in 0..p.links.len() {
            let l = &p.links[i];
            if !boilerplate(l.placement) {
                continue;
            }
            let n = pages[&sitewide_key(p, l)].len();
            if n >= min {
                let evidence = format!(
                    "same {} link \"{}\" → {} on {n} pages of {}",
                    l.placement, l.anchor_text, l.target_url, p.source_domain
                );
                if let Some(f) = settings.flag(&rules::SITEWIDE_LINK, &host, evidence) {
                    p.links[i].flags.push(f);
                    p.links[i].flags.sort();
                }
            }
        }
    }
}

/// The profile's links, each page once (two candidates redirecting to one page count once)
/// and each sitewide group once.
pub fn collapsed(reports: &[PageReport]) -> Vec<(&PageReport, &LinkReport)> {
    let mut pages = HashSet::new();
    let mut groups = HashSet::new();
    let mut out = Vec::new();
    for p in reports {
        if !pages.insert(p.final_url.as_deref().unwrap_or(&p.source_url)) {
            continue;
        }
        for l in &p.links {
            let sitewide = l.has_flag(rules::SITEWIDE_LINK.code);
            if sitewide && !groups.insert(sitewide_key(p, l)) {
                continue;
            }
            out.push((p, l));
        }
    }
    out
}

/// The anchor type the profile judges: an image's alt text counts as the text anchor it is.
fn effective(l: &LinkReport) -> AnchorType {
    l.alt_anchor_type.unwrap_or(l.anchor_type)
}

fn percent(n: usize, of: usize) -> f64 {
    if of == 0 {
        0.0
    } else {
        100.0 * n as f64 / of as f64
    }
}

/// Anchor-mix findings over the collapsed links.
pub fn anchor_findings(
    links: &[(&PageReport, &LinkReport)],
    settings: &ScoringSettings,
) -> Vec<Flag> {
    let n = links.len();
    let mut flags = Vec::new();
    let count =
        |f: &dyn Fn(AnchorType) -> bool| links.iter().filter(|(_, l)| f(effective(l))).count();
    let judged = |rule: &rules::Rule| {
        settings.enabled(rule) && n as f64 >= settings.threshold(rule, "min-links")
    };

    if judged(&rules::EXACT_MATCH_SHARE) {
        let exact = count(&|t| t == AnchorType::ExactMatch);
        let share = percent(exact, n);
        let max = settings.threshold(&rules::EXACT_MATCH_SHARE, "max-percent");
        if share > max {
            flags.extend(settings.flag(
                &rules::EXACT_MATCH_SHARE,
                "",
                format!(
                    "{exact} of {n} links ({share:.1}%) have exact-match anchors; threshold {}%",
                    rules::fmt_number(max)
                ),
            ));
        }
    }
    if judged(&rules::MONEY_ANCHOR_DOMINANT) {
        let mut by_text: BTreeMap<String, usize> = BTreeMap::new();
        for (_, l) in links {
            if matches!(
                effective(l),
                AnchorType::ExactMatch | AnchorType::PartialMatch
            ) {
                let t = l
                    .anchor_text
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .to_lowercase();
                *by_text.entry(t).or_default() += 1;
            }
        }
        if let Some((text, top)) = by_text
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
        {
            let share = percent(*top, n);
            let max = settings.threshold(&rules::MONEY_ANCHOR_DOMINANT, "max-percent");
            if share > max {
                flags.extend(settings.flag(
                    &rules::MONEY_ANCHOR_DOMINANT,
                    "",
                    format!("\"{text}\" is the anchor of {top} of {n} links ({share:.1}%); threshold {}%", rules::fmt_number(max)),
                ));
            }
        }
    }
    if judged(&rules::FEW_BRANDED_ANCHORS) {
        let branded = count(&|t| matches!(t, AnchorType::Branded | AnchorType::NakedUrl));
        let share = percent(branded, n);
        let min = settings.threshold(&rules::FEW_BRANDED_ANCHORS, "min-percent");
        if share < min {
            flags.extend(settings.flag(
                &rules::FEW_BRANDED_ANCHORS,
                "",
                format!("{branded} of {n} links ({share:.1}%) are branded or naked-URL anchors; threshold {}%", rules::fmt_number(min)),
            ));
        }
    }
    flags.sort();
    flags
}

/// The health score's components; their weighted sum is `health_score` (which is n/a
/// without links: the components then say so).
pub fn health(links: &[(&PageReport, &LinkReport)], anchor_flags: &[Flag]) -> Vec<ScoreComponent> {
    let n = links.len();
    let toxic = links
        .iter()
        .filter(|(_, l)| super::counts_as_toxic(l.dofollow, l.toxicity))
        .count();
    let not_passing = links.iter().filter(|(_, l)| !l.dofollow).count();
    let (tv, treason) = if n == 0 {
        (0.0, "no live links: health is n/a".to_string())
    } else {
        let threshold = super::TOXIC_THRESHOLD;
        let mut reason = format!(
            "{toxic} of {n} links are toxic (toxicity >= {threshold} on a link that passes \
             authority; sitewide links counted once)"
        );
        if not_passing > 0 {
            reason.push_str(&format!(
                "; {not_passing} nofollow/ugc/sponsored link{} cannot hurt and {} not counted as toxic",
                if not_passing == 1 { "" } else { "s" },
                if not_passing == 1 { "is" } else { "are" }
            ));
        }
        (1.0 - toxic as f64 / n as f64, reason)
    };
    let found: Vec<&str> = anchor_flags.iter().map(|f| f.code).collect();
    let av = (1.0 - found.len() as f64 / 2.0).max(0.0);
    let areason = if found.is_empty() {
        "no anchor-profile findings".to_string()
    } else {
        format!(
            "anchor-profile findings: {} (each takes half)",
            found.join(", ")
        )
    };
    vec![
        ScoreComponent {
            score: "health",
            name: "toxic-links",
            value: tv,
            weight: W_TOXIC,
            reason: treason,
        },
        ScoreComponent {
            score: "health",
            name: "anchor-profile",
            value: av,
            weight: W_ANCHORS,
            reason: areason,
        },
    ]
}

/// The sum of components, rounded to 0-100.
pub fn total(components: &[ScoreComponent]) -> u8 {
    components
        .iter()
        .map(|c| c.value * c.weight)
        .sum::<f64>()
        .round()
        .clamp(0.0, 100.0) as u8
}

/// Diversity of the referring domains with live links.
pub fn diversity(
    links: &[(&PageReport, &LinkReport)],
    domains: &[DomainReport],
    dns: &Dns,
) -> Diversity {
    let mut per_domain: BTreeMap<&str, usize> = BTreeMap::new();
    for (p, _) in links {
        *per_domain.entry(&p.source_domain).or_default() += 1;
    }
    let top = per_domain
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)));
    let ip_blocks = match dns {
        Dns::Resolved(_) => Some(
            domains
                .iter()
                .filter(|d| d.links > 0)
                .filter_map(|d| dns.address(&d.domain).map(ip_block))
                .collect::<BTreeSet<_>>()
                .len(),
        ),
        _ => None,
    };
    Diversity {
        top_domain: top.map(|(d, _)| d.to_string()),
        top_domain_share: top.map_or(0, |(_, n)| percent(*n, links.len()).round() as u8),
        ip_blocks,
    }
}

/// Live referring domains per authority band of ten (the last band is 90-100).
pub fn authority_distribution(domains: &[DomainReport]) -> Vec<AuthorityBucket> {
    let mut counts = [0; 10];
    for a in domains
        .iter()
        .filter(|d| d.links > 0)
        .filter_map(|d| d.authority)
    {
        counts[band(a)] += 1;
    }
    bands(counts, |from, to, domains| AuthorityBucket {
        from,
        to,
        domains,
    })
}

/// The band of ten (0-9, 10-19, ..., 90-100) a 0-100 score falls in, as an index 0-9.
pub fn band(score: u8) -> usize {
    usize::from(score.min(99) / 10)
}

/// The ten bands of a distribution, each built by `bucket(from, to, count)` from the counts
/// per [`band`].
pub fn bands<T>(counts: [usize; 10], bucket: impl Fn(u8, u8, usize) -> T) -> Vec<T> {
    (0u8..10)
        .zip(counts)
        .map(|(i, n)| bucket(i * 10, if i == 9 { 100 } else { i * 10 + 9 }, n))
        .collect()
}
