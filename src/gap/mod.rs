//! The competitor gap stage: the verdicts of one fetch of every candidate page (with the links
//! to the target and to every competitor, [`crate::extract::LinkFilter::Sites`]) → the
//! [`GapReport`]: the referring domains that link to a competitor and not to the target, ranked
//! by an explained opportunity score.
//!
//! Pure and deterministic, like the score stage it builds on. Each competitor's links are
//! scored by the audit's own scorer ([`score::build_audit`], as if the competitor were the
//! audited site), so every link carries the anchor, rel, placement, context, authority,
//! toxicity and findings `audit` would report; the target's topical profile gives relevance.
//! Then, per referring domain:
//!
//! ```text
//! links to the target (this crawl, its latest stored audit, its own export rows) → already_linking
//! toxic (a link at the toxic threshold) or a link farm                           → excluded
//! otherwise                                                                      → opportunities
//! ```
//!
//! Listed links that are not there any more (the page answers without the competitor link, or
//! does not answer) are dropped and listed in `gone`.
//!
//! The opportunity score (0-100) is a weighted sum of named components, each with its value
//! and reason (`docs/gap.md`): authority (30), relevance to the target's profile (25),
//! competitors linked (20), placement of the best link (15), and whether it is followed (10).
//! Relevance, placement and rel values are the audit's own quality components of the links,
//! so a footer or nofollow link weighs less exactly as it does in the audit.

pub mod compare;
pub mod inputs;
pub mod mentions;

use crate::model::{
    Candidate, ContactRoute, ExcludedDomain, Flag, GAP_SCHEMA_VERSION, GapInput, GapLink,
    GapReport, GapSummary, GoneLink, LinkReport, Opportunity, PageStatus, PageVerdict,
    ScoreComponent, SharedDomain, Target, ToolInfo, VerdictOutcome,
};
use crate::score::{self, ScoringContext, rules};
use inputs::Claim;
use std::collections::{BTreeMap, BTreeSet};

/// Opportunity weights (points at value 1.0); they sum to 100.
pub const W_AUTHORITY: f64 = 30.0;
/// See [`W_AUTHORITY`].
pub const W_RELEVANCE: f64 = 25.0;
/// See [`W_AUTHORITY`].
pub const W_COMPETITORS: f64 = 20.0;
/// See [`W_AUTHORITY`].
pub const W_PLACEMENT: f64 = 15.0;
/// See [`W_AUTHORITY`].
pub const W_DOFOLLOW: f64 = 10.0;
/// Competitors linked for the full competitors component (with fewer competitors in the run,
/// all of them).
pub const FULL_COMPETITORS: usize = 3;

/// Which referring domains link to the target, and how that is known.
pub type KnownLinks = BTreeMap<String, BTreeSet<String>>;

/// Everything the gap builder needs besides the pages.
pub struct GapInputs<'a> {
    /// The target, with its competitors.
    pub target: &'a Target,
    /// The scorer's context (rule settings, rank table, the target's profile, DNS).
    pub ctx: &'a ScoringContext,
    /// Referring domains known to link to the target before this run (stored audit, export
    /// rows), with how each is known.
    pub known: KnownLinks,
    /// What each input held.
    pub inputs: Vec<GapInput>,
    /// When the run finished (RFC 3339).
    pub generated_at: String,
}

