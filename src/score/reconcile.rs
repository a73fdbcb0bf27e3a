//! Reconciliation: what backlink tools claimed about a page (its provenance) against what the
//! live page shows. Pure: a page report in, findings (rule and evidence) out.
//!
//! - [`rules::VENDOR_LINK_MISSING`]: a tool reports a live link the page does not have.
//! - [`rules::MISSING_FROM_GSC`]: a live link other tools know that the Search Console export
//!   given does not list (only when one was given).
//! - [`rules::VENDOR_REL_MISMATCH`]: a tool's nofollow/ugc/sponsored claim the page disagrees
//!   with.

use super::rule_settings::ScoringSettings;
use super::rules::{self, Rule};
use crate::model::{DomainCandidate, Flag, LinkReport, PageReport, PageStatus, Provenance};
use std::collections::HashSet;

/// What reconciliation needs to know about the whole audit.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// Whether any Search Console links export listed a page or site.
    pub gsc_given: bool,
    /// Registrable domains listed by Search Console "Top linking sites".
    pub gsc_domains: HashSet<String>,
}

impl Context {
    /// The context of an audit's pages and domain-level candidates.
    pub fn new(pages: &[PageReport], domains: &[DomainCandidate]) -> Context {
        let gsc_domains: HashSet<String> = domains
            .iter()
            .filter(|d| d.provenance.iter().any(|p| p.format.is_gsc()))
            .map(|d| d.domain.clone())
            .collect();
        let gsc_pages = pages
            .iter()
            .any(|p| p.provenance.iter().any(|p| p.format.is_gsc()));
        Context {
            gsc_given: gsc_pages || !gsc_domains.is_empty(),
            gsc_domains,
        }
    }
}

