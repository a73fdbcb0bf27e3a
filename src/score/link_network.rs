//! Rules that look at several referring domains together: shared IP blocks
//! (`link-network-ip`), shared analytics IDs (`link-network-analytics`), near-identical pages
//! (`mirror-pages`) and shared titles (`same-title-network`). Each finding is a page-level flag
//! on every page involved, naming the other domains as evidence.
//!
//! Only live pages (analysed, with links to the target) take part: a network matters for the
//! links it gives.

use super::rule_settings::ScoringSettings;
use super::rules::{self, Rule};
use crate::model::{Candidate, Flag, NotEvaluated, PageSignals, PageVerdict, VerdictOutcome};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::net::IpAddr;

/// DNS answers for the referring domains of a run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Dns {
    /// No resolution was done, for this reason (archive audits have no DNS).
    #[default]
    NotResolved,
    /// Skipped on purpose, with the reason reported in the audit.
    Skipped(String),
    /// Addresses per registrable domain (a domain that did not resolve is absent).
    Resolved(BTreeMap<String, Vec<IpAddr>>),
}

impl Dns {
    /// The address a domain is judged by: its first IPv4 address, else its first address.
    pub fn address(&self, domain: &str) -> Option<IpAddr> {
        match self {
            Dns::Resolved(map) => {
                let addrs = map.get(domain)?;
                addrs
                    .iter()
                    .find(|a| a.is_ipv4())
                    .or_else(|| addrs.first())
                    .copied()
            }
            _ => None,
        }
    }
}

/// The CDN and hosting-platform ranges of `data/shared-hosting.txt`, parsed once.
fn shared_hosting() -> &'static [(ipnet::IpNet, &'static str)] {
    static LIST: std::sync::OnceLock<Vec<(ipnet::IpNet, &'static str)>> =
        std::sync::OnceLock::new();
    LIST.get_or_init(|| {
        super::anchors::data_lines(include_str!("data/shared-hosting.txt"))
            .map(|line| {
                let (cidr, provider) = line.split_once(' ').unwrap_or((line, ""));
                // The list is embedded and checked by a test: a bad line is a build defect.
                let net = cidr.parse().expect("shared-hosting.txt: invalid CIDR");
                (net, provider.trim())
            })
            .collect()
    })
}

/// The CDN or hosting platform whose shared range holds `ip`, if any: its sites share
/// addresses without being one owner's network.
pub fn shared_host(ip: IpAddr) -> Option<&'static str> {
    shared_hosting()
        .iter()
        .find(|(net, _)| net.contains(&ip))
        .map(|(_, provider)| *provider)
}

/// The IP block of an address: /24 for IPv4, /48 for IPv6.
pub fn ip_block(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            format!("{a}.{b}.{c}.0/24")
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}::/48", s[0], s[1], s[2])
        }
    }
}

struct Live<'a> {
    index: usize,
    domain: &'a str,
    host: &'a str,
    url: &'a str,
    signals: &'a PageSignals,
}

