//! What the HTML of a page says: its links and page-level signals (the extract stage's output).

use serde::Serialize;
use std::fmt;

/// Where on the page a link sits. `Content` is the editorial body, what the page is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Placement {
    /// The editorial body of the page.
    Content,
    /// Menus and other site navigation.
    Navigation,
    /// The page or site header (banner).
    Header,
    /// The page or site footer.
    Footer,
    /// Sidebars, widgets, blogrolls, "related" boxes outside the body.
    Sidebar,
    /// User comments, forum replies, reviews.
    Comments,
    /// An author box or bio.
    AuthorBio,
    /// No signal was strong enough to decide.
    Unknown,
}

impl Placement {
    /// Every placement, in report order.
    pub const ALL: [Placement; 8] = [
        Placement::Content,
        Placement::Navigation,
        Placement::Header,
        Placement::Footer,
        Placement::Sidebar,
        Placement::Comments,
        Placement::AuthorBio,
        Placement::Unknown,
    ];

    /// The snake_case name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Placement::Content => "content",
            Placement::Navigation => "navigation",
            Placement::Header => "header",
            Placement::Footer => "footer",
            Placement::Sidebar => "sidebar",
            Placement::Comments => "comments",
            Placement::AuthorBio => "author_bio",
            Placement::Unknown => "unknown",
        }
    }
}

impl fmt::Display for Placement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The kind of anchor text of a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AnchorType {
    /// Contains a brand term (`--brand`, default the domain's first label).
    Branded,
    /// The anchor is a URL or bare domain of the target.
    NakedUrl,
    /// A generic phrase: "click here", "read more", "hier", "aquí"...
    Generic,
    /// Exactly one of the `--keyword` money terms.
    ExactMatch,
    /// Contains a `--keyword` term among other words.
    PartialMatch,
    /// An image link; its `alt` text is the anchor text.
    Image,
    /// No text, no alt, no title.
    Empty,
    /// Anything else.
    Other,
}

impl AnchorType {
    /// The snake_case name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            AnchorType::Branded => "branded",
            AnchorType::NakedUrl => "naked_url",
            AnchorType::Generic => "generic",
            AnchorType::ExactMatch => "exact_match",
            AnchorType::PartialMatch => "partial_match",
            AnchorType::Image => "image",
            AnchorType::Empty => "empty",
            AnchorType::Other => "other",
        }
    }
}

/// Page-level facts that affect every link of the page.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PageSignals {
    /// `<title>`, whitespace collapsed.
    pub title: Option<String>,
    /// `<html lang>`, lower-case.
    pub lang: Option<String>,
    /// Lower-case directives of `<meta name=robots|googlebot>` (e.g. `noindex`, `nofollow`).
    pub meta_robots: Vec<String>,
    /// Lower-case directives of `X-Robots-Tag` headers that apply to all crawlers or Googlebot.
    pub x_robots_tag: Vec<String>,
    /// `<link rel=canonical>` when it points to another URL than the page itself.
    pub canonical_elsewhere: Option<String>,
    /// Number of `<a href>`/`<area href>` links on the page.
    pub total_links: usize,
    /// Links to hosts of another registrable domain than the page's own.
    pub external_links: usize,
    /// Distinct registrable domains those external links point to.
    pub external_domains: usize,
    /// Those domains, sorted, on a page without any selected link (kept only there: they let
    /// an audit whose target no page links to suggest the domain the pages do link to).
    pub linked_domains: Vec<String>,
    /// Words of editorial text (`extract::content::main_text`).
    pub text_words: usize,
    /// Language of the editorial text (whatlang's ISO 639-3 code, e.g. `eng`, `spa`), when
    /// the detection is reliable.
    pub language: Option<String>,
    /// Terms of the adult vocabulary found in the title or editorial text (sorted, distinct).
    pub adult_terms: Vec<String>,
    /// Terms of the gambling vocabulary found.
    pub gambling_terms: Vec<String>,
    /// Terms of the pharma-spam vocabulary found.
    pub pharma_terms: Vec<String>,
    /// Paid-placement disclosure phrases found ("sponsored post", "gesponsert"...).
    pub paid_terms: Vec<String>,
    /// Google Analytics (`UA-` account, `G-`), Tag Manager (`GTM-`) and AdSense (`ca-pub-`)
    /// IDs in the markup, sorted.
    pub tracking_ids: Vec<String>,
    /// 64-bit simhash of the editorial text's word 3-shingles (`None` under 3 words).
    #[serde(skip)]
    pub simhash: Option<u64>,
    /// Term profile of the editorial text, for topical relevance.
    #[serde(skip)]
    pub terms: TermVector,
    /// Term profile of the paragraph around each selected link (anchor text left out), in
    /// the order of the page's links.
    #[serde(skip)]
    pub link_terms: Vec<TermVector>,
    /// Links that reach the target only through a redirect on another host (at most 5).
    pub redirected_links: Vec<String>,
    /// Ways to reach the site's owner found on the page (mailto links, contact and imprint
    /// pages), at most a few per kind: where to ask for a link's removal.
    pub contacts: Vec<ContactRoute>,
    /// Mentions of the target's brand in the page's text, when the page does not link to the
    /// target (unlinked mentions), in document order, at most a few.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub mentions: Vec<super::Mention>,
}

