//! The named rules behind every flag and toxicity point. Codes are stable kebab-case public
//! API: never rename one. Each rule has a default level, a toxicity weight (points added to a
//! link's toxicity when it fires), the thresholds `backlinks.toml` may tune, and a description
//! and condition that `backlinks explain` prints. In `condition`, `{key}` stands for the value
//! of the threshold `key`, so the text always shows the thresholds actually in force.

use crate::model::Severity;

/// What a rule looks at, and so which links its points reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// One link.
    Link,
    /// One referring page: applies to every link on it.
    Page,
    /// One referring domain: applies to every link from it.
    Domain,
    /// Several referring domains together (shared hosting, shared analytics, copies).
    Network,
    /// The whole link profile (anchor mix): no link gets points; the health score does.
    Profile,
}

impl Scope {
    /// What `explain` says about the scope.
    pub fn describe(self) -> &'static str {
        match self {
            Scope::Link => "one link",
            Scope::Page => "the referring page (every link on it)",
            Scope::Domain => "the referring domain (every link from it)",
            Scope::Network => "referring domains that belong together (every link from them)",
            Scope::Profile => "the whole profile (health score, no per-link points)",
        }
    }
}

/// A tunable number of a rule (`[rules.CODE] key = value` in `backlinks.toml`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Threshold {
    /// Kebab-case key in `backlinks.toml`.
    pub key: &'static str,
    /// Built-in value.
    pub default: f64,
    /// Smallest accepted value.
    pub min: f64,
    /// Largest accepted value.
    pub max: f64,
    /// What it controls.
    pub help: &'static str,
}

const fn t(key: &'static str, default: f64, min: f64, max: f64, help: &'static str) -> Threshold {
    Threshold {
        key,
        default,
        min,
        max,
        help,
    }
}

/// One rule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rule {
    /// Stable kebab-case code.
    pub code: &'static str,
    /// Default level.
    pub severity: Severity,
    /// Toxicity points when the rule fires on a link (0 for informational rules).
    pub weight: u8,
    /// What the rule looks at.
    pub scope: Scope,
    /// What the rule means and why it matters.
    pub description: &'static str,
    /// When exactly it fires; `{key}` is replaced by the threshold's value.
    pub condition: &'static str,
    /// Tunable thresholds.
    pub thresholds: &'static [Threshold],
}

impl Rule {
    /// The built-in value of a threshold (0 for an unknown key, which the unit tests rule out
    /// for every key the scorer reads).
    pub fn default_threshold(&self, key: &str) -> f64 {
        self.thresholds
            .iter()
            .find(|t| t.key == key)
            .map_or(0.0, |t| t.default)
    }

    /// `condition` with every `{key}` replaced by `value(key)`.
    pub fn condition_with(&self, value: impl Fn(&str) -> f64) -> String {
        let mut out = self.condition.to_string();
        for th in self.thresholds {
            out = out.replace(&format!("{{{}}}", th.key), &fmt_number(value(th.key)));
        }
        out
    }
}

/// A threshold as people write it: `3`, `0.5`.
pub fn fmt_number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// `adult-content`.
pub const ADULT_CONTENT: Rule = Rule {
    code: "adult-content",
    severity: Severity::Deny,
    weight: 50,
    scope: Scope::Page,
    description: "The referring page's editorial text uses the vocabulary of pornography and \
        adult services. Links from such pages rarely help a site that is not itself in that \
        business, and they are what manual reviewers and link-spam classifiers look for.",
    condition: "at least {min-terms} distinct terms of the shipped multilingual adult \
        vocabulary (src/extract/signals/adult.txt) occur in the page's title or main text",
    thresholds: &[t(
        "min-terms",
        3.0,
        1.0,
        50.0,
        "distinct vocabulary terms needed",
    )],
};

/// `allowed-domain`.
pub const ALLOWED_DOMAIN: Rule = Rule {
    code: "allowed-domain",
    severity: Severity::Info,
    weight: 0,
    scope: Scope::Domain,
    description: "The referring domain is on the allowlist of backlinks.toml ([domains] allow): \
        no rule that adds toxicity points fires on its links, and this finding says so.",
    condition: "the referring host equals or ends with a domain listed in [domains] allow",
    thresholds: &[],
};