/// Page-level network flags, one list per page of `pages` (same order), and the network rules
/// that could not be evaluated.
pub fn findings(
    pages: &[(Candidate, PageVerdict)],
    settings: &ScoringSettings,
    dns: &Dns,
) -> (Vec<Vec<Flag>>, Vec<NotEvaluated>) {
    let mut flags: Vec<Vec<Flag>> = vec![Vec::new(); pages.len()];
    let mut not_evaluated = Vec::new();
    let live: Vec<Live<'_>> = pages
        .iter()
        .enumerate()
        .filter_map(|(index, (c, v))| match &v.outcome {
            VerdictOutcome::Analyzed(a) if !a.links.is_empty() => Some(Live {
                index,
                domain: &c.domain,
                host: c.url.host_str().unwrap_or(&c.domain),
                url: c.url.as_str(),
                signals: &a.signals,
            }),
            _ => None,
        })
        .collect();
    let mut emit = |page: &Live<'_>, rule: &Rule, evidence: String| {
        if let Some(f) = settings.flag(rule, page.host, evidence) {
            flags[page.index].push(f);
        }
    };

    if settings.enabled(&rules::LINK_NETWORK_IP) {
        match dns {
            Dns::Resolved(_) => {
                let min = settings.threshold(&rules::LINK_NETWORK_IP, "min-domains") as usize;
                let mut blocks: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
                let mut shared: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
                for p in &live {
                    if let Some(ip) = dns.address(p.domain) {
                        match shared_host(ip) {
                            Some(provider) => {
                                shared.entry(provider).or_default().insert(p.domain);
                            }
                            None => {
                                blocks.entry(ip_block(ip)).or_default().insert(p.domain);
                            }
                        }
                    }
                }
                if !shared.is_empty() {
                    let n: usize = shared.values().map(BTreeSet::len).sum();
                    let by: Vec<String> = shared
                        .iter()
                        .map(|(provider, d)| format!("{provider} {}", d.len()))
                        .collect();
                    not_evaluated.push(NotEvaluated {
                        code: rules::LINK_NETWORK_IP.code,
                        reason: format!(
                            "{n} referring domain{} behind CDN or shared hosting ({}) not compared \
                             by IP block: such addresses serve many unrelated sites",
                            if n == 1 { "" } else { "s" },
                            by.join(", ")
                        ),
                    });
                }
                for p in &live {
                    let Some(ip) = dns
                        .address(p.domain)
                        .filter(|ip| shared_host(*ip).is_none())
                    else {
                        continue;
                    };
                    let block = ip_block(ip);
                    let domains = &blocks[&block];
                    if domains.len() >= min {
                        emit(
                            p,
                            &rules::LINK_NETWORK_IP,
                            format!(
                                "{} resolves to {ip}; {} referring domains on {block}: {} (not a \
                                 known CDN or shared-hosting range)",
                                p.domain,
                                domains.len(),
                                list(domains.iter().copied(), 6)
                            ),
                        );
                    }
                }
            }
            Dns::Skipped(reason) => not_evaluated.push(NotEvaluated {
                code: rules::LINK_NETWORK_IP.code,
                reason: reason.clone(),
            }),
            Dns::NotResolved => not_evaluated.push(NotEvaluated {
                code: rules::LINK_NETWORK_IP.code,
                reason: "referring domains were not resolved".into(),
            }),
        }
    }

    if settings.enabled(&rules::LINK_NETWORK_ANALYTICS) {
        let min = settings.threshold(&rules::LINK_NETWORK_ANALYTICS, "min-domains") as usize;
        let mut by_id: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for p in &live {
            for id in &p.signals.tracking_ids {
                by_id.entry(id).or_default().insert(p.domain);
            }
        }
        for p in &live {
            for id in &p.signals.tracking_ids {
                let domains = &by_id[id.as_str()];
                if domains.len() >= min {
                    let others = domains.iter().copied().filter(|d| *d != p.domain);
                    emit(
                        p,
                        &rules::LINK_NETWORK_ANALYTICS,
                        format!("{id} is also on {}", list(others, 6)),
                    );
                }
            }
        }
    }

    if settings.enabled(&rules::MIRROR_PAGES) {
        let max = settings.threshold(&rules::MIRROR_PAGES, "max-distance") as u32;
        let min_words = settings.threshold(&rules::MIRROR_PAGES, "min-words") as usize;
        // Pages are grouped by fingerprint before pairing: a site whose pages share one
        // template (or a mirror network of many domains with one text) is one group, not n²
        // pairs of pages. Within a group, copies on other domains are counted per domain.
        let mut groups: BTreeMap<u64, BTreeMap<&str, Vec<&str>>> = BTreeMap::new();
        for p in live.iter().filter(|p| p.signals.text_words >= min_words) {
            if let Some(h) = p.signals.simhash {
                groups
                    .entry(h)
                    .or_default()
                    .entry(p.domain)
                    .or_default()
                    .push(p.url);
            }
        }
        let prints: Vec<u64> = groups.keys().copied().collect();
        let totals: Vec<usize> = groups
            .values()
            .map(|g| g.values().map(Vec::len).sum())
            .collect();
        // For each fingerprint, the fingerprints within `max` bits (itself included).
        let mut near: Vec<Vec<usize>> = (0..prints.len()).map(|i| vec![i]).collect();
        for (a, b) in near_pairs(&prints, max) {
            near[a].push(b);
            near[b].push(a);
        }
        for p in &live {
            if p.signals.text_words < min_words {
                continue;
            }
            let Some(h) = p.signals.simhash else { continue };
            let Ok(own) = prints.binary_search(&h) else {
                continue;
            };
            let mut count = 0usize;
            let mut shown: Vec<(u32, &str)> = Vec::new();
            for &g in &near[own] {
                let d = (prints[g] ^ h).count_ones();
                let group = &groups[&prints[g]];
                count += totals[g] - group.get(p.domain).map_or(0, Vec::len);
                // Three examples are shown: a few first URLs of the other domains suffice.
                let others = group.iter().filter(|(domain, _)| **domain != p.domain);
                for (_, urls) in others.take(3) {
                    shown.extend(urls.iter().take(3).map(|u| (d, *u)));
                }
            }
            if count == 0 {
                continue;
            }
            shown.sort_unstable();
            let examples: Vec<String> = shown
                .iter()
                .take(3)
                .map(|(d, u)| format!("{u} (simhash distance {d})"))
                .collect();
            let more = count.saturating_sub(examples.len());
            emit(
                p,
                &rules::MIRROR_PAGES,
                format!(
                    "main text near-identical to {}{}",
                    examples.join(", "),
                    if more > 0 {
                        format!(" and {more} more")
                    } else {
                        String::new()
                    }
                ),
            );
        }
    }

    if settings.enabled(&rules::SAME_TITLE_NETWORK) {
        let min = settings.threshold(&rules::SAME_TITLE_NETWORK, "min-domains") as usize;
        let min_chars = settings.threshold(&rules::SAME_TITLE_NETWORK, "min-chars") as usize;
        let key = |p: &Live<'_>| {
            let t = p.signals.title.as_deref()?;
            let k = t
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase();
            (k.chars().count() >= min_chars).then_some(k)
        };
        let mut by_title: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
        for p in &live {
            if let Some(k) = key(p) {
                by_title.entry(k).or_default().insert(p.domain);
            }
        }
        for p in &live {
            if let Some(k) = key(p)
                && by_title[&k].len() >= min
            {
                let others = by_title[&k].iter().copied().filter(|d| *d != p.domain);
                emit(
                    p,
                    &rules::SAME_TITLE_NETWORK,
                    format!(
                        "title \"{}\" is also on {}",
                        p.signals.title.as_deref().unwrap_or_default(),
                        list(others, 6)
                    ),
                );
            }
        }
    }
    (flags, not_evaluated)
}