/// Builds the gap report from every candidate page, its claim and its verdict.
pub fn build(pages: Vec<(Candidate, Claim, PageVerdict)>, g: GapInputs<'_>) -> GapReport {
    let target = g.target;
    let mut known = g.known;
    let mut summary = GapSummary {
        pages: pages.len(),
        ..GapSummary::default()
    };
    let mut gone = Vec::new();
    // Per page: which competitors it links to live.
    let mut live: Vec<BTreeSet<String>> = Vec::with_capacity(pages.len());
    // Per referring domain: the contact routes of its pages with competitor links.
    let mut contacts: BTreeMap<String, BTreeSet<ContactRoute>> = BTreeMap::new();
    for (c, claim, v) in &pages {
        let mut sites = BTreeSet::new();
        match &v.outcome {
            VerdictOutcome::Analyzed(a) => {
                summary.fetched += 1;
                for l in &a.links {
                    match l.site.as_deref() {
                        Some(s) if s == target.domain => {
                            known
                                .entry(c.domain.clone())
                                .or_default()
                                .insert("crawl".to_string());
                        }
                        Some(s) => {
                            sites.insert(s.to_string());
                        }
                        None => {}
                    }
                }
                if !sites.is_empty() {
                    contacts
                        .entry(c.domain.clone())
                        .or_default()
                        .extend(a.signals.contacts.iter().cloned());
                }
                let claimed = claim.claimed(target);
                let missing: Vec<String> = if claim.any && sites.is_empty() {
                    claimed.iter().map(|s| s.to_string()).collect()
                } else {
                    claim
                        .competitors
                        .iter()
                        .filter(|s| !sites.contains(*s))
                        .cloned()
                        .collect()
                };
                if !missing.is_empty() {
                    gone.push(GoneLink {
                        source_url: c.url.to_string(),
                        source_domain: c.domain.clone(),
                        competitors: missing,
                        reason: "no-link",
                        error: None,
                        http_status: v.http_status,
                    });
                }
            }
            other => {
                summary.unreachable += 1;
                let (reason, error) = not_fetched(other);
                gone.push(GoneLink {
                    source_url: c.url.to_string(),
                    source_domain: c.domain.clone(),
                    competitors: claim
                        .claimed(target)
                        .iter()
                        .map(|s| s.to_string())
                        .collect(),
                    reason,
                    error: Some(error),
                    http_status: v.http_status,
                });
            }
        }
        live.push(sites);
    }
    gone.sort_by(|a, b| a.source_url.cmp(&b.source_url));
    let mentions = mentions::reports(pages.iter().map(|(c, _, v)| (c, v)), g.ctx.ranks.as_ref());

    // Each competitor's links, scored as the audit scores links.
    let mut domains: BTreeMap<String, DomainLinks> = BTreeMap::new();
    for competitor in &target.competitors {
        let of_site: Vec<(Candidate, PageVerdict)> = pages
            .iter()
            .zip(&live)
            .filter(|(_, sites)| sites.contains(competitor))
            .map(|((c, _, v), _)| only_site(c, v, competitor, target))
            .collect();
        if of_site.is_empty() {
            continue;
        }
        let as_target = Target::parse(competitor).expect("competitors are registrable domains");
        let audit = score::build_audit(
            &as_target,
            of_site,
            Vec::new(),
            g.generated_at.clone(),
            g.ctx,
        );
        for d in &audit.domains {
            let e = domains.entry(d.domain.clone()).or_default();
            e.toxicity = e.toxicity.max(d.toxicity);
            if d.authority > e.authority {
                e.authority = d.authority;
                e.authority_source = d.authority_source;
            }
            e.flags.extend(d.flags.iter().cloned());
        }
        for p in audit
            .pages
            .into_iter()
            .filter(|p| p.status == PageStatus::Live)
        {
            let e = domains.entry(p.source_domain.clone()).or_default();
            for l in p.links {
                e.links.push(GapLink {
                    competitor: competitor.clone(),
                    source_url: p.source_url.clone(),
                    marks: marks(&l),
                    link: l,
                });
            }
        }
    }

    let mut opportunities = Vec::new();
    let mut excluded = Vec::new();
    let mut already_linking = Vec::new();
    for (domain, d) in domains {
        let competitors: Vec<String> = d
            .links
            .iter()
            .map(|l| l.competitor.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        if let Some(how) = known.get(&domain) {
            already_linking.push(SharedDomain {
                domain,
                competitors,
                known_from: how.iter().cloned().collect(),
            });
            continue;
        }
        let farm = d.flags.iter().any(|f| f.code == rules::LINK_FARM.code);
        if farm || d.toxicity >= score::TOXIC_THRESHOLD {
            let mut reasons: Vec<Flag> = d
                .flags
                .iter()
                .filter(|f| f.code == rules::LINK_FARM.code || g.ctx.settings.points(f.code) > 0)
                .cloned()
                .collect();
            reasons.sort();
            reasons.dedup_by(|a, b| a.code == b.code);
            excluded.push(ExcludedDomain {
                domain,
                competitors,
                toxicity: d.toxicity,
                reasons,
            });
            continue;
        }
        let domain_contacts = contacts
            .get(&domain)
            .map(|c| c.iter().cloned().collect())
            .unwrap_or_default();
        opportunities.push(opportunity(
            domain,
            d,
            competitors,
            domain_contacts,
            target.competitors.len(),
        ));
    }
    opportunities.sort_by(|a, b| b.score.cmp(&a.score).then_with(|| a.domain.cmp(&b.domain)));

    summary.referring_domains = opportunities.len() + excluded.len() + already_linking.len();
    summary.opportunities = opportunities.len();
    summary.excluded = excluded.len();
    summary.already_linking = already_linking.len();
    summary.gone = gone.len();
    summary.rows_elsewhere = g.inputs.iter().map(|i| i.elsewhere).sum();
    summary.target_domains = known.len();
    summary.mentions = mentions.len();
    summary.best_prospects = mentions.iter().filter(|m| m.best_prospect).count();
    GapReport {
        schema_version: GAP_SCHEMA_VERSION,
        tool: ToolInfo {
            name: "backlinks",
            version: env!("CARGO_PKG_VERSION"),
            scoring_version: score::SCORING_VERSION,
            config: g.ctx.config.clone(),
        },
        target: target.domain.clone(),
        generated_at: g.generated_at,
        competitors: target.competitors.clone(),
        summary,
        opportunities,
        excluded,
        already_linking,
        gone,
        inputs: g.inputs,
        mentions,
        comparison: None,
    }
}

/// Why a page has no links to look at: `unreachable` or `skipped`, and the page error's code.
fn not_fetched(outcome: &VerdictOutcome) -> (&'static str, String) {
    match outcome {
        VerdictOutcome::Skipped(r) => ("skipped", r.code().to_string()),
        VerdictOutcome::NotHtml { .. } => ("unreachable", "not-html".to_string()),
        VerdictOutcome::HttpError => ("unreachable", "http-error".to_string()),
        VerdictOutcome::Failed(e) => ("unreachable", e.code().to_string()),
        VerdictOutcome::Analyzed(_) => ("unreachable", "parse-failed".to_string()),
    }
}

/// What the competitors' scored links say about one referring domain.
#[derive(Debug, Default)]
struct DomainLinks {
    links: Vec<GapLink>,
    toxicity: u8,
    authority: Option<u8>,
    authority_source: Option<&'static str>,
    flags: Vec<Flag>,
}

/// The page with only its links to `site` (and their paragraphs' terms) and only the rows
/// about that site, for the audit's scorer.
fn only_site(
    c: &Candidate,
    v: &PageVerdict,
    site: &str,
    target: &Target,
) -> (Candidate, PageVerdict) {
    let mut v = v.clone();
    if let VerdictOutcome::Analyzed(a) = &mut v.outcome {
        let terms = std::mem::take(&mut a.signals.link_terms);
        let links = std::mem::take(&mut a.links);
        for (i, l) in links.into_iter().enumerate() {
            if l.site.as_deref() == Some(site) {
                if let Some(t) = terms.get(i) {
                    a.signals.link_terms.push(t.clone());
                }
                a.links.push(l);
            }
        }
    }
    let mut c = c.clone();
    c.provenance.retain(|p| {
        p.claims
            .target_url
            .as_deref()
            .is_none_or(|t| inputs::site_of_claim(t, target).as_deref() == Some(site))
    });
    (c, v)
}

/// Why a link is weaker than an editorial followed one: its placement when not `content`,
/// its rel tokens (or a page-level nofollow), `hidden`.
fn marks(l: &LinkReport) -> Vec<String> {
    let mut m = Vec::new();
    if l.placement != crate::model::Placement::Content {
        m.push(l.placement.as_str().to_string());
    }
    for r in ["nofollow", "ugc", "sponsored"] {
        if l.rel.iter().any(|x| x == r) {
            m.push(r.to_string());
        }
    }
    if !l.dofollow
        && m.iter()
            .all(|x| !matches!(x.as_str(), "nofollow" | "ugc" | "sponsored"))
    {
        m.push("page-nofollow".to_string());
    }
    if l.has_flag(rules::HIDDEN_LINK.code) {
        m.push("hidden".to_string());
    }
    m
}

/// The value (0-1) of one of a link's quality components (the audit's `placement` and `rel`).
fn component(l: &LinkReport, name: &str) -> (f64, String) {
    l.components
        .iter()
        .find(|c| c.score == "quality" && c.name == name)
        .map_or((0.0, format!("no {name} component")), |c| {
            (c.value, c.reason.clone())
        })
}

/// Scores one referring domain.
fn opportunity(
    domain: String,
    mut d: DomainLinks,
    competitors: Vec<String>,
    contacts: Vec<ContactRoute>,
    total_competitors: usize,
) -> Opportunity {
    // Best link first: the one whose placement and rel weigh most (document order on ties).
    let worth = |l: &GapLink| {
        W_PLACEMENT * component(&l.link, "placement").0 + W_DOFOLLOW * component(&l.link, "rel").0
    };
    d.links.sort_by(|a, b| {
        worth(b)
            .total_cmp(&worth(a))
            .then_with(|| a.source_url.cmp(&b.source_url))
            .then_with(|| a.competitor.cmp(&b.competitor))
    });
    let best = &d.links[0];
    let mut components = Vec::new();
    let auth = d.authority.unwrap_or(0);
    components.push(part(
        "authority",
        f64::from(auth) / 100.0,
        W_AUTHORITY,
        match d.authority_source {
            Some(src) => format!("domain authority {auth} ({src})"),
            None => "authority unknown".to_string(),
        },
    ));
    // The audit's relevance of the domain's most relevant link: its page's, blended with the
    // paragraph around the link (neutral without a profile).
    let relevant = d
        .links
        .iter()
        .max_by(|a, b| {
            component(&a.link, "relevance")
                .0
                .total_cmp(&component(&b.link, "relevance").0)
                .then_with(|| b.source_url.cmp(&a.source_url))
        })
        .expect("an opportunity has links");
    let relevance = relevant.link.relevance;
    let (rv, rreason) = component(&relevant.link, "relevance");
    components.push(part(
        "relevance",
        rv,
        W_RELEVANCE,
        format!("{rreason} (on {})", relevant.source_url),
    ));
    let full = total_competitors.clamp(1, FULL_COMPETITORS);
    components.push(part(
        "competitors",
        (competitors.len().min(full) as f64) / full as f64,
        W_COMPETITORS,
        format!(
            "links to {} of {} competitors: {}",
            competitors.len(),
            total_competitors,
            competitors.join(", ")
        ),
    ));
    let (pv, preason) = component(&best.link, "placement");
    components.push(part(
        "placement",
        pv,
        W_PLACEMENT,
        format!("best link: {preason} on {}", best.source_url),
    ));
    let (dv, dreason) = component(&best.link, "rel");
    components.push(part(
        "dofollow",
        dv,
        W_DOFOLLOW,
        format!("best link: {dreason}"),
    ));
    let total: f64 = components.iter().map(|c| c.value * c.weight).sum();
    Opportunity {
        score: total.round().clamp(0.0, 100.0) as u8,
        competitors,
        authority: d.authority,
        authority_source: d.authority_source,
        relevance,
        toxicity: d.toxicity,
        source_url: best.source_url.clone(),
        marks: best.marks.clone(),
        links: d.links,
        contacts,
        components,
        domain,
    }
}

fn part(name: &'static str, value: f64, weight: f64, reason: String) -> ScoreComponent {
    ScoreComponent {
        score: "opportunity",
        name,
        value,
        weight,
        reason,
    }
}
