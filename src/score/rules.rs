//! The named rules behind every flag and toxicity point. Codes are stable kebab-case public
//! API: never rename one. Each rule has a default severity, a toxicity weight (points added to
//! a link's toxicity when it fires) and a description that `backlinks explain` prints.

use crate::model::Severity;

/// One rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// Stable kebab-case code.
    pub code: &'static str,
    /// Default level.
    pub severity: Severity,
    /// Toxicity points when the rule fires on a link (0 for informational rules).
    pub weight: u8,
    /// What the rule means and why it matters.
    pub description: &'static str,
    /// When exactly it fires (thresholds).
    pub condition: &'static str,
}

/// `spam-tld`.
pub const SPAM_TLD: Rule = Rule {
    code: "spam-tld",
    severity: Severity::Warn,
    weight: 30,
    description: "The referring domain uses a top-level domain that is disproportionately used \
        by spam and throw-away link sites. A weak signal on its own: many honest sites use \
        these TLDs too, which is why it adds less than the toxic threshold by itself.",
    condition: "the last label of the referring host is in the shipped abused-TLD list \
        (src/score/data/spam-tlds.txt)",
};

/// `link-farm`.
pub const LINK_FARM: Rule = Rule {
    code: "link-farm",
    severity: Severity::Deny,
    weight: 50,
    description: "The referring page links out to a very large number of different sites, the \
        mark of link farms, link directories and spun 'resources' pages whose links pass \
        little value and can look manipulative.",
    condition: "more than 100 external links on the page, pointing to more than 50 distinct \
        registrable domains",
};

/// `hidden-link`.
pub const HIDDEN_LINK: Rule = Rule {
    code: "hidden-link",
    severity: Severity::Deny,
    weight: 60,
    description: "The link is invisible to readers (display:none, visibility:hidden, zero font \
        size, off-screen position, hidden attribute): a classic technique of injected and \
        paid links that violates search engines' spam policies.",
    condition: "the link or an ancestor has the hidden attribute or an inline style that hides \
        it (stylesheets are not evaluated)",
};

/// `noindex-page`.
pub const NOINDEX_PAGE: Rule = Rule {
    code: "noindex-page",
    severity: Severity::Info,
    weight: 0,
    description: "The referring page asks search engines not to index it, so its links are \
        unlikely to count for much.",
    condition: "<meta name=robots|googlebot> or X-Robots-Tag contains noindex or none",
};

/// `page-nofollow`.
pub const PAGE_NOFOLLOW: Rule = Rule {
    code: "page-nofollow",
    severity: Severity::Info,
    weight: 0,
    description: "The referring page tells search engines not to follow any of its links, so \
        every link on it counts as nofollow in the summary even without rel=nofollow.",
    condition: "<meta name=robots|googlebot> or X-Robots-Tag contains nofollow or none",
};

/// `link-lost`.
pub const LINK_LOST: Rule = Rule {
    code: "link-lost",
    severity: Severity::Warn,
    weight: 0,
    description: "The page was listed as linking to the target and still answers, but no \
        longer links to it. Lost links from good pages are worth reclaiming.",
    condition: "the page was fetched with a 2xx HTML answer and has no link to a host of the \
        target's registrable domain",
};

/// `canonical-elsewhere`.
pub const CANONICAL_ELSEWHERE: Rule = Rule {
    code: "canonical-elsewhere",
    severity: Severity::Info,
    weight: 0,
    description: "The referring page declares another URL as its canonical version, so search \
        engines may credit the link to that URL, or ignore this copy.",
    condition: "<link rel=canonical> points to a different URL",
};

/// `vendor-link-missing`.
pub const VENDOR_LINK_MISSING: Rule = Rule {
    code: "vendor-link-missing",
    severity: Severity::Warn,
    weight: 0,
    description: "A backlink tool's export reports a live link from this page, but the page as \
        fetched now does not have it: the link was removed or changed since the tool's crawl, or \
        the tool's data is stale. Check it before counting the link, and reclaim it if it was a \
        good one.",
    condition: "an export of Search Console, Ahrefs, Semrush, Moz, Majestic, Screaming Frog or \
        --columns lists the page without marking the link lost, and the page answered 2xx HTML \
        with no link to the target, or with no link to the target URL the export names \
        (compared without scheme, `www.` and trailing slash)",
};

/// `missing-from-gsc`.
pub const MISSING_FROM_GSC: Rule = Rule {
    code: "missing-from-gsc",
    severity: Severity::Info,
    weight: 0,
    description: "The link is live and other tools report it, but the Google Search Console \
        links export given does not list it. Search Console shows links Google has crawled \
        and counted (a sample for large sites): a link missing there may not be crawled or \
        counted yet, or be ignored.",
    condition: "a Search Console links export was among the inputs, the page is live, another \
        tool's export lists it, and neither a Search Console links row lists the page nor a \
        top-linking-sites row its registrable domain",
};

/// `vendor-rel-mismatch`.
pub const VENDOR_REL_MISMATCH: Rule = Rule {
    code: "vendor-rel-mismatch",
    severity: Severity::Warn,
    weight: 0,
    description: "A backlink tool's claim about the link's rel attribute (nofollow, ugc, \
        sponsored) disagrees with the live page, so the tool's followed-link counts and \
        authority figures are wrong for this link: it changed since the tool's crawl.",
    condition: "an export claims nofollow/ugc/sponsored is set (or not set), and no link to the \
        target on the live page (the links to the claimed target URL when there are such) \
        agrees",
};

/// Every rule, sorted by code.
pub const ALL: [Rule; 10] = [
    CANONICAL_ELSEWHERE,
    HIDDEN_LINK,
    LINK_FARM,
    LINK_LOST,
    MISSING_FROM_GSC,
    NOINDEX_PAGE,
    PAGE_NOFOLLOW,
    SPAM_TLD,
    VENDOR_LINK_MISSING,
    VENDOR_REL_MISMATCH,
];

/// Looks a rule up by code.
pub fn find(code: &str) -> Option<&'static Rule> {
    ALL.iter().find(|r| r.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_sorted_unique_kebab_case() {
        let codes: Vec<&str> = ALL.iter().map(|r| r.code).collect();
        let mut sorted = codes.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(codes, sorted);
        for c in codes {
            assert!(
                c.chars().all(|ch| ch.is_ascii_lowercase() || ch == '-'),
                "{c}"
            );
        }
    }
}