/// `canonical-elsewhere`.
pub const CANONICAL_ELSEWHERE: Rule = Rule {
    code: "canonical-elsewhere",
    severity: Severity::Info,
    weight: 0,
    scope: Scope::Page,
    description: "The referring page declares another URL as its canonical version, so search \
        engines may credit the link to that URL, or ignore this copy.",
    condition: "<link rel=canonical> points to a different URL",
    thresholds: &[],
};

/// `comment-spam`.
pub const COMMENT_SPAM: Rule = Rule {
    code: "comment-spam",
    severity: Severity::Warn,
    weight: 35,
    scope: Scope::Link,
    description: "A link in the comments or forum replies whose anchor is a money keyword: the \
        signature of automated comment spam. Natural comment links use a name or a bare URL.",
    condition: "placement is comments and the anchor (or image alt) is exact_match (or partial_match when partial-match = 1; now {partial-match})",
    thresholds: &[t(
        "partial-match",
        0.0,
        0.0,
        1.0,
        "1 to also fire on partial_match anchors, 0 for exact_match only",
    )],
};

/// `denied-domain`.
pub const DENIED_DOMAIN: Rule = Rule {
    code: "denied-domain",
    severity: Severity::Deny,
    weight: 100,
    scope: Scope::Domain,
    description: "The referring domain is on the denylist of backlinks.toml ([domains] deny): \
        every link from it is toxic whatever else is found.",
    condition: "the referring host equals or ends with a domain listed in [domains] deny",
    thresholds: &[],
};

/// `exact-match-anchor-low-authority`.
pub const EXACT_MATCH_LOW_AUTHORITY: Rule = Rule {
    code: "exact-match-anchor-low-authority",
    severity: Severity::Warn,
    weight: 30,
    scope: Scope::Link,
    description: "A money-keyword anchor on a weak page. Strong sites sometimes link with the \
        words of your keyword; weak pages doing so is the typical shape of bought or \
        self-made links.",
    condition: "the anchor (or image alt) is exact_match and the page's authority is below \
        {below-authority}",
    thresholds: &[t(
        "below-authority",
        25.0,
        0.0,
        101.0,
        "authority (0-100) under which the page counts as weak",
    )],
};

/// `exact-match-share`.
pub const EXACT_MATCH_SHARE: Rule = Rule {
    code: "exact-match-share",
    severity: Severity::Warn,
    weight: 0,
    scope: Scope::Profile,
    description: "Too many of the profile's anchors are exactly a money keyword. Natural \
        profiles are dominated by brand names, URLs and generic phrases; a high exact-match \
        share is the classic over-optimisation pattern behind link-spam penalties.",
    condition: "exact_match anchors (text or image alt) are more than {max-percent}% of the \
        profile's links, with at least {min-links} links",
    thresholds: &[
        t(
            "max-percent",
            10.0,
            0.0,
            100.0,
            "largest acceptable share of exact-match anchors, percent",
        ),
        t(
            "min-links",
            10.0,
            1.0,
            1e9,
            "profiles with fewer links are not judged",
        ),
    ],
};

/// `few-branded-anchors`.
pub const FEW_BRANDED_ANCHORS: Rule = Rule {
    code: "few-branded-anchors",
    severity: Severity::Warn,
    weight: 0,
    scope: Scope::Profile,
    description: "Few links name the brand or show the URL. People who link on their own \
        mostly use the name of the site or its address; a profile without them looks built.",
    condition: "branded and naked_url anchors together are less than {min-percent}% of the \
        profile's links, with at least {min-links} links",
    thresholds: &[
        t(
            "min-percent",
            20.0,
            0.0,
            100.0,
            "smallest healthy share of branded + naked-URL anchors, percent",
        ),
        t(
            "min-links",
            10.0,
            1.0,
            1e9,
            "profiles with fewer links are not judged",
        ),
    ],
};

/// `foreign-language`.
pub const FOREIGN_LANGUAGE: Rule = Rule {
    code: "foreign-language",
    severity: Severity::Info,
    weight: 0,
    scope: Scope::Page,
    description: "The referring page is written in another language than the target site. \
        Often perfectly natural (international press, expat blogs), so it adds no toxicity; \
        a profile full of them is worth a look.",
    condition: "the page's main text is at least {min-words} words, its detected language is \
        reliable and differs from the target's language (detected on the target's own pages, \
        or [relevance] language in backlinks.toml)",
    thresholds: &[t(
        "min-words",
        50.0,
        1.0,
        1e9,
        "pages with less main text are not judged",
    )],
};