/// Adds the reconciliation flags to every page (sorted with the page's other flags) and, as
/// for every page-level flag, to each of its links, so that link-level views show them. They
/// carry no toxicity weight: they are about the tools' data, not about the link's risk.
///
/// Each flag goes through the user's rule settings (`backlinks.toml` levels and per-domain
/// exemptions) like every other finding.
pub fn apply(pages: &mut [PageReport], domains: &[DomainCandidate], settings: &ScoringSettings) {
    let ctx = Context::new(pages, domains);
    for p in pages {
        let host = url::Url::parse(&p.source_url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
            .unwrap_or_else(|| p.source_domain.clone());
        let found: Vec<Flag> = reconcile(p, &ctx)
            .into_iter()
            .filter_map(|(rule, evidence)| settings.flag(rule, &host, evidence))
            .collect();
        if found.is_empty() {
            continue;
        }
        for l in &mut p.links {
            l.flags.extend(found.iter().cloned());
            l.flags.sort();
            l.flags.dedup();
        }
        p.flags.extend(found);
        p.flags.sort();
    }
}

/// The reconciliation findings of one page: each rule with its evidence, before the user's
/// settings are applied.
pub fn reconcile(page: &PageReport, ctx: &Context) -> Vec<(&'static Rule, String)> {
    let vendor: Vec<&Provenance> = page
        .provenance
        .iter()
        .filter(|p| p.format.is_vendor())
        .collect();
    if vendor.is_empty() {
        return Vec::new();
    }
    let claims_live: Vec<&Provenance> = vendor
        .iter()
        .copied()
        .filter(|p| p.claims.lost != Some(true))
        .collect();
    let mut found = Vec::new();
    match page.status {
        PageStatus::Lost if !claims_live.is_empty() => {
            let status = page
                .http_status
                .map(|s| format!(" (HTTP {s})"))
                .unwrap_or_default();
            found.push((
                &rules::VENDOR_LINK_MISSING,
                format!(
                    "{} reported a live link; the page{status} has no link to the target",
                    who(&claims_live)
                ),
            ));
        }
        PageStatus::Live => {
            let missing: Vec<(&Provenance, &str)> = claims_live
                .iter()
                .filter_map(|p| Some((*p, p.claims.target_url.as_deref()?)))
                .filter(|(_, t)| !page.links.iter().any(|l| same_target(&l.target_url, t)))
                .collect();
            if let Some((_, first)) = missing.first() {
                let on_page: Vec<&str> = page
                    .links
                    .iter()
                    .map(|l| l.target_url.as_str())
                    .take(3)
                    .collect();
                let provs: Vec<&Provenance> = missing.iter().map(|(p, _)| *p).collect();
                found.push((
                    &rules::VENDOR_LINK_MISSING,
                    format!(
                        "{} reported a link to {first}; the page links to the target at {}",
                        who(&provs),
                        on_page.join(", ")
                    ),
                ));
            }
            let mismatches: Vec<String> = vendor
                .iter()
                .filter_map(|p| rel_mismatch(p, &page.links))
                .collect();
            if !mismatches.is_empty() {
                found.push((&rules::VENDOR_REL_MISMATCH, mismatches.join("; ")));
            }
            let in_gsc = page.provenance.iter().any(|p| p.format.is_gsc())
                || ctx.gsc_domains.contains(&page.source_domain);
            let others: Vec<&Provenance> = vendor
                .iter()
                .copied()
                .filter(|p| !p.format.is_gsc())
                .collect();
            if ctx.gsc_given && !in_gsc && !others.is_empty() {
                found.push((
                    &rules::MISSING_FROM_GSC,
                    format!(
                        "live and reported by {}, but not in the Search Console export",
                        who(&others)
                    ),
                ));
            }
        }
        _ => {}
    }
    found
}

/// The first disagreement between one listing's rel claims and the live links.
fn rel_mismatch(p: &Provenance, links: &[LinkReport]) -> Option<String> {
    let claimed: Vec<&LinkReport> = match p.claims.target_url.as_deref() {
        Some(t) => links
            .iter()
            .filter(|l| same_target(&l.target_url, t))
            .collect(),
        None => Vec::new(),
    };
    let compared: Vec<&LinkReport> = if claimed.is_empty() {
        links.iter().collect()
    } else {
        claimed
    };
    let checks = [
        ("nofollow", p.claims.nofollow),
        ("ugc", p.claims.ugc),
        ("sponsored", p.claims.sponsored),
    ];
    for (token, claim) in checks {
        let Some(claim) = claim else { continue };
        let agrees = compared
            .iter()
            .any(|l| l.rel.iter().any(|r| r == token) == claim);
        if !agrees && !compared.is_empty() {
            let rel = &compared[0].rel;
            let live = if rel.is_empty() {
                "no rel".to_string()
            } else {
                format!("rel=\"{}\"", rel.join(" "))
            };
            return Some(format!(
                "{}:{} says {}{token}; the live link has {live}",
                p.input,
                p.line,
                if claim { "" } else { "not " },
            ));
        }
    }
    None
}

/// Whether two URLs name the same target page, ignoring scheme, `www.`, default ports,
/// fragments and a trailing slash (tools normalise differently).
pub fn same_target(a: &str, b: &str) -> bool {
    fn key(s: &str) -> String {
        let s = s.trim();
        let with_scheme = if s.contains("://") {
            s.to_string()
        } else {
            format!("http://{s}")
        };
        match url::Url::parse(&with_scheme) {
            Ok(u) => {
                let host = crate::model::host::normalize(u.host_str().unwrap_or_default());
                let host = host.strip_prefix("www.").unwrap_or(&host).to_string();
                let path = u.path().trim_end_matches('/');
                match u.query() {
                    Some(q) => format!("{host}{path}?{q}"),
                    None => format!("{host}{path}"),
                }
            }
            Err(_) => s.to_ascii_lowercase(),
        }
    }
    key(a) == key(b)
}

/// `ahrefs.tsv:12, semrush.csv:40 and 2 more`.
fn who(provs: &[&Provenance]) -> String {
    let mut shown: Vec<String> = provs
        .iter()
        .take(3)
        .map(|p| format!("{}:{}", p.input, p.line))
        .collect();
    if provs.len() > 3 {
        shown.push(format!("{} more", provs.len() - 3));
    }
    shown.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AnchorType, Claims, InputFormat, Placement};

    fn prov(format: InputFormat, claims: Claims) -> Provenance {
        Provenance {
            input: format!("{format}.csv"),
            line: 2,
            format,
            claims,
        }
    }

    fn link(target: &str, rel: &[&str]) -> LinkReport {
        LinkReport {
            target_url: target.into(),
            anchor_text: "Example".into(),
            anchor_type: AnchorType::Branded,
            alt_anchor_type: None,
            rel: rel.iter().map(|r| r.to_string()).collect(),
            placement: Placement::Content,
            evidence: Vec::new(),
            context: String::new(),
            authority: None,
            authority_source: None,
            relevance: None,
            quality: 90,
            toxicity: 0,
            dofollow: rel.is_empty(),
            components: Vec::new(),
            flags: Vec::new(),
            found: Default::default(),
        }
    }

    fn page(status: PageStatus, provenance: Vec<Provenance>, links: Vec<LinkReport>) -> PageReport {
        PageReport {
            source_url: "https://blog.a.test/p".into(),
            source_domain: "a.test".into(),
            sources: Vec::new(),
            provenance,
            status,
            http_status: Some(200),
            final_url: None,
            error: None,
            redirects: Vec::new(),
            title: None,
            language: None,
            flags: Vec::new(),
            links,
            rendered: false,
            cached_at: None,
        }
    }

    /// The findings as flags at their rules' default severity.
    fn flags(found: Vec<(&'static Rule, String)>) -> Vec<Flag> {
        found
            .into_iter()
            .map(|(rule, evidence)| Flag {
                code: rule.code,
                severity: rule.severity,
                evidence,
            })
            .collect()
    }

    fn codes(flags: &[Flag]) -> Vec<&str> {
        flags.iter().map(|f| f.code).collect()
    }

    #[test]
    fn vendor_says_live_but_page_lost_the_link() {
        let live = prov(InputFormat::Ahrefs, Claims::default());
        let lost = prov(
            InputFormat::Majestic,
            Claims {
                lost: Some(true),
                ..Claims::default()
            },
        );
        let p = page(PageStatus::Lost, vec![live.clone()], vec![]);
        let f = flags(reconcile(&p, &Context::default()));
        assert_eq!(codes(&f), ["vendor-link-missing"]);
        assert!(
            f[0].evidence
                .starts_with("ahrefs.csv:2 reported a live link"),
            "{}",
            f[0].evidence
        );
        // A vendor that already knows the link is lost, or a plain URL list, raises nothing.
        let p = page(PageStatus::Lost, vec![lost], vec![]);
        assert!(reconcile(&p, &Context::default()).is_empty());
        let p = page(
            PageStatus::Lost,
            vec![prov(InputFormat::UrlList, Claims::default())],
            vec![],
        );
        assert!(reconcile(&p, &Context::default()).is_empty());
    }

    #[test]
    fn claimed_target_missing_and_rel_mismatch() {
        let claims = Claims {
            target_url: Some("https://example.com/pricing".into()),
            nofollow: Some(false),
            ..Claims::default()
        };
        let p = page(
            PageStatus::Live,
            vec![prov(InputFormat::SemrushBacklinks, claims)],
            vec![link("https://www.example.com/", &["nofollow"])],
        );
        let f = flags(reconcile(&p, &Context::default()));
        assert_eq!(codes(&f), ["vendor-link-missing", "vendor-rel-mismatch"]);
        assert!(
            f[1].evidence
                .contains("says not nofollow; the live link has rel=\"nofollow\"")
        );
        // Same target up to scheme, www and trailing slash: no finding.
        let claims = Claims {
            target_url: Some("http://example.com".into()),
            nofollow: Some(true),
            ..Claims::default()
        };
        let p = page(
            PageStatus::Live,
            vec![prov(InputFormat::Moz, claims)],
            vec![link("https://www.example.com/", &["nofollow"])],
        );
        assert!(reconcile(&p, &Context::default()).is_empty());
    }

    #[test]
    fn missing_from_gsc_only_when_gsc_was_given() {
        let p = page(
            PageStatus::Live,
            vec![prov(InputFormat::Ahrefs, Claims::default())],
            vec![link("https://example.com/", &[])],
        );
        assert!(reconcile(&p, &Context::default()).is_empty());
        let ctx = Context {
            gsc_given: true,
            gsc_domains: HashSet::new(),
        };
        assert_eq!(codes(&flags(reconcile(&p, &ctx))), ["missing-from-gsc"]);
        let ctx = Context {
            gsc_given: true,
            gsc_domains: ["a.test".to_string()].into(),
        };
        assert!(reconcile(&p, &ctx).is_empty());
        let mut both = p.clone();
        both.provenance
            .push(prov(InputFormat::GscLinks, Claims::default()));
        let ctx = Context::new(std::slice::from_ref(&both), &[]);
        assert!(ctx.gsc_given);
        assert!(reconcile(&both, &ctx).is_empty());
    }
}