/// What kind of contact route a page offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ContactKind {
    /// An e-mail address (`mailto:` link).
    Email,
    /// A contact page ("Contact", "Kontakt", "Contacto"...).
    ContactPage,
    /// A legal notice naming the owner ("Impressum", "Imprint", "Mentions légales"...).
    Imprint,
}

impl ContactKind {
    /// The kebab-case name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            ContactKind::Email => "email",
            ContactKind::ContactPage => "contact-page",
            ContactKind::Imprint => "imprint",
        }
    }

    /// Parses [`ContactKind::as_str`].
    pub fn parse(s: &str) -> Option<ContactKind> {
        [
            ContactKind::Email,
            ContactKind::ContactPage,
            ContactKind::Imprint,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// One way to reach a referring site's owner.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct ContactRoute {
    /// What it is.
    pub kind: ContactKind,
    /// The e-mail address, or the absolute URL of the page.
    pub value: String,
}

/// A compact bag of words: hashed stems with their counts, sorted by hash. Only the most
/// frequent terms of a text are kept, so a page costs under a kilobyte.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TermVector {
    /// (stem hash, count), sorted by hash, hashes distinct.
    pub terms: Vec<(u32, u16)>,
}

/// The words of one of the target's own pages, for its topical profile.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TargetText {
    /// The page's URL.
    pub url: String,
    /// Language of its editorial text (ISO 639-3), when reliable.
    pub language: Option<String>,
    /// Words of editorial text.
    pub words: usize,
    /// (stem, count) of its editorial text and title, most frequent first.
    pub stems: Vec<(String, u32)>,
}

impl PageSignals {
    /// `noindex` from meta robots or X-Robots-Tag (`none` implies it).
    pub fn noindex(&self) -> bool {
        self.all_directives().any(|d| d == "noindex" || d == "none")
    }

    /// `nofollow` from meta robots or X-Robots-Tag (`none` implies it).
    pub fn nofollow(&self) -> bool {
        self.all_directives()
            .any(|d| d == "nofollow" || d == "none")
    }

    /// Human-readable source of the page-level nofollow, for evidence.
    pub fn nofollow_evidence(&self) -> Option<String> {
        let hit = |v: &[String]| v.iter().any(|d| d == "nofollow" || d == "none");
        if hit(&self.meta_robots) {
            Some("<meta name=robots> says nofollow".into())
        } else if hit(&self.x_robots_tag) {
            Some("X-Robots-Tag header says nofollow".into())
        } else {
            None
        }
    }

    fn all_directives(&self) -> impl Iterator<Item = &str> {
        self.meta_robots
            .iter()
            .chain(&self.x_robots_tag)
            .map(String::as_str)
    }
}

/// One `<a href>` or `<area href>` of a page, as found in the markup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LinkObservation {
    /// The link, resolved against the page URL and `<base href>` (kept as written when it
    /// cannot be resolved).
    pub href: String,
    /// Visible text, whitespace collapsed, entities decoded; for image links the `alt`; else
    /// `title`/`aria-label`.
    pub anchor_text: String,
    /// True when the anchor text came from an image's `alt` (or the link holds only an image).
    pub is_image: bool,
    /// `rel` tokens, lower-case, de-duplicated, in document order.
    pub rel: Vec<String>,
    /// Where on the page the link sits.
    pub placement: Placement,
    /// How sure the placement model is of `placement`, in thousandths (JSON: 0–1).
    #[serde(serialize_with = "per_mille")]
    pub placement_confidence: u16,
    /// Why that placement was chosen, most decisive first.
    pub evidence: Vec<String>,
    /// A few words before and after the link in its block, with the anchor marked `[…]`.
    pub context: String,
    /// Why the link is invisible to readers (`display:none` on an ancestor...), if it is.
    pub hidden: Option<String>,
    /// The registrable domain of the site it points to, when links to several sites were
    /// kept (the target's or a competitor's, for `gap`); null otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub site: Option<String>,
}

fn per_mille<S: serde::Serializer>(v: &u16, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(f64::from(*v) / 1000.0)
}

/// Everything the extract stage learned from one HTML document.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PageAnalysis {
    /// Page-level signals.
    pub signals: PageSignals,
    /// The selected links, in document order.
    pub links: Vec<LinkObservation>,
}

/// What became of a candidate page after fetching and extraction: the fetch outcome without
/// the body, plus the analysis of HTML pages. This is what crosses from the crawl/extract
/// stages to scoring, so that bodies are dropped as soon as a page is parsed.
#[derive(Debug, Clone)]
pub struct PageVerdict {
    /// URL of the final response, when a request was made.
    pub final_url: Option<url::Url>,
    /// Redirects followed.
    pub redirects: Vec<super::RedirectHop>,
    /// Status of the final response, when there was one.
    pub http_status: Option<u16>,
    /// The outcome.
    pub outcome: VerdictOutcome,
}

/// The outcome part of a [`PageVerdict`].
#[derive(Debug, Clone)]
#[expect(
    clippy::large_enum_variant,
    reason = "nearly every verdict is `Analyzed`: boxing it would add an allocation per page \
              and save nothing"
)]
pub enum VerdictOutcome {
    /// An HTML page, analysed.
    Analyzed(PageAnalysis),
    /// A 2xx answer that is not HTML.
    NotHtml {
        /// Its `Content-Type`.
        content_type: String,
    },
    /// A 4xx/5xx answer.
    HttpError,
    /// A failed fetch.
    Failed(super::FetchError),
    /// Not fetched on purpose.
    Skipped(super::SkipReason),
}