/// `gambling-content`.
pub const GAMBLING_CONTENT: Rule = Rule {
    code: "gambling-content",
    severity: Severity::Warn,
    weight: 35,
    scope: Scope::Page,
    description: "The referring page's editorial text uses the vocabulary of online casinos and \
        betting, one of the industries that buys and sells links most. Raise or turn it off \
        (level = \"allow\") if your own site is in that business.",
    condition: "at least {min-terms} distinct terms of the shipped multilingual gambling \
        vocabulary (src/extract/signals/gambling.txt) occur in the page's title or main text",
    thresholds: &[t(
        "min-terms",
        3.0,
        1.0,
        50.0,
        "distinct vocabulary terms needed",
    )],
};

/// `hidden-link`.
pub const HIDDEN_LINK: Rule = Rule {
    code: "hidden-link",
    severity: Severity::Deny,
    weight: 60,
    scope: Scope::Link,
    description: "The link is invisible to readers (display:none, visibility:hidden, zero font \
        size, off-screen position, hidden attribute): a classic technique of injected and \
        paid links that violates search engines' spam policies.",
    condition: "the link or an ancestor has the hidden attribute or an inline style that hides \
        it (stylesheets are not evaluated)",
    thresholds: &[],
};

/// `irrelevant-topic`.
pub const IRRELEVANT_TOPIC: Rule = Rule {
    code: "irrelevant-topic",
    severity: Severity::Warn,
    weight: 15,
    scope: Scope::Link,
    description: "The referring page and the paragraph around the link share almost no \
        vocabulary with the target's own pages and topics. Off-topic links are common and \
        mostly harmless, so this adds few points; together with other signals it marks \
        links placed for the link's sake.",
    condition: "relevance is below {below-relevance} and the page's main text has at least \
        {min-words} words (too little text says nothing about its topic)",
    thresholds: &[
        t(
            "below-relevance",
            10.0,
            0.0,
            101.0,
            "relevance (0-100) under which the link is off-topic",
        ),
        t(
            "min-words",
            150.0,
            1.0,
            1e9,
            "pages with less main text are not judged",
        ),
    ],
};

/// `link-farm`.
pub const LINK_FARM: Rule = Rule {
    code: "link-farm",
    severity: Severity::Deny,
    weight: 50,
    scope: Scope::Page,
    description: "The referring page is mostly outbound links to many different sites, the mark \
        of link farms, link directories and spun 'resources' pages whose links pass little \
        value and can look manipulative. A long article that cites many sources is not one: \
        the words-per-link condition keeps real writing out.",
    condition: "more than {min-external-links} external links on the page, pointing to more \
        than {min-external-domains} distinct registrable domains, with fewer than \
        {max-words-per-link} words of main text per external link",
    thresholds: &[
        t(
            "min-external-links",
            100.0,
            0.0,
            1e9,
            "external links the page must exceed",
        ),
        t(
            "min-external-domains",
            50.0,
            0.0,
            1e9,
            "distinct linked domains the page must exceed",
        ),
        t(
            "max-words-per-link",
            15.0,
            0.0,
            1e9,
            "words of main text per external link under which the page is mostly links",
        ),
    ],
};

/// `link-lost`.
pub const LINK_LOST: Rule = Rule {
    code: "link-lost",
    severity: Severity::Warn,
    weight: 0,
    scope: Scope::Page,
    description: "The page was listed as linking to the target and still answers, but no \
        longer links to it. Lost links from good pages are worth reclaiming.",
    condition: "the page was fetched with a 2xx HTML answer and has no link to a host of the \
        target's registrable domain",
    thresholds: &[],
};

/// `link-network-analytics`.
pub const LINK_NETWORK_ANALYTICS: Rule = Rule {
    code: "link-network-analytics",
    severity: Severity::Warn,
    weight: 35,
    scope: Scope::Network,
    description: "Several referring domains carry the same Google Analytics, Tag Manager or \
        AdSense ID, so one owner runs them all: the footprint of private blog networks.",
    condition: "the same UA- account, G- or GTM- container or ca-pub- publisher ID appears on \
        pages of at least {min-domains} different referring domains",
    thresholds: &[t(
        "min-domains",
        2.0,
        2.0,
        1e9,
        "referring domains that must share an ID",
    )],
};

