//! Authority 0-100 of a referring page and domain, always with its source named.
//!
//! In order of preference:
//! 1. a vendor metric from the inputs, kept on its own scale (all are 0-100): page-level first
//!    (Ahrefs UR, Semrush Page Authority Score, Moz PA, Majestic Trust Flow of the source
//!    page), then domain-level (Ahrefs DR, Moz DA);
//! 2. the imported open rank list ([`super::ranks`]), log-scaled;
//! 3. an estimate from what the crawl saw, marked `estimated`: at most 30, in steps of 10,
//!    because one fetched page cannot show that a site is strong, only that it is weak.

use super::ranks::{RankTable, rank_authority};
use crate::model::{PageSignals, VendorMetrics};

/// An authority value and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authority {
    /// 0-100.
    pub value: u8,
    /// The source's name in the report (`ahrefs_ur`, `rank_list`, `estimated`...).
    pub source: &'static str,
    /// How the value was obtained, for the score component's reason.
    pub detail: String,
}

/// Highest estimate from crawl signals alone.
pub const ESTIMATE_MAX: u8 = 30;
/// Editorial words under which a page is thin.
pub const THIN_WORDS: usize = 150;
/// External links over which a page is link-heavy.
pub const LINK_HEAVY: usize = 50;

type Pick = fn(&VendorMetrics) -> Option<f64>;

/// Page-level vendor metrics, in order of preference.
const PAGE_METRICS: [(&str, Pick); 4] = [
    ("ahrefs_ur", |m| m.ahrefs_ur),
    ("semrush_page_ascore", |m| m.semrush_page_ascore),
    ("moz_pa", |m| m.moz_pa),
    ("majestic_tf", |m| m.majestic_tf),
];

/// Domain-level vendor metrics, in order of preference.
const DOMAIN_METRICS: [(&str, Pick); 2] =
    [("ahrefs_dr", |m| m.ahrefs_dr), ("moz_da", |m| m.moz_da)];

fn vendor<'a>(
    metrics: impl Iterator<Item = &'a VendorMetrics> + Clone,
    table: &[(&'static str, Pick)],
) -> Option<Authority> {
    for (name, pick) in table {
        // Several inputs may report the page: the highest value of the preferred metric wins
        // (vendors under-report more often than they over-report).
        let best = metrics
            .clone()
            .filter_map(pick)
            .filter(|v| v.is_finite())
            .fold(None, |acc: Option<f64>, v| {
                Some(acc.map_or(v, |a| a.max(v)))
            });
        if let Some(v) = best {
            return Some(Authority {
                value: v.round().clamp(0.0, 100.0) as u8,
                source: name,
                detail: format!("{name} {}", super::rules::fmt_number(v)),
            });
        }
    }
    None
}

/// Domain-level authority from vendor metrics or the rank list.
pub fn domain_authority<'a>(
    metrics: impl Iterator<Item = &'a VendorMetrics> + Clone,
    host: &str,
    ranks: Option<&RankTable>,
) -> Option<Authority> {
    vendor(metrics, &DOMAIN_METRICS).or_else(|| {
        let (rank, name) = ranks?.rank(host)?;
        Some(Authority {
            value: rank_authority(rank),
            source: "rank_list",
            detail: format!(
                "{name} is #{rank} in {}",
                ranks
                    .map(|r| r.info.source.as_str())
                    .unwrap_or("the rank list")
            ),
        })
    })
}

/// Authority of a referring page.
pub fn page_authority<'a>(
    metrics: impl Iterator<Item = &'a VendorMetrics> + Clone,
    host: &str,
    ranks: Option<&RankTable>,
    signals: &PageSignals,
) -> Authority {
    vendor(metrics.clone(), &PAGE_METRICS)
        .or_else(|| domain_authority(metrics, host, ranks))
        .unwrap_or_else(|| estimate(signals))
}

/// The crawl-based estimate: 30, minus 10 for each of thin content, a link-heavy page and
/// noindex.
pub fn estimate(s: &PageSignals) -> Authority {
    let mut value = ESTIMATE_MAX;
    let mut why = Vec::new();
    if s.text_words < THIN_WORDS {
        value -= 10;
        why.push(format!("thin content ({} words)", s.text_words));
    }
    if s.external_links > LINK_HEAVY {
        value -= 10;
        why.push(format!("{} external links", s.external_links));
    }
    if s.noindex() {
        value -= 10;
        why.push("noindex".to_string());
    }
    let detail = if why.is_empty() {
        format!("estimated {value} (no vendor metric or rank; the most an estimate gives)")
    } else {
        format!(
            "estimated {value} (no vendor metric or rank; {ESTIMATE_MAX} minus 10 for {})",
            why.join(", ")
        )
    };
    Authority {
        value,
        source: "estimated",
        detail,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signals(words: usize, external: usize) -> PageSignals {
        PageSignals {
            text_words: words,
            external_links: external,
            ..PageSignals::default()
        }
    }

    #[test]
    fn page_metrics_win_over_domain_metrics() {
        let m = VendorMetrics {
            ahrefs_dr: Some(71.0),
            moz_pa: Some(33.4),
            majestic_tf: Some(20.0),
            ..VendorMetrics::default()
        };
        let a = page_authority([&m].into_iter(), "x.test", None, &signals(500, 3));
        assert_eq!((a.value, a.source), (33, "moz_pa"));
        let d = domain_authority([&m].into_iter(), "x.test", None).unwrap();
        assert_eq!((d.value, d.source), (71, "ahrefs_dr"));
        // Two inputs: the preferred metric's highest value.
        let other = VendorMetrics {
            moz_pa: Some(40.0),
            ahrefs_ur: None,
            ..VendorMetrics::default()
        };
        let a = page_authority([&m, &other].into_iter(), "x.test", None, &signals(500, 3));
        assert_eq!((a.value, a.source), (40, "moz_pa"));
        let ur = VendorMetrics {
            ahrefs_ur: Some(12.0),
            semrush_page_ascore: Some(50.0),
            ..VendorMetrics::default()
        };
        let a = page_authority([&ur].into_iter(), "x.test", None, &signals(500, 3));
        assert_eq!((a.value, a.source), (12, "ahrefs_ur"));
    }

    #[test]
    fn estimates_are_coarse_and_capped() {
        let none = VendorMetrics::default();
        let a = page_authority([&none].into_iter(), "x.test", None, &signals(800, 5));
        assert_eq!((a.value, a.source), (30, "estimated"));
        let a = estimate(&signals(40, 300));
        assert_eq!(a.value, 10);
        assert!(a.detail.contains("thin content (40 words)"), "{}", a.detail);
        let mut s = signals(40, 300);
        s.meta_robots = vec!["noindex".into()];
        assert_eq!(estimate(&s).value, 0);
    }
}
