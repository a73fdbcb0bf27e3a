//! Score stage: verdicts of every candidate page → the finished [`Audit`].
//!
//! Pure and deterministic: the same pages and [`ScoringContext`] give the same audit (only
//! `generated_at` is passed in). Every number is a documented weighted sum of named components
//! (`components` in the JSON), and every flag comes from a named rule in [`rules`] with its
//! evidence, raised through [`rule_settings::ScoringSettings::flag`] so that `backlinks.toml` overrides
//! apply everywhere. The weights below are explained in `docs/scoring.md`; changing any of them
//! bumps [`SCORING_VERSION`].

pub mod anchors;
pub mod authority;
mod domain_only;
pub mod link_network;
pub mod profile;
pub mod ranks;
pub mod reconcile;
pub mod relevance;
pub mod rule_settings;
pub mod rules;

use crate::model::{
    AnchorMix, AnchorType, Audit, Candidate, DomainCandidate, DomainReport, Flag, LinkObservation,
    LinkReport, PageAnalysis, PageReport, PageSignals, PageStatus, PageVerdict, Placement,
    PlacementMix, ProfileReport, SCHEMA_VERSION, ScoreComponent, Severity, Summary, Target,
    TermVector, ToolInfo, ToxicityBucket, VerdictOutcome,
};
use authority::Authority;
use link_network::Dns;
use ranks::RankTable;
use relevance::TargetProfile;
use rule_settings::ScoringSettings;
use rules::Rule;
use std::collections::{BTreeMap, HashSet};
use std::sync::OnceLock;

/// Version of the scoring rules and weights.
pub const SCORING_VERSION: u32 = 2;

/// A link with toxicity at or above this is counted as toxic (when it passes authority, see
/// [`counts_as_toxic`]).
pub const TOXIC_THRESHOLD: u8 = 50;

/// Whether a link counts as toxic: toxicity at or above [`TOXIC_THRESHOLD`] on a link that
/// passes authority. A nofollow, ugc or sponsored link (or one on a nofollow page) keeps its
/// findings and toxicity in the report, but search engines do not count it for the target, so
/// it cannot hurt: it pulls neither the health score down nor enters the toxic counts, the
/// worklist or the disavow file. This is the one rule all of them use.
pub fn counts_as_toxic(dofollow: bool, toxicity: u8) -> bool {
    dofollow && toxicity >= TOXIC_THRESHOLD
}

/// Quality weights (points at value 1.0); they sum to 100.
const W_AUTHORITY: f64 = 20.0;
const W_RELEVANCE: f64 = 20.0;
const W_PLACEMENT: f64 = 25.0;
const W_REL: f64 = 20.0;
const W_ANCHOR: f64 = 10.0;
const W_INDEXABLE: f64 = 5.0;

/// Value of an unknown relevance (no target profile): neutral.
const UNKNOWN_RELEVANCE: f64 = 0.5;

/// Everything the scorer knows beyond the pages themselves.
#[derive(Debug, Default)]
pub struct ScoringContext {
    /// Rule levels, points, thresholds and domain lists in force.
    pub settings: ScoringSettings,
    /// The `backlinks.toml` they came from (reported in `tool.config`).
    pub config: Option<String>,
    /// The imported domain rank table, if any.
    pub ranks: Option<RankTable>,
    /// The target's topical profile, if one could be built.
    pub profile: Option<TargetProfile>,
    /// DNS answers for the referring domains.
    pub dns: Dns,
}

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