/// `link-network-ip`.
pub const LINK_NETWORK_IP: Rule = Rule {
    code: "link-network-ip",
    severity: Severity::Warn,
    weight: 25,
    scope: Scope::Network,
    description: "Several referring domains are hosted in one IP block (/24 for IPv4, /48 for \
        IPv6). Shared hosting makes this common for small sites, so it is a warning, not a \
        verdict; combined with shared analytics or copied pages it marks a network.",
    condition: "at least {min-domains} referring domains resolve into the same /24 (IPv4) or /48 \
        (IPv6); each domain is resolved once per run (--resolve pins count). Not evaluated \
        for --archive audits, which do no DNS",
    thresholds: &[t(
        "min-domains",
        3.0,
        2.0,
        1e9,
        "referring domains that must share an IP block",
    )],
};

/// `mirror-pages`.
pub const MIRROR_PAGES: Rule = Rule {
    code: "mirror-pages",
    severity: Severity::Warn,
    weight: 40,
    scope: Scope::Network,
    description: "Pages on different referring domains carry near-identical text: scraped \
        copies, spun articles or one network's templated posts.",
    condition: "the 64-bit simhash of the main text (word 3-shingles) of pages on different \
        referring domains differs in at most {max-distance} bits, for pages with at least \
        {min-words} words of main text",
    thresholds: &[
        t(
            "max-distance",
            3.0,
            0.0,
            16.0,
            "largest Hamming distance between fingerprints",
        ),
        t(
            "min-words",
            100.0,
            10.0,
            1e9,
            "pages with less main text are not fingerprinted",
        ),
    ],
};

/// `money-anchor-dominant`.
pub const MONEY_ANCHOR_DOMINANT: Rule = Rule {
    code: "money-anchor-dominant",
    severity: Severity::Warn,
    weight: 0,
    scope: Scope::Profile,
    description: "One money-keyword anchor text accounts for a large share of all links. \
        Natural anchors vary; one commercial phrase repeated everywhere is the footprint of \
        a link-building campaign.",
    condition: "the most frequent exact_match or partial_match anchor text is more than \
        {max-percent}% of the profile's links, with at least {min-links} links",
    thresholds: &[
        t(
            "max-percent",
            20.0,
            0.0,
            100.0,
            "largest acceptable share of one money anchor, percent",
        ),
        t(
            "min-links",
            10.0,
            1.0,
            1e9,
            "profiles with fewer links are not judged",
        ),
    ],
};

/// `noindex-page`.
pub const NOINDEX_PAGE: Rule = Rule {
    code: "noindex-page",
    severity: Severity::Info,
    weight: 0,
    scope: Scope::Page,
    description: "The referring page asks search engines not to index it, so its links are \
        unlikely to count for much.",
    condition: "<meta name=robots|googlebot> or X-Robots-Tag contains noindex or none",
    thresholds: &[],
};

/// `page-nofollow`.
pub const PAGE_NOFOLLOW: Rule = Rule {
    code: "page-nofollow",
    severity: Severity::Info,
    weight: 0,
    scope: Scope::Page,
    description: "The referring page tells search engines not to follow any of its links, so \
        every link on it counts as nofollow in the summary even without rel=nofollow.",
    condition: "<meta name=robots|googlebot> or X-Robots-Tag contains nofollow or none",
    thresholds: &[],
};

/// `paid-link-without-sponsored`.
pub const PAID_WITHOUT_SPONSORED: Rule = Rule {
    code: "paid-link-without-sponsored",
    severity: Severity::Warn,
    weight: 35,
    scope: Scope::Link,
    description: "The link shows signs of being paid for (a sponsored-post disclosure on the \
        page, or affiliate/paid-campaign parameters on the link) but passes authority: no \
        rel=sponsored or nofollow. Search engines ask for paid links to be marked; unmarked \
        ones are what link-scheme penalties are about.",
    condition: "the link is followed (no sponsored, nofollow or ugc, no page-level nofollow) \
        and either the page's title or main text has a disclosure phrase of the shipped \
        multilingual list (src/extract/signals/paid.txt: \"sponsored post\", \"gesponsert\", \
        \"contenido patrocinado\"…) or the link's URL has a parameter such as aff_id, affiliate or \
        utm_medium=affiliate|paid|cpc|sponsored",
    thresholds: &[],
};

