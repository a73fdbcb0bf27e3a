//! Which referring pages and domains to disavow, and why. The input is a compact view of an
//! audit's findings ([`PageFindings`], from a fresh [`Audit`] or from the history store); the
//! output is a list of entries, each with the comment that explains it.
//!
//! A page is a candidate when it is live with a followed link (one that passes authority) of
//! toxicity ≥ the threshold, or when its removal was requested twice without effect.
//! Granularity `auto` writes `domain:` for problems of the whole site — a domain-level finding
//! (spam TLD, denied domain), or every live linking page of the domain toxic (two or more) —
//! and the page URLs otherwise. Domains on the keep list are never disavowed.

use super::Entry;
use crate::model::host;
use crate::model::{Audit, ContactRoute, OutreachItem, OutreachStatus, PageStatus, Severity};
use crate::score::rules::{self, Scope};
use std::collections::{BTreeMap, BTreeSet};

/// A finding on a page, by code.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Reason {
    /// The rule's code.
    pub code: String,
    /// Its level.
    pub severity: Severity,
}

/// What the disavow planner and the worklist need to know about one referring page.
#[derive(Debug, Clone, PartialEq)]
pub struct PageFindings {
    /// The page as listed (normalised).
    pub source_url: String,
    /// Where it ended after redirects, when that differs.
    pub final_url: Option<String>,
    /// Its registrable domain.
    pub source_domain: String,
    /// Its status.
    pub status: PageStatus,
    /// Highest toxicity of its links that pass authority (0 without any). Links marked
    /// nofollow, ugc or sponsored (or on a nofollow page) are left out: Google does not count
    /// them, so there is nothing to ask to remove or to disavow.
    pub toxicity: u8,
    /// Its links to the target.
    pub links: usize,
    /// Authority of its domain, when known.
    pub authority: Option<u8>,
    /// Distinct warn- and deny-level findings of the page and its links, sorted.
    pub reasons: Vec<Reason>,
    /// Contact routes found on it.
    pub contacts: Vec<ContactRoute>,
}

impl PageFindings {
    /// The view of every page of an audit.
    pub fn from_audit(audit: &Audit) -> Vec<PageFindings> {
        let authority: BTreeMap<&str, Option<u8>> = audit
            .domains
            .iter()
            .map(|d| (d.domain.as_str(), d.authority))
            .collect();
        audit
            .pages
            .iter()
            .map(|p| {
                let mut reasons: Vec<Reason> = p
                    .flags
                    .iter()
                    .chain(p.links.iter().flat_map(|l| &l.flags))
                    .filter(|f| f.severity >= Severity::Warn)
                    .map(|f| Reason {
                        code: f.code.to_string(),
                        severity: f.severity,
                    })
                    .collect();
                reasons.sort();
                reasons.dedup();
                PageFindings {
                    source_url: p.source_url.clone(),
                    final_url: p.final_url.clone().filter(|f| *f != p.source_url),
                    source_domain: p.source_domain.clone(),
                    status: p.status,
                    toxicity: p
                        .links
                        .iter()
                        .filter(|l| l.dofollow)
                        .map(|l| l.toxicity)
                        .max()
                        .unwrap_or(0),
                    links: p.links.len(),
                    authority: p
                        .links
                        .iter()
                        .filter_map(|l| l.authority)
                        .max()
                        .or_else(|| authority.get(p.source_domain.as_str()).copied().flatten()),
                    reasons,
                    contacts: Vec::new(),
                }
            })
            .collect()
    }

    /// The host of the page.
    pub fn host(&self) -> String {
        host::of_url(&self.source_url).unwrap_or_else(|| self.source_domain.clone())
    }

    /// Whether the page's host is on the keep list.
    pub fn kept(&self, keep: &[String]) -> bool {
        let host = self.host();
        keep.iter().any(|k| host::is_within(&host, k))
    }

    /// Whether a finding of the page concerns its whole site (a domain-level rule: spam TLD,
    /// denied domain). Network findings do not count alone: shared hosting or a shared
    /// analytics account also happens to honest sites, so they leave the choice to the pages.
    fn site_problem(&self) -> Option<&str> {
        self.reasons
            .iter()
            .map(|r| r.code.as_str())
            .find(|c| rules::find(c).is_some_and(|r| r.scope == Scope::Domain))
    }
}