/// `a, b, c and 4 more`.
fn list<'a>(items: impl Iterator<Item = &'a str>, max: usize) -> String {
    let all: Vec<&str> = items.collect();
    let mut s = all.iter().take(max).copied().collect::<Vec<_>>().join(", ");
    if all.len() > max {
        s.push_str(&format!(" and {} more", all.len() - max));
    }
    s
}

/// Index pairs `(i, j)`, `i < j`, of fingerprints at most `max` bits apart. Pigeonhole: split
/// the 64 bits into `max + 1` bands; two fingerprints within `max` bits agree on at least one
/// band, so only fingerprints sharing a band are compared.
pub fn near_pairs(prints: &[u64], max: u32) -> Vec<(usize, usize)> {
    let bands = (max + 1).min(64) as usize;
    let mut seen: HashSet<(usize, usize)> = HashSet::new();
    let mut out = Vec::new();
    for band in 0..bands {
        let lo = band * 64 / bands;
        let hi = (band + 1) * 64 / bands;
        let mask = if hi - lo == 64 {
            u64::MAX
        } else {
            ((1u64 << (hi - lo)) - 1) << lo
        };
        let mut buckets: BTreeMap<u64, Vec<usize>> = BTreeMap::new();
        for (i, h) in prints.iter().enumerate() {
            buckets.entry(h & mask).or_default().push(i);
        }
        for members in buckets.values() {
            for (x, &i) in members.iter().enumerate() {
                for &j in &members[x + 1..] {
                    if (prints[i] ^ prints[j]).count_ones() <= max && seen.insert((i, j)) {
                        out.push((i, j));
                    }
                }
            }
        }
    }
    out.sort_unstable();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_pairs_finds_exactly_the_close_fingerprints() {
        let a = 0xdead_beef_0123_4567u64;
        let prints = [a, a ^ 0b101, a ^ (1 << 63) ^ (1 << 10) ^ (1 << 30) ^ 1, !a];
        assert_eq!(near_pairs(&prints, 3), [(0, 1)]);
        assert_eq!(near_pairs(&prints, 4), [(0, 1), (0, 2), (1, 2)]);
        assert_eq!(near_pairs(&prints, 0), []);
    }

    /// Live pages with one link each, `(url, simhash)`, enough words to count.
    fn pages(list: &[(&str, u64)]) -> Vec<(Candidate, PageVerdict)> {
        use crate::model::{LinkObservation, PageAnalysis, Placement};
        list.iter()
            .map(|(u, h)| {
                let url = url::Url::parse(u).unwrap();
                let candidate = Candidate {
                    domain: crate::model::registrable_domain(url.host_str().unwrap()),
                    url,
                    provenance: vec![],
                };
                let link = LinkObservation {
                    href: "https://example.com/".into(),
                    anchor_text: "Example".into(),
                    is_image: false,
                    rel: vec![],
                    placement: Placement::Content,
                    placement_confidence: 1000,
                    evidence: vec![],
                    context: String::new(),
                    hidden: None,
                    site: None,
                };
                let signals = PageSignals {
                    text_words: 500,
                    simhash: Some(*h),
                    ..PageSignals::default()
                };
                let verdict = PageVerdict {
                    final_url: None,
                    redirects: vec![],
                    http_status: Some(200),
                    outcome: VerdictOutcome::Analyzed(PageAnalysis {
                        signals,
                        links: vec![link],
                    }),
                };
                (candidate, verdict)
            })
            .collect()
    }

    #[test]
    fn mirror_pages_are_counted_across_domains_only() {
        let h = 0x0123_4567_89ab_cdefu64;
        // A site whose pages share one template is not a mirror of itself, however many
        // pages it has (and they are one group, not n² pairs).
        let mut list: Vec<(String, u64)> = (0..2000)
            .map(|i| (format!("https://blog.same.test/p{i}"), h))
            .collect();
        // Three other domains carry the same text, one of them with a one-bit variant.
        list.push(("https://a.copy.test/x".into(), h));
        list.push(("https://b.other.test/x".into(), h ^ 1));
        list.push(("https://c.third.test/x".into(), !h));
        let refs: Vec<(&str, u64)> = list.iter().map(|(u, h)| (u.as_str(), *h)).collect();
        let (flags, _) = findings(
            &pages(&refs),
            &ScoringSettings::default(),
            &Dns::NotResolved,
        );
        let mirror = |i: usize| {
            flags[i]
                .iter()
                .find(|f| f.code == rules::MIRROR_PAGES.code)
                .map(|f| f.evidence.clone())
        };
        let same = mirror(0).unwrap();
        assert!(
            same.contains("https://a.copy.test/x (simhash distance 0)"),
            "{same}"
        );
        assert!(
            same.contains("https://b.other.test/x (simhash distance 1)"),
            "{same}"
        );
        assert!(!same.contains("same.test"), "{same}");
        let copy = mirror(2000).unwrap();
        assert!(copy.ends_with("and 1998 more"), "{copy}");
        assert_eq!(mirror(2002), None, "a different text is no mirror");
    }

    #[test]
    fn cdn_hosted_domains_on_one_block_are_no_network() {
        let urls = [
            "https://a.one.test/x",
            "https://b.two.test/x",
            "https://c.three.test/x",
            "https://d.four.test/x",
            "https://e.five.test/x",
            "https://f.six.test/x",
        ];
        let refs: Vec<(&str, u64)> = urls
            .iter()
            .enumerate()
            .map(|(i, u)| (*u, i as u64 * 0xffff_ffff))
            .collect();
        let addr = |ip: &str| vec![ip.parse::<IpAddr>().unwrap()];
        // Three domains behind Cloudflare's 104.16.0.0/13 on one /24, three on one /24 of a
        // documentation range (no CDN): only the latter are a network.
        let dns = Dns::Resolved(BTreeMap::from([
            ("one.test".to_string(), addr("104.18.32.7")),
            ("two.test".to_string(), addr("104.18.32.9")),
            ("three.test".to_string(), addr("104.18.32.11")),
            ("four.test".to_string(), addr("203.0.113.7")),
            ("five.test".to_string(), addr("203.0.113.8")),
            ("six.test".to_string(), addr("203.0.113.9")),
        ]));
        let (flags, not_evaluated) = findings(&pages(&refs), &ScoringSettings::default(), &dns);
        let network = |i: usize| {
            flags[i]
                .iter()
                .any(|f| f.code == rules::LINK_NETWORK_IP.code)
        };
        assert!(!network(0) && !network(1) && !network(2), "{flags:?}");
        assert!(network(3) && network(4) && network(5), "{flags:?}");
        let why = not_evaluated
            .iter()
            .find(|n| n.code == rules::LINK_NETWORK_IP.code)
            .map(|n| n.reason.clone())
            .unwrap();
        assert!(
            why.contains("3 referring domains behind CDN or shared hosting (Cloudflare 3)"),
            "{why}"
        );
    }

    #[test]
    fn shared_hosting_ranges_parse_and_match() {
        assert!(shared_hosting().len() > 50);
        assert_eq!(
            shared_host("104.21.3.4".parse().unwrap()),
            Some("Cloudflare")
        );
        assert_eq!(shared_host("151.101.1.69".parse().unwrap()), Some("Fastly"));
        assert_eq!(
            shared_host("2606:4700::6810:1".parse().unwrap()),
            Some("Cloudflare")
        );
        assert_eq!(shared_host("203.0.113.7".parse().unwrap()), None);
    }

    #[test]
    fn ip_blocks() {
        assert_eq!(ip_block("203.0.113.7".parse().unwrap()), "203.0.113.0/24");
        assert_eq!(
            ip_block("2001:db8:1:2::1".parse().unwrap()),
            "2001:db8:1::/48"
        );
    }
}