/// `pharma-content`.
pub const PHARMA_CONTENT: Rule = Rule {
    code: "pharma-content",
    severity: Severity::Warn,
    weight: 40,
    scope: Scope::Page,
    description: "The referring page's editorial text uses the vocabulary of online pharmacy \
        spam (erectile-dysfunction drugs, prescription-free pills, weight-loss pills), one of \
        the oldest kinds of link spam and of hacked-site injections.",
    condition: "at least {min-terms} distinct terms of the shipped multilingual pharma \
        vocabulary (src/extract/signals/pharma.txt) occur in the page's title or main text",
    thresholds: &[t(
        "min-terms",
        3.0,
        1.0,
        50.0,
        "distinct vocabulary terms needed",
    )],
};

/// `redirected-through`.
pub const REDIRECTED_THROUGH: Rule = Rule {
    code: "redirected-through",
    severity: Severity::Warn,
    weight: 0,
    scope: Scope::Page,
    description: "The page links to the target only through a redirect on another host (a \
        tracker, shortener or 'out' script carrying the target URL). Such links usually \
        pass nothing and can disappear with the redirector; the page counts as lost.",
    condition: "the page has no direct link to the target, but a link to another host whose \
        URL carries a URL of the target (in a query parameter or the path)",
    thresholds: &[],
};

/// `render-failed`.
pub const RENDER_FAILED: Rule = Rule {
    code: "render-failed",
    severity: Severity::Info,
    weight: 0,
    scope: Scope::Page,
    description: "The page was to be rendered in headless Chromium (`--render`), but rendering \
        did not finish: the page never finished loading within --render-timeout, the tab \
        crashed or the rendered document was too large. Its served HTML was read instead, so \
        a link its scripts insert may be missing.",
    condition: "`--render always`, or `--render auto` chose the page, and no rendered DOM was \
        read within --render-timeout",
    thresholds: &[],
};

/// `rendered-only-link`.
pub const RENDERED_ONLY_LINK: Rule = Rule {
    code: "rendered-only-link",
    severity: Severity::Info,
    weight: 0,
    scope: Scope::Link,
    description: "The link exists only after the page's scripts ran: the HTML the server sends \
        does not have it. Google renders pages before counting links, but some crawlers and \
        backlink tools never see it, and it disappears whenever the script fails.",
    condition: "the page was rendered (`--render`) and the link, with its anchor text, is in \
        the rendered DOM more often than in the served HTML",
    thresholds: &[],
};

/// `rendered-page`.
pub const RENDERED_PAGE: Rule = Rule {
    code: "rendered-page",
    severity: Severity::Info,
    weight: 0,
    scope: Scope::Page,
    description: "The page was read after its scripts ran in headless Chromium (`--render`): \
        its links are those of the rendered DOM. The evidence says why it was rendered, how \
        many requests it made and which ones the SSRF guard refused. It records how the page \
        was read, so it cannot be turned off (its level can be raised).",
    condition: "`--render always`, or `--render auto` and the served HTML has no link to the \
        target while it looks script-built or an export claims a link from it; and the \
        rendered DOM was read",
    thresholds: &[],
};

/// `same-title-network`.
pub const SAME_TITLE_NETWORK: Rule = Rule {
    code: "same-title-network",
    severity: Severity::Warn,
    weight: 25,
    scope: Scope::Network,
    description: "Pages on several referring domains carry exactly the same title: templated \
        sites, spun copies or one network's posts.",
    condition: "pages of at least {min-domains} different referring domains share a title of \
        at least {min-chars} characters (compared without case and spacing)",
    thresholds: &[
        t(
            "min-domains",
            3.0,
            2.0,
            1e9,
            "referring domains that must share the title",
        ),
        t(
            "min-chars",
            20.0,
            1.0,
            1e9,
            "shorter titles (\"Home\", \"Blog\") are ignored",
        ),
    ],
};

/// `sitewide-link`.
pub const SITEWIDE_LINK: Rule = Rule {
    code: "sitewide-link",
    severity: Severity::Warn,
    weight: 15,
    scope: Scope::Link,
    description: "The same link (same target and anchor) sits in the footer, sidebar, header or \
        navigation of many pages of one referring domain: a blogroll, partner box or bought \
        sitewide placement. It counts once in the health score, and its links are worth \
        little each.",
    condition: "a link with the same target URL and anchor text, placed outside the editorial \
        content, appears on at least {min-pages} pages of the same referring domain",
    thresholds: &[t(
        "min-pages",
        3.0,
        2.0,
        1e9,
        "pages of one domain carrying the same link",
    )],
};