/// `domain:` or URL entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Granularity {
    /// `domain:` for problems of the whole site, page URLs otherwise.
    #[default]
    Auto,
    /// Always `domain:`.
    Domain,
    /// Always page URLs.
    Url,
}

impl Granularity {
    /// Parses the `[disavow] granularity` value.
    pub fn parse(s: &str) -> Option<Granularity> {
        match s {
            "auto" => Some(Granularity::Auto),
            "domain" => Some(Granularity::Domain),
            "url" => Some(Granularity::Url),
            _ => None,
        }
    }
}

/// How to plan.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Links at or above this toxicity are candidates.
    pub threshold: u8,
    /// `domain:` or URL entries.
    pub granularity: Granularity,
    /// Domains never to disavow.
    pub keep: Vec<String>,
    /// Only disavow what was asked for removal twice without effect.
    pub outreach_first: bool,
    /// When the audit finished (RFC 3339), for the comments.
    pub audited_at: String,
}

/// One planned entry with its explanation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    /// The entries (a domain, or a page's URL and where it redirected).
    pub entries: Vec<Entry>,
    /// Why, one line.
    pub comment: String,
}

/// The planner's result.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// Domain entries first, then URL entries, each sorted.
    pub planned: Vec<Planned>,
    /// Hosts of candidate pages (before `outreach_first` leaves any out): what an existing
    /// entry may still rightly cover.
    pub toxic_urls: BTreeSet<String>,
    /// Every page URL of the audit, and every host.
    pub audited_urls: BTreeSet<String>,
    /// Hosts of every audited page.
    pub audited_hosts: BTreeSet<String>,
    /// Candidate pages on keep-listed domains (never disavowed).
    pub kept: Vec<String>,
    /// Candidate pages left out because their removal was not requested twice yet.
    pub waiting: Vec<String>,
    /// Candidate URLs longer than Google accepts ([`super::MAX_URL_CHARS`]), left out of the
    /// file: a URL entry cannot hold them (a `domain:` entry can cover their site).
    pub too_long: Vec<String>,
    /// Every name a `domain:` entry covering a toxic URL's host could have (the hosts and
    /// their parents), so that [`Plan::backing`] is a lookup.
    toxic_names: BTreeSet<String>,
    /// The same for every audited host.
    audited_names: BTreeSet<String>,
}

/// Whether an existing entry is still backed by the audit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backing {
    /// A candidate page is covered by it.
    Toxic,
    /// The audit saw what it covers and found nothing to disavow.
    NotToxic,
    /// Nothing it covers was audited: the user's own judgement.
    NotAudited,
}

impl Plan {
    /// All planned entries.
    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.planned.iter().flat_map(|p| &p.entries)
    }

    /// Whether the audit backs `entry`.
    pub fn backing(&self, entry: &Entry) -> Backing {
        let toxic = match entry {
            Entry::Url(u) => self.toxic_urls.contains(u),
            Entry::Domain(d) => self.toxic_names.contains(d),
        };
        if toxic {
            return Backing::Toxic;
        }
        let audited = match entry {
            Entry::Url(u) => self.audited_urls.contains(u),
            Entry::Domain(d) => self.audited_names.contains(d),
        };
        if audited {
            Backing::NotToxic
        } else {
            Backing::NotAudited
        }
    }
}