/// Builds the audit from every candidate and its verdict, and the referring domains known
/// only at domain level.
pub fn build_audit(
    target: &Target,
    pages: Vec<(Candidate, PageVerdict)>,
    domain_candidates: Vec<DomainCandidate>,
    generated_at: String,
    ctx: &ScoringContext,
) -> Audit {
    let (network_flags, not_evaluated) = link_network::findings(&pages, &ctx.settings, &ctx.dns);
    let mut reports: Vec<PageReport> = pages
        .into_iter()
        .zip(network_flags)
        .map(|((c, v), extra)| page_report(target, c, v, extra, ctx))
        .collect();
    reports.sort_by(|a, b| a.source_url.cmp(&b.source_url));
    profile::mark_sitewide(&mut reports, &ctx.settings);
    reconcile::apply(&mut reports, &domain_candidates, &ctx.settings);
    for p in &mut reports {
        let page_deny = p
            .flags
            .iter()
            .find(|f| f.severity == Severity::Deny)
            .map(|f| f.code);
        for l in &mut p.links {
            score_toxicity(l, &ctx.settings);
            cap_denied_quality(l, page_deny);
        }
    }

    let mut summary = Summary {
        referring_pages: reports.len(),
        ..Summary::default()
    };
    let mut anchor_mix = AnchorMix::default();
    let mut placement_mix = PlacementMix::default();
    let mut live_domains = HashSet::new();
    // Two candidates that end on the same page (a redirect) list the same links; count them once.
    let mut counted_pages = HashSet::new();
    let mut toxicity_counts = [0; 10];
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
            summary.toxic += usize::from(counts_as_toxic(l.dofollow, l.toxicity));
            toxicity_counts[profile::band(l.toxicity)] += 1;
            summary.sitewide_links += usize::from(l.has_flag(rules::SITEWIDE_LINK.code));
            anchor_mix.add(l.anchor_type);
            placement_mix.add(l.placement);
        }
    }
    summary.live_domains = live_domains.len();
    summary.verified = summary.live + summary.lost;
    summary.toxicity_distribution = profile::bands(toxicity_counts, |from, to, links| {
        ToxicityBucket { from, to, links }
    });
    let domains = domain_reports(&reports, ctx);
    summary.referring_domains = domains.len();
    let domain_candidates = domain_only::reports(domain_candidates, &reports);
    summary.domain_only = domain_candidates
        .iter()
        .filter(|d| d.pages_audited == 0)
        .count();

    let collapsed = profile::collapsed(&reports);
    let profile_flags = profile::anchor_findings(&collapsed, &ctx.settings);
    let health_components = profile::health(&collapsed, &profile_flags);
    summary.health_score = (!collapsed.is_empty()).then(|| profile::total(&health_components));
    summary.diversity = profile::diversity(&collapsed, &domains, &ctx.dns);
    summary.authority_distribution = profile::authority_distribution(&domains);
    Audit {
        schema_version: SCHEMA_VERSION,
        tool: ToolInfo {
            name: "backlinks",
            version: env!("CARGO_PKG_VERSION"),
            scoring_version: SCORING_VERSION,
            config: ctx.config.clone(),
        },
        target: target.domain.clone(),
        generated_at,
        summary,
        // Filled in by the trust stage once the audit is compared (crate::trust).
        warnings: Vec::new(),
        anchor_mix,
        placement_mix,
        pages: reports,
        domains,
        domain_candidates,
        profile: ProfileReport {
            flags: profile_flags,
            health_components,
            not_evaluated,
        },
        // Filled in later by the audit command (compare and gate run after scoring).
        comparison: None,
        gate: None,
        actions: Default::default(),
        mentions: Vec::new(),
    }
}