/// `spam-tld`.
pub const SPAM_TLD: Rule = Rule {
    code: "spam-tld",
    severity: Severity::Warn,
    weight: 30,
    scope: Scope::Domain,
    description: "The referring domain uses a top-level domain that is disproportionately used \
        by spam and throw-away link sites. A weak signal on its own: many honest sites use \
        these TLDs too, which is why it adds less than the toxic threshold by itself.",
    condition: "the last label of the referring host is in the shipped abused-TLD list \
        (src/score/data/spam-tlds.txt)",
    thresholds: &[],
};

/// `vendor-link-missing`.
pub const VENDOR_LINK_MISSING: Rule = Rule {
    code: "vendor-link-missing",
    severity: Severity::Warn,
    weight: 0,
    scope: Scope::Page,
    description: "A backlink tool's export reports a live link from this page, but the page as \
        fetched now does not have it: the link was removed or changed since the tool's crawl, or \
        the tool's data is stale. Check it before counting the link, and reclaim it if it was a \
        good one.",
    condition: "an export of Search Console, Ahrefs, Semrush, Moz, Majestic, Screaming Frog or \
        --columns lists the page without marking the link lost, and the page answered 2xx HTML \
        with no link to the target, or with no link to the target URL the export names \
        (compared without scheme, `www.` and trailing slash)",
    thresholds: &[],
};

/// `missing-from-gsc`.
pub const MISSING_FROM_GSC: Rule = Rule {
    code: "missing-from-gsc",
    severity: Severity::Info,
    weight: 0,
    scope: Scope::Page,
    description: "The link is live and other tools report it, but the Google Search Console \
        links export given does not list it. Search Console shows links Google has crawled \
        and counted (a sample for large sites): a link missing there may not be crawled or \
        counted yet, or be ignored.",
    condition: "a Search Console links export was among the inputs, the page is live, another \
        tool's export lists it, and neither a Search Console links row lists the page nor a \
        top-linking-sites row its registrable domain",
    thresholds: &[],
};

/// `vendor-rel-mismatch`.
pub const VENDOR_REL_MISMATCH: Rule = Rule {
    code: "vendor-rel-mismatch",
    severity: Severity::Warn,
    weight: 0,
    scope: Scope::Page,
    description: "A backlink tool's claim about the link's rel attribute (nofollow, ugc, \
        sponsored) disagrees with the live page, so the tool's followed-link counts and \
        authority figures are wrong for this link: it changed since the tool's crawl.",
    condition: "an export claims nofollow/ugc/sponsored is set (or not set), and no link to the \
        target on the live page (the links to the claimed target URL when there are such) \
        agrees",
    thresholds: &[],
};

/// Every rule, sorted by code.
pub const ALL: [Rule; 32] = [
    ADULT_CONTENT,
    ALLOWED_DOMAIN,
    CANONICAL_ELSEWHERE,
    COMMENT_SPAM,
    DENIED_DOMAIN,
    EXACT_MATCH_LOW_AUTHORITY,
    EXACT_MATCH_SHARE,
    FEW_BRANDED_ANCHORS,
    FOREIGN_LANGUAGE,
    GAMBLING_CONTENT,
    HIDDEN_LINK,
    IRRELEVANT_TOPIC,
    LINK_FARM,
    LINK_LOST,
    LINK_NETWORK_ANALYTICS,
    LINK_NETWORK_IP,
    MIRROR_PAGES,
    MISSING_FROM_GSC,
    MONEY_ANCHOR_DOMINANT,
    NOINDEX_PAGE,
    PAGE_NOFOLLOW,
    PAID_WITHOUT_SPONSORED,
    PHARMA_CONTENT,
    REDIRECTED_THROUGH,
    RENDER_FAILED,
    RENDERED_ONLY_LINK,
    RENDERED_PAGE,
    SAME_TITLE_NETWORK,
    SITEWIDE_LINK,
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

    #[test]
    fn the_report_reads_rendered_pages_by_this_rule() {
        assert_eq!(RENDERED_PAGE.code, crate::model::RENDERED_PAGE_CODE);
    }

    #[test]
    fn conditions_name_only_declared_thresholds() {
        for r in ALL {
            let text = r.condition_with(|_| 1.0);
            assert!(!text.contains('{'), "{}: {text}", r.code);
            for th in r.thresholds {
                assert!(th.min <= th.default && th.default <= th.max, "{}", th.key);
            }
        }
    }
}