/// Plans the entries for `pages` with the worklist `outreach` (for request history).
pub fn plan(pages: &[PageFindings], outreach: &[OutreachItem], opts: &Options) -> Plan {
    let exhausted: BTreeMap<&str, &OutreachItem> = outreach
        .iter()
        .filter(|o| o.status == OutreachStatus::Disavow)
        .map(|o| (o.source_url.as_str(), o))
        .collect();
    let mut out = Plan::default();
    let mut live_by_domain: BTreeMap<&str, usize> = BTreeMap::new();
    let mut candidates: BTreeMap<&str, Vec<&PageFindings>> = BTreeMap::new();
    for p in pages {
        out.audited_urls.insert(p.source_url.clone());
        out.audited_urls.extend(p.final_url.clone());
        out.audited_hosts.insert(p.host());
        if p.status != PageStatus::Live {
            continue;
        }
        *live_by_domain.entry(&p.source_domain).or_default() += 1;
        let asked_twice = exhausted.contains_key(p.source_url.as_str());
        if p.toxicity < opts.threshold && !asked_twice {
            continue;
        }
        if p.kept(&opts.keep) {
            out.kept.push(p.source_url.clone());
            continue;
        }
        out.toxic_urls.insert(p.source_url.clone());
        out.toxic_urls.extend(p.final_url.clone());
        if opts.outreach_first && !asked_twice {
            out.waiting.push(p.source_url.clone());
            continue;
        }
        candidates.entry(&p.source_domain).or_default().push(p);
    }
    let date = opts.audited_at.get(..10).unwrap_or(&opts.audited_at);
    let mut domains = Vec::new();
    let mut urls = Vec::new();
    for (domain, list) in candidates {
        let live = live_by_domain.get(domain).copied().unwrap_or(0);
        let site = list.iter().find_map(|p| p.site_problem());
        let whole_site = list.len() >= 2 && list.len() == live;
        let as_domain = match opts.granularity {
            Granularity::Domain => true,
            Granularity::Url => false,
            Granularity::Auto => site.is_some() || whole_site,
        };
        if as_domain {
            let codes = codes(list.iter().copied());
            let max = list.iter().map(|p| p.toxicity).max().unwrap_or(0);
            let mut why = format!(
                "{domain}: {codes}; toxicity up to {max}; {} of {live} linking page{} toxic",
                list.len(),
                if live == 1 { "" } else { "s" }
            );
            if let Some(code) = site {
                why.push_str(&format!("; {code} concerns the whole site"));
            }
            why.push_str(&outreach_note(list.iter().copied(), &exhausted));
            why.push_str(&format!("; audit {date}"));
            domains.push(Planned {
                entries: vec![Entry::Domain(domain.to_string())],
                comment: why,
            });
        } else {
            for p in list {
                let mut why = format!("{}; toxicity {}", codes(std::iter::once(p)), p.toxicity);
                why.push_str(&outreach_note(std::iter::once(p), &exhausted));
                why.push_str(&format!("; audit {date}"));
                let mut entries = vec![Entry::Url(p.source_url.clone())];
                entries.extend(p.final_url.clone().map(Entry::Url));
                entries.retain(|e| match e {
                    Entry::Url(u) if u.chars().count() > super::MAX_URL_CHARS => {
                        out.too_long.push(u.clone());
                        false
                    }
                    _ => true,
                });
                if entries.is_empty() {
                    continue;
                }
                urls.push(Planned {
                    entries,
                    comment: why,
                });
            }
        }
    }
    urls.sort_by(|a, b| a.entries.cmp(&b.entries));
    out.planned = domains;
    out.planned.extend(urls);
    let names = |hosts: &mut dyn Iterator<Item = String>| -> BTreeSet<String> {
        let mut set = BTreeSet::new();
        for h in hosts {
            set.extend(super::covering_names(&h).map(str::to_string));
        }
        set
    };
    out.toxic_names = names(&mut out.toxic_urls.iter().filter_map(|u| host::of_url(u)));
    out.audited_names = names(&mut out.audited_hosts.iter().cloned());
    out
}

/// The distinct finding codes of some pages, or a note when there are none (a page asked for
/// removal by the user's own judgement).
fn codes<'a>(pages: impl Iterator<Item = &'a PageFindings>) -> String {
    let set: BTreeSet<&str> = pages
        .flat_map(|p| p.reasons.iter().map(|r| r.code.as_str()))
        .collect();
    if set.is_empty() {
        "no finding of warn level or above".to_string()
    } else {
        set.into_iter().collect::<Vec<_>>().join(", ")
    }
}