fn page_report(
    target: &Target,
    c: Candidate,
    v: PageVerdict,
    network_flags: Vec<Flag>,
    ctx: &ScoringContext,
) -> PageReport {
    let sources = c.sources();
    let host = c.url.host_str().unwrap_or(&c.domain).to_string();
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
        language: None,
        flags: Vec::new(),
        links: Vec::new(),
        rendered: false,
        cached_at: None,
    };
    match v.outcome {
        VerdictOutcome::Analyzed(analysis) => {
            report.title = analysis.signals.title.clone();
            report.language = analysis.signals.language.clone();
            let domain_flags = domain_flags(&host, &ctx.settings);
            report.flags = page_flags(&host, &analysis.signals, ctx);
            report.flags.extend(network_flags);
            let PageAnalysis { signals, links } = analysis;
            if links.is_empty() {
                report.status = PageStatus::Lost;
                let status = report.http_status.unwrap_or(200);
                report.flags.extend(ctx.settings.flag(
                    &rules::LINK_LOST,
                    &host,
                    format!(
                        "page answered {status} but has no link to {}",
                        target.domain
                    ),
                ));
                if !signals.redirected_links.is_empty() {
                    report.flags.extend(ctx.settings.flag(
                        &rules::REDIRECTED_THROUGH,
                        &host,
                        format!(
                            "links to {} only through {}",
                            target.domain,
                            signals.redirected_links.join(", ")
                        ),
                    ));
                }
            } else {
                report.status = PageStatus::Live;
                let inherited: Vec<Flag> = domain_flags
                    .into_iter()
                    .chain(report.flags.iter().cloned())
                    .collect();
                let metrics: Vec<_> = report
                    .provenance
                    .iter()
                    .map(|p| &p.claims.metrics)
                    .collect();
                let authority = authority::page_authority(
                    metrics.iter().copied(),
                    &host,
                    ctx.ranks.as_ref(),
                    &signals,
                );
                let page = PageContext {
                    target,
                    host: &host,
                    signals: &signals,
                    inherited: &inherited,
                    authority: &authority,
                    relevance: ctx
                        .profile
                        .as_ref()
                        .map(|p| p.page_relevance(&signals.terms)),
                    ctx,
                };
                report.links = links
                    .into_iter()
                    .enumerate()
                    .map(|(i, l)| link_report(&page, l, signals.link_terms.get(i)))
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
fn domain_flags(host: &str, settings: &ScoringSettings) -> Vec<Flag> {
    let mut flags = Vec::new();
    let tld = crate::model::host::tld(host);
    if spam_tlds().contains(tld) {
        flags.extend(settings.flag(&rules::SPAM_TLD, host, format!("top-level domain .{tld}")));
    }
    if settings.denied(host) {
        flags.extend(settings.flag(
            &rules::DENIED_DOMAIN,
            host,
            format!("{host} is listed in [domains] deny"),
        ));
    }
    if settings.allowed(host) {
        flags.extend(settings.flag(
            &rules::ALLOWED_DOMAIN,
            host,
            format!("{host} is listed in [domains] allow"),
        ));
    }
    flags
}

/// Flags that belong to the page (apply to every link on it).
fn page_flags(host: &str, s: &PageSignals, ctx: &ScoringContext) -> Vec<Flag> {
    let st = &ctx.settings;
    let mut flags = Vec::new();
    let mut raise = |rule: &Rule, evidence: String| flags.extend(st.flag(rule, host, evidence));
    if s.noindex() {
        let src = if s.meta_robots.iter().any(|d| d == "noindex" || d == "none") {
            "<meta name=robots>"
        } else {
            "X-Robots-Tag header"
        };
        raise(&rules::NOINDEX_PAGE, format!("{src} says noindex"));
    }
    if let Some(ev) = s.nofollow_evidence() {
        raise(&rules::PAGE_NOFOLLOW, ev);
    }
    if let Some(c) = &s.canonical_elsewhere {
        raise(&rules::CANONICAL_ELSEWHERE, format!("canonical URL is {c}"));
    }
    let farm = |k| st.threshold(&rules::LINK_FARM, k);
    let words_per_link = s.text_words as f64 / s.external_links.max(1) as f64;
    if s.external_links as f64 > farm("min-external-links")
        && s.external_domains as f64 > farm("min-external-domains")
        && words_per_link < farm("max-words-per-link")
    {
        raise(
            &rules::LINK_FARM,
            format!(
                "{} external links to {} domains on the page, {words_per_link:.1} words of \
                 text per link",
                s.external_links, s.external_domains
            ),
        );
    }
    for (rule, terms) in [
        (&rules::ADULT_CONTENT, &s.adult_terms),
        (&rules::GAMBLING_CONTENT, &s.gambling_terms),
        (&rules::PHARMA_CONTENT, &s.pharma_terms),
    ] {
        if terms.len() as f64 >= st.threshold(rule, "min-terms") {
            raise(rule, format!("page uses {}", quoted(terms)));
        }
    }
    if let (Some(page), Some(target)) = (
        s.language.as_deref(),
        ctx.profile.as_ref().and_then(|p| p.language.as_deref()),
    ) && page != target
        && s.text_words as f64 >= st.threshold(&rules::FOREIGN_LANGUAGE, "min-words")
    {
        raise(
            &rules::FOREIGN_LANGUAGE,
            format!(
                "page is in {} ({page}), the target in {} ({target})",
                language_name(page),
                language_name(target)
            ),
        );
    }
    flags
}

fn quoted(terms: &[String]) -> String {
    terms
        .iter()
        .map(|t| format!("\"{t}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

fn language_name(code: &str) -> &'static str {
    whatlang::Lang::from_code(code).map_or("an unknown language", |l| l.eng_name())
}

/// What every link of one page shares.
struct PageContext<'a> {
    target: &'a Target,
    host: &'a str,
    signals: &'a PageSignals,
    inherited: &'a [Flag],
    authority: &'a Authority,
    /// The page's relevance, which its links combine with their paragraphs'.
    relevance: Option<relevance::Relevance>,
    ctx: &'a ScoringContext,
}

fn link_report(
    page: &PageContext<'_>,
    l: LinkObservation,
    paragraph: Option<&TermVector>,
) -> LinkReport {
    let PageContext {
        target,
        host,
        signals,
        ctx,
        ..
    } = *page;
    let st = &ctx.settings;
    let anchor_type = anchors::classify(&l.anchor_text, l.is_image, target);
    let alt_anchor_type = l
        .is_image
        .then(|| anchors::classify(&l.anchor_text, false, target));
    let money = alt_anchor_type.unwrap_or(anchor_type);
    let has = |t: &str| l.rel.iter().any(|r| r == t);
    let page_nofollow = signals.nofollow();
    let dofollow = !(has("nofollow") || has("ugc") || has("sponsored") || page_nofollow);
    let relevance = ctx
        .profile
        .as_ref()
        .zip(page.relevance.as_ref())
        .map(|(p, r)| p.with_paragraph(r, paragraph));

    let mut components = Vec::new();
    let a = page.authority;
    components.push(quality(
        "authority",
        f64::from(a.value) / 100.0,
        W_AUTHORITY,
        a.detail.clone(),
    ));
    let (relv, relreason) = match &relevance {
        Some(r) => (
            f64::from(r.value) / 100.0,
            format!(
                "relevance {}: page {}{}{}",
                r.value,
                r.page,
                r.paragraph
                    .map(|p| format!(", paragraph {p}"))
                    .unwrap_or_default(),
                if r.shared.is_empty() {
                    "; no shared terms".to_string()
                } else {
                    format!("; shared terms: {}", r.shared.join(", "))
                }
            ),
        ),
        None => (
            UNKNOWN_RELEVANCE,
            "relevance unknown (no target profile: target pages not read and no --topic); \
             counted as neutral"
                .to_string(),
        ),
    };
    components.push(quality("relevance", relv, W_RELEVANCE, relreason));
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

    let mut flags: Vec<Flag> = page.inherited.to_vec();
    let mut raise = |rule: &Rule, evidence: String| flags.extend(st.flag(rule, host, evidence));
    if let Some(why) = &l.hidden {
        raise(&rules::HIDDEN_LINK, why.clone());
    }
    let partial_counts = st.threshold(&rules::COMMENT_SPAM, "partial-match") >= 1.0;
    if l.placement == Placement::Comments
        && (money == AnchorType::ExactMatch
            || (partial_counts && money == AnchorType::PartialMatch))
    {
        raise(
            &rules::COMMENT_SPAM,
            format!(
                "{} anchor \"{}\" in comments",
                money.as_str(),
                l.anchor_text
            ),
        );
    }
    if money == AnchorType::ExactMatch
        && f64::from(a.value) < st.threshold(&rules::EXACT_MATCH_LOW_AUTHORITY, "below-authority")
    {
        raise(
            &rules::EXACT_MATCH_LOW_AUTHORITY,
            format!(
                "exact-match anchor \"{}\" on a page with authority {} ({})",
                l.anchor_text, a.value, a.source
            ),
        );
    }
    if let Some(r) = &relevance
        && f64::from(r.value) < st.threshold(&rules::IRRELEVANT_TOPIC, "below-relevance")
        && signals.text_words as f64 >= st.threshold(&rules::IRRELEVANT_TOPIC, "min-words")
    {
        raise(
            &rules::IRRELEVANT_TOPIC,
            format!(
                "relevance {} (page {}{}) to a profile about {}",
                r.value,
                r.page,
                r.paragraph
                    .map(|p| format!(", paragraph {p}"))
                    .unwrap_or_default(),
                ctx.profile
                    .as_ref()
                    .map(|p| p.top_terms(5).join(", "))
                    .unwrap_or_default()
            ),
        );
    }
    if dofollow {
        let paid_params = paid_parameters(&l.href);
        if !signals.paid_terms.is_empty() || !paid_params.is_empty() {
            let mut signs = Vec::new();
            if !signals.paid_terms.is_empty() {
                signs.push(format!("page says {}", quoted(&signals.paid_terms)));
            }
            if !paid_params.is_empty() {
                signs.push(format!("link has {}", paid_params.join(", ")));
            }
            raise(
                &rules::PAID_WITHOUT_SPONSORED,
                format!("{}; no rel=sponsored or nofollow", signs.join("; ")),
            );
        }
    }
    flags.sort();
    flags.dedup();
    LinkReport {
        target_url: l.href,
        anchor_text: l.anchor_text,
        anchor_type,
        alt_anchor_type,
        rel: l.rel,
        placement: l.placement,
        evidence: l.evidence,
        context: l.context,
        authority: Some(a.value),
        authority_source: Some(a.source),
        relevance: relevance.map(|r| r.value),
        quality: q.round().clamp(0.0, 100.0) as u8,
        toxicity: 0,
        dofollow,
        components,
        flags,
        found: crate::model::Found::Served,
    }
}

/// Query parameters of a link that mark affiliate or paid traffic.
fn paid_parameters(href: &str) -> Vec<String> {
    let Ok(url) = url::Url::parse(href) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (k, v) in url.query_pairs() {
        let k = k.to_ascii_lowercase();
        let v = v.to_ascii_lowercase();
        let paid_key = matches!(
            k.as_str(),
            "aff" | "aff_id" | "affid" | "affiliate" | "affiliate_id" | "aff_sub" | "partner_id"
        );
        let paid_medium = k == "utm_medium"
            && matches!(
                v.as_str(),
                "affiliate" | "paid" | "cpc" | "sponsored" | "ppc" | "paid_social"
            );
        if paid_key || paid_medium {
            out.push(format!("{k}={v}"));
        }
    }
    out
}

/// Toxicity: the points of every distinct rule among the link's flags, capped at 100.
fn score_toxicity(l: &mut LinkReport, settings: &ScoringSettings) {
    let mut seen = HashSet::new();
    let mut total: u32 = 0;
    for f in &l.flags {
        let points = settings.points(f.code);
        if points == 0 || !seen.insert(f.code) {
            continue;
        }
        total += u32::from(points);
        l.components.push(ScoreComponent {
            score: "toxicity",
            name: f.code,
            value: 1.0,
            weight: f64::from(points),
            reason: f.evidence.clone(),
        });
    }
    l.toxicity = total.min(100) as u8;
}

/// A link with a deny-level finding (on itself or its page) is one to remove or disavow: its
/// quality drops to 0, so that it never out-scores a clean link. The drop is a component of
/// its own (minus the points it had), so the components still add up to the score.
fn cap_denied_quality(l: &mut LinkReport, page_deny: Option<&'static str>) {
    let Some(code) = l
        .flags
        .iter()
        .find(|f| f.severity == Severity::Deny)
        .map(|f| f.code)
        .or(page_deny)
    else {
        return;
    };
    if l.quality == 0 {
        return;
    }
    l.components.push(ScoreComponent {
        score: "quality",
        name: "deny-finding",
        value: 1.0,
        weight: -f64::from(l.quality),
        reason: format!("deny-level finding {code}: a link to remove or disavow is worth nothing"),
    });
    l.quality = 0;
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

fn domain_reports(pages: &[PageReport], ctx: &ScoringContext) -> Vec<DomainReport> {
    let mut by_domain: BTreeMap<&str, Vec<&PageReport>> = BTreeMap::new();
    for p in pages {
        by_domain.entry(&p.source_domain).or_default().push(p);
    }
    by_domain
        .into_iter()
        .map(|(domain, pages)| {
            // Each finding counts once per page it applies to, however many of the page's
            // links (or the page itself) carry it.
            let mut by_code: BTreeMap<&'static str, (Severity, String, HashSet<usize>)> =
                BTreeMap::new();
            for (i, p) in pages.iter().enumerate() {
                for f in p.flags.iter().chain(p.links.iter().flat_map(|l| &l.flags)) {
                    let e = by_code.entry(f.code).or_insert((
                        f.severity,
                        f.evidence.clone(),
                        HashSet::new(),
                    ));
                    e.0 = e.0.max(f.severity);
                    e.2.insert(i);
                }
            }
            let flags = by_code
                .into_iter()
                .map(|(code, (severity, evidence, on))| Flag {
                    code,
                    severity,
                    evidence: if on.len() > 1 {
                        format!("{evidence} (on {} pages)", on.len())
                    } else {
                        evidence
                    },
                })
                .collect();
            let links = pages.iter().flat_map(|p| &p.links);
            let host = crate::model::host::of_url(&pages[0].source_url).unwrap_or_default();
            let metrics = pages
                .iter()
                .flat_map(|p| p.provenance.iter().map(|v| &v.claims.metrics));
            let (authority, authority_source) =
                match authority::domain_authority(metrics, &host, ctx.ranks.as_ref()) {
                    Some(a) => (Some(a.value), Some(a.source)),
                    None => links
                        .clone()
                        .filter_map(|l| Some((l.authority?, l.authority_source)))
                        .max_by_key(|(a, _)| *a)
                        .map_or((None, None), |(a, s)| (Some(a), s)),
                };
            DomainReport {
                domain: domain.to_string(),
                pages: pages.len(),
                links: links.clone().count(),
                authority,
                authority_source,
                toxicity: links.clone().map(|l| l.toxicity).max().unwrap_or(0),
                quality: links.clone().map(|l| l.quality).max().unwrap_or(0),
                sitewide_links: links
                    .filter(|l| l.has_flag(rules::SITEWIDE_LINK.code))
                    .count(),
                ip: ctx.dns.address(domain).map(|ip| ip.to_string()),
                flags,
            }
        })
        .collect()
}