fn outreach_note<'a>(
    pages: impl Iterator<Item = &'a PageFindings>,
    exhausted: &BTreeMap<&str, &OutreachItem>,
) -> String {
    let dates: BTreeSet<&str> = pages
        .filter_map(|p| exhausted.get(p.source_url.as_str()))
        .flat_map(|o| o.requests.iter().map(|d| d.get(..10).unwrap_or(d)))
        .collect();
    if dates.is_empty() {
        String::new()
    } else {
        format!(
            "; removal requested {} without effect",
            dates.into_iter().collect::<Vec<_>>().join(", ")
        )
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn page(
        url: &str,
        status: PageStatus,
        toxicity: u8,
        codes: &[&str],
    ) -> PageFindings {
        let domain = crate::model::registrable_domain(&host::of_url(url).unwrap());
        PageFindings {
            source_url: url.into(),
            final_url: None,
            source_domain: domain,
            status,
            toxicity,
            links: usize::from(status == PageStatus::Live),
            authority: None,
            reasons: codes
                .iter()
                .map(|c| Reason {
                    code: c.to_string(),
                    severity: Severity::Warn,
                })
                .collect(),
            contacts: Vec::new(),
        }
    }

    fn opts() -> Options {
        Options {
            threshold: 50,
            keep: vec!["partner.test".into()],
            audited_at: "2026-02-01T00:00:00Z".into(),
            ..Options::default()
        }
    }

    fn shown(p: &Plan) -> Vec<String> {
        p.entries().map(ToString::to_string).collect()
    }

    #[test]
    fn domain_for_site_problems_urls_otherwise() {
        let pages = [
            page("https://cheap.click/a", PageStatus::Live, 60, &["spam-tld"]),
            page(
                "https://blog.test/1",
                PageStatus::Live,
                60,
                &["hidden-link"],
            ),
            page("https://blog.test/2", PageStatus::Live, 0, &[]),
            page("https://farm.test/1", PageStatus::Live, 70, &["link-farm"]),
            page("https://farm.test/2", PageStatus::Live, 70, &["link-farm"]),
            page(
                "https://www.partner.test/1",
                PageStatus::Live,
                90,
                &["hidden-link"],
            ),
            page("https://gone.test/1", PageStatus::Lost, 0, &[]),
        ];
        let p = plan(&pages, &[], &opts());
        assert_eq!(
            shown(&p),
            [
                "domain:cheap.click",
                "domain:farm.test",
                "https://blog.test/1"
            ]
        );
        assert_eq!(p.kept, ["https://www.partner.test/1"]);
        assert!(
            p.planned[0]
                .comment
                .contains("spam-tld concerns the whole site")
        );
        assert!(p.planned[1].comment.contains("2 of 2 linking pages toxic"));
        assert_eq!(
            p.backing(&Entry::Url("https://blog.test/2".into())),
            Backing::NotToxic
        );
        assert_eq!(
            p.backing(&Entry::Domain("gone.test".into())),
            Backing::NotToxic
        );
        assert_eq!(
            p.backing(&Entry::Domain("other.test".into())),
            Backing::NotAudited
        );
        assert_eq!(
            p.backing(&Entry::Domain("blog.test".into())),
            Backing::Toxic
        );

        let url = plan(
            &pages,
            &[],
            &Options {
                granularity: Granularity::Url,
                ..opts()
            },
        );
        assert_eq!(shown(&url).len(), 4);
        let dom = plan(
            &pages,
            &[],
            &Options {
                granularity: Granularity::Domain,
                ..opts()
            },
        );
        assert_eq!(
            shown(&dom),
            ["domain:blog.test", "domain:cheap.click", "domain:farm.test"]
        );
    }

    #[test]
    fn outreach_first_waits_for_two_requests() {
        let pages = [
            page("https://a.test/1", PageStatus::Live, 60, &["hidden-link"]),
            page("https://b.test/1", PageStatus::Live, 20, &[]),
        ];
        let done = OutreachItem {
            source_url: "https://b.test/1".into(),
            source_domain: "b.test".into(),
            toxicity: 20,
            authority: None,
            links: 1,
            reasons: vec![],
            contacts: vec![],
            requests: vec!["2026-01-01T00:00:00Z".into(), "2026-01-15T00:00:00Z".into()],
            status: OutreachStatus::Disavow,
            competitors: vec![],
            opportunity_score: None,
        };
        let p = plan(
            &pages,
            std::slice::from_ref(&done),
            &Options {
                outreach_first: true,
                ..opts()
            },
        );
        assert_eq!(shown(&p), ["https://b.test/1"]);
        assert_eq!(p.waiting, ["https://a.test/1"]);
        assert!(
            p.planned[0]
                .comment
                .contains("removal requested 2026-01-01, 2026-01-15 without effect"),
            "{}",
            p.planned[0].comment
        );
    }
}
